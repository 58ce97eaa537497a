"""One upload cannot stall the server: its pictures are counted and their pixels summed from
their headers before any is decoded, the whole intake has one deadline, a .doc or .rtf cannot
pull a server file in, files are throttled per account whichever route they take, and opening
the judging does no picture work."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from contest.documents import budget, office, pictures
from contest.documents.intake import extract_upload
from contest.platform.errors import IntakeError
from tests import hostile
from tests.contest.test_entry_form import FIELDS as ENTRY_FIELDS
from tests.plugins.factories import vietnamese_essay
from tests.plugins.web import csrf_token, login

LIMIT = 10 * 1024 * 1024


def _docx_with_pictures(tmp_path, count: int, width: int = 40, height: int = 30) -> bytes:
    """A .docx of `count` pictures (palette PNGs: tiny files, whatever their pixels)."""
    files, refs = [], []
    for index in range(count):
        buffer = io.BytesIO()
        Image.new("P", (width, height), index % 200).save(buffer, "PNG", optimize=True)
        files.append((f"anh{index}.png", buffer.getvalue()))
        refs.append(f"![Ảnh {index}](anh{index}.png)")
    return hostile.pandoc_document(
        tmp_path, hostile.ESSAY + "\n\n" + "\n\n".join(refs) + "\n", ".docx", files
    )


def _never_decoded(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a picture was decoded")

    monkeypatch.setattr(pictures, "clean", refuse)
    monkeypatch.setattr(pictures, "open_raster", refuse)


def test_too_many_pictures_are_refused_before_any_is_decoded(tmp_path, monkeypatch):
    data = _docx_with_pictures(tmp_path, budget.MAX_PICTURES + 1)
    _never_decoded(monkeypatch)
    with pytest.raises(IntakeError, match=f"tối đa {budget.MAX_PICTURES} hình"):
        extract_upload("bai.docx", data, LIMIT)


def test_pictures_heavy_in_pixels_are_refused_from_their_headers(tmp_path, monkeypatch):
    # Three 7,000 × 5,000 pictures: 105 megapixels, a few kilobytes of file.
    data = _docx_with_pictures(tmp_path, 3, 7000, 5000)
    assert len(data) < 200_000
    _never_decoded(monkeypatch)
    with pytest.raises(IntakeError, match=f"hơn {budget.MAX_PICTURE_MEGAPIXELS} megapixel"):
        extract_upload("bai.docx", data, LIMIT)


def test_pictures_within_the_budget_are_kept(tmp_path):
    essay = extract_upload("bai.docx", _docx_with_pictures(tmp_path, 5), LIMIT)
    assert len(essay.media) == 5


def test_the_whole_intake_has_one_deadline(tmp_path, monkeypatch):
    """Each picture alone is quick, together they are not: the upload is refused at the limit
    with its figure, however the time was spent."""
    real_clean = pictures.clean

    def slow(data, **kwargs):
        time.sleep(0.6)
        return real_clean(data, **kwargs)

    monkeypatch.setattr(pictures, "clean", slow)
    with pytest.raises(IntakeError, match="hơn 2 giây"):
        extract_upload("bai.docx", _docx_with_pictures(tmp_path, 5), LIMIT, seconds=2)


def test_a_deadline_says_how_long_the_limit_was(monkeypatch):
    deadline = budget.Deadline(45)
    assert 44 <= deadline.left() <= 45
    monkeypatch.setattr(budget.time, "monotonic", lambda: deadline.ends + 1)
    with pytest.raises(IntakeError, match="hơn 45 giây"):
        deadline.left()


RTF_WITH_SERVER_PICTURE = (
    rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}"
    rb"\pard Ch\'e9 C\'e2m Thi Hoa day chu cho tre em trong ban suot muoi nam.\par"
    rb'{\field{\*\fldinst INCLUDEPICTURE "/usr/share/pixmaps/debian-logo.png" \\d}{\fldrslt }}'
    rb'\par{\field{\*\fldinst includetext "/etc/hostname"}{\fldrslt }}\par'
    rb"\pard Het bai.\par}"
)


def test_an_rtf_cannot_pull_a_server_file_into_the_essay():
    essay = extract_upload("bai.rtf", RTF_WITH_SERVER_PICTURE, LIMIT)
    assert essay.media == {} and "Het bai" in essay.text
    with open("/etc/hostname", encoding="utf-8") as fh:
        assert fh.read().strip() not in essay.text


def test_linked_file_fields_are_blanked_in_both_encodings():
    utf16 = "INCLUDEPICTURE".encode("utf-16-le")
    data = b"\x00abc includePicture x " + utf16 + b" INCLUDETEXT"
    cleaned = office.without_linked_files(data)
    assert len(cleaned) == len(data) and b"INCLUDE" not in cleaned.upper()
    assert "X".encode("utf-16-le") * 14 in cleaned


# The entry form's fields, saved as a draft: the essay comes as a file or as typed text.
FIELDS = {**{k: v for k, v in ENTRY_FIELDS.items() if k != "body"}, "save": "1"}


def _save(client, url: str, **extra):
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={"csrf_token": csrf_token(page), **FIELDS, **extra},
        content_type="multipart/form-data",
    )


def test_files_are_throttled_per_account_and_typed_saves_are_not(client, world, make_entry):
    draft = make_entry(world["users"]["entrant_a"], submit=False)
    login(client, world["users"]["entrant_a"])
    url = f"/entries/{draft.id}/edit"
    essay = vietnamese_essay(60).encode()
    answers = [
        _save(client, url, file=(io.BytesIO(essay), "bai.txt")).status_code for _ in range(7)
    ]
    assert answers[:6] == [302] * 6 and answers[6] == 429
    assert "thử lại sau" in _save(client, url, file=(io.BytesIO(essay), "bai.txt")).get_data(
        as_text=True
    )
    assert _save(client, url, body=vietnamese_essay(61)).status_code == 302  # typed: not counted
