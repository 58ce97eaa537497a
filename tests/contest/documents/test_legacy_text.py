"""Legacy Vietnamese encodings (TCVN3, VNI) and the Vietnamese sort order."""

from __future__ import annotations

import random
import unicodedata

import icu
import pytest

from contest.documents.legacy_fonts import (
    TCVN3,
    VNI,
    LegacyEncoding,
    encoding_of_font,
    looks_like_viqr,
    to_unicode,
    vietnamese_share,
    viqr_to_unicode,
)
from contest.platform.text import vietnamese_key

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
EVERY_LETTER = [
    unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES
] + ["đ"]


@pytest.mark.parametrize(
    "font, encoding",
    [
        (".VnTime", LegacyEncoding.TCVN3),
        (".VnArial Narrow", LegacyEncoding.TCVN3),
        (".VnTimeH", LegacyEncoding.TCVN3_CAPITALS),
        (".VnArialH", LegacyEncoding.TCVN3_CAPITALS),
        ("VNI-Times", LegacyEncoding.VNI),
        ("VNI-Helve", LegacyEncoding.VNI),
        ("Times New Roman", None),
        ("Vni", None),
        (None, None),
    ],
)
def test_the_font_name_tells_the_encoding(font, encoding):
    assert encoding_of_font(font) == encoding


@pytest.mark.parametrize(
    "legacy, unicode_text",
    [
        # Samples typed in the wild (place names of the north-west, a VNI greeting).
        ("M\u00adêng Kh\u00ad¬ng", "Mường Khương"),
        ("B¶o Th¾ng", "Bảo Thắng"),
        ("B¸t X¸t", "Bát Xát"),
        ("Ng\u00adêi tèt viÖc tèt ë b¶n M\u00adêng Chiªn", "Người tốt việc tốt ở bản Mường Chiên"),
        (
            "§iÖn Biªn, Quúnh Nhai, ThuËn Ch©u, Yªn Ch©u, Phï Yªn",
            "Điện Biên, Quỳnh Nhai, Thuận Châu, Yên Châu, Phù Yên",
        ),
    ],
)
def test_tcvn3_samples(legacy, unicode_text):
    assert to_unicode(legacy, LegacyEncoding.TCVN3) == unicode_text


def test_tcvn3_capitals_come_from_the_h_fonts():
    assert to_unicode("tr\u00adêng ®¹i häc", LegacyEncoding.TCVN3_CAPITALS) == "TRƯỜNG ĐẠI HỌC"


@pytest.mark.parametrize(
    "legacy, unicode_text",
    [
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("Ngöôøi toát vieäc toát ôû baûn Möôøng Chieân", "Người tốt việc tốt ở bản Mường Chiên"),
        ("ÑIEÄN BIEÂN PHUÛ", "ĐIỆN BIÊN PHỦ"),
        (
            "Quyønh Nhai, Thuaän Chaâu, Phuø Yeân, hoïc sinh, kyû nieäm, tæ leä",
            "Quỳnh Nhai, Thuận Châu, Phù Yên, học sinh, kỷ niệm, tỉ lệ",
        ),
    ],
)
def test_vni_samples(legacy, unicode_text):
    assert to_unicode(legacy, LegacyEncoding.VNI) == unicode_text


@pytest.mark.parametrize("letter", EVERY_LETTER)
def test_every_toned_letter_has_a_tcvn3_code_in_both_cases(letter):
    codes = [code for code, value in TCVN3.items() if value == letter]
    if letter in "aeiouy":
        codes = [letter]
    assert len(codes) == 1, letter
    assert to_unicode(codes[0], LegacyEncoding.TCVN3) == letter
    assert to_unicode(codes[0], LegacyEncoding.TCVN3_CAPITALS) == letter.upper()


@pytest.mark.parametrize("letter", EVERY_LETTER)
def test_every_toned_letter_has_a_vni_sequence_in_both_cases(letter):
    for case in (letter, letter.upper()):
        sequences = [code for code, value in VNI.items() if value == case]
        if case in "aeiouyAEIOUY":
            sequences = [case]
        assert len(sequences) == 1, case
        assert to_unicode(sequences[0], LegacyEncoding.VNI) == case


def test_mojibake_is_told_apart_from_vietnamese():
    sentence = "Người tốt việc tốt ở bản Mường Chiên, huyện Quỳnh Nhai."
    assert vietnamese_share(sentence) == 1.0
    assert vietnamese_share("Ng\u00adêi tèt viÖc tèt ë b¶n M\u00adêng Chiªn") < 0.6


ALPHABET_SAMPLES = [
    "Thắng",
    "Thanh",
    "Huyện Mộc Châu",
    "Hội Nông dân",
    "Xã Đông Sang",
    "Xã Tông Lạnh",
    "ta",
    "tà",
    "tả",
    "tã",
    "tá",
    "tạ",
    "Ta",
    "an",
    "ăn",
    "ân",
    "ô",
    "ơ",
    "o",
    "u",
    "ư",
    "đa",
    "da",
    "e",
    "ê",
    "ý",
    "y",
    "Ý",
    "hoa 2",
    "hoa 10",
    "hoa",
    "hoà",
    "hòa",
    "Lò Văn Ánh",
    "Lò Văn Anh",
    "Lường Thị Én",
    "Quàng Văn Ơn",
    "Đinh",
    "Dinh",
]


def test_names_sort_in_the_vietnamese_alphabet():
    ordered = sorted(ALPHABET_SAMPLES, key=vietnamese_key)
    assert ordered.index("Thanh") < ordered.index("Thắng")
    assert ordered.index("Hội Nông dân") < ordered.index("Huyện Mộc Châu")
    assert ordered.index("Xã Đông Sang") < ordered.index("Xã Tông Lạnh")
    assert ordered[ordered.index("ta") : ordered.index("ta") + 7] == [
        "ta",
        "Ta",
        "tà",
        "tả",
        "tã",
        "tá",
        "tạ",
    ]


def test_the_key_agrees_with_icus_vietnamese_collator():
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    rng = random.Random(2019)
    letters = [*"aăâbcdđeêghiklmnoôơpqrstuưvxy", *EVERY_LETTER, "Á", "Đ", "Ư", "Ờ", " "]
    words = ALPHABET_SAMPLES + [
        "".join(rng.choice(letters) for _ in range(rng.randint(1, 7))).strip() or "a"
        for _ in range(2000)
    ]
    assert sorted(words, key=lambda w: (vietnamese_key(w), w)) == sorted(
        words, key=lambda w: (collator.getSortKey(w), w)
    )


@pytest.mark.parametrize(
    "viqr, unicode_text",
    [
        (
            "Ngu+o+`i to^'t vie^.c to^'t o+? ba?n Mu+o+`ng Chie^n",
            "Người tốt việc tốt ở bản Mường Chiên",
        ),
        ("DDie^.n Bie^n, ta(ng gia' tri. va` lo+.i", "Điện Biên, tăng giá trị và lợi"),
        ("Co' the^? la`m ddu+o+.c kho^ng?", "Có thể làm được không?"),
        ("Mo^.t ca^u ke^'t thu'c o+? dda^y.\nDo`ng mo+'i", "Một câu kết thúc ở đây.\nDòng mới"),
        ("Gia' ba'n 100\\. Ha\\? Ro^`i ba'n ti'ch", "Giá bán 100. Ha? Rồi bán tích"),
    ],
)
def test_viqr_samples(viqr, unicode_text):
    assert looks_like_viqr(viqr)
    assert viqr_to_unicode(viqr) == unicode_text
