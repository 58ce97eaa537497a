"""Issue 26: a unit that sends its choice up introduces it in a letter (công văn) it keeps
with its round: issuing body, signer, a line of recommendation per item; DOCX and PDF; listed
for the province; never within a judge's reach."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import docx
import pytest

from anthology.render.certificates import Issuance
from anthology.services import letters
from contest.platform.db import db
from contest.platform.errors import DomainError
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

SLUG = "son-la-2019"


def _issuance(**changes) -> Issuance:
    values = {
        "parent_body": "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
        "body": "Sở Giáo dục và Đào tạo",
        "code": "SGDĐT",
        "place": "Sơn La",
        "day": date(2019, 9, 20),
        "signer_authority": "GIÁM ĐỐC",
        "signer_name": "Lò Văn Sơn",
    }
    return Issuance(**{**values, **changes})


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_letter_is_kept_with_the_round_and_names_what_it_sent(world, finalised):
    round_ = world["rounds"]["SGD"]
    rich = finalised["rich"]
    assert [i.key for i in letters.sent_items(db.session, round_)] == [f"e{rich.id}"]
    letters.save_letter(
        db.session,
        round_,
        world["users"]["province"],
        _issuance(),
        {f"e{rich.id}": "Bài viết cảm động về người giữ rừng."},
        NOW,
    )
    db.session.commit()
    text = _text(letters.letter_docx(db.session, letters.letter_of(db.session, round_)))
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text and "/CV-SGDĐT" in text
    assert "V/v giới thiệu bài dự thi" in text
    assert "Kính gửi: Ban Tổ chức cuộc thi Tỉnh Sơn La" in text
    assert rich.title in text and rich.author.full_name in text
    assert "Bài viết cảm động về người giữ rừng." in text
    assert "Sơn La, ngày 20 tháng 9 năm 2019" in text and "Lò Văn Sơn" in text
    kept = letters.letters(db.session, finalised["contest"])
    assert [letter.round_id for letter in kept] == [round_.id]


def test_a_letter_waits_for_the_sending_and_speaks_only_of_what_was_sent(world, finalised):
    waiting = next(r for r in world["rounds"].values() if r.parent and r.closed_at is None)
    with pytest.raises(DomainError, match="sau khi đơn vị đã gửi bài lên"):
        letters.save_letter(db.session, waiting, None, _issuance(), {}, NOW)
    with pytest.raises(DomainError, match="không gửi lên"):
        letters.save_letter(
            db.session, world["rounds"]["SGD"], None, _issuance(), {"e999999": "Hay"}, NOW
        )
    with pytest.raises(DomainError, match="tối đa 500"):
        rich = finalised["rich"]
        letters.save_letter(
            db.session, world["rounds"]["SGD"], None, _issuance(), {f"e{rich.id}": "x" * 501}, NOW
        )
    assert letters.letter_of(db.session, world["rounds"]["SGD"]) is None


def test_the_page_saves_the_letter_and_prints_it(client, world, finalised):
    round_ = world["rounds"]["SGD"]
    rich = finalised["rich"]
    page_url = f"/anthology/{SLUG}/rounds/{round_.id}/letter"
    login(client, world["users"]["province"])
    page = client.get(page_url).get_data(as_text=True)
    assert rich.title in page
    round_page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Công văn giới thiệu bài và hồ sơ gửi lên" in round_page
    answer = client.post(
        page_url,
        data={
            "csrf_token": csrf_token(page),
            "parent_body": "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
            "body": "Sở Giáo dục và Đào tạo",
            "code": "SGDĐT",
            "place": "Sơn La",
            "day": "2019-09-20",
            "signer_authority": "GIÁM ĐỐC",
            "signer_name": "Lò Văn Sơn",
            f"rec_e{rich.id}": "Đề nghị xem xét trao giải.",
        },
        follow_redirects=True,
    )
    assert "Đã lưu công văn." in answer.get_data(as_text=True)
    assert "Đề nghị xem xét trao giải." in answer.get_data(as_text=True)  # the form keeps it
    word = client.get(f"{page_url}.docx")
    assert "Đề nghị xem xét trao giải." in _text(word.data)
    pdf = client.get(f"{page_url}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Kính gửi" in text
    board = client.get(f"/anthology/{SLUG}/publication").get_data(as_text=True)
    assert "Sở Giáo dục và Đào tạo" in board and f"{page_url}.docx" in board


@pytest.mark.parametrize("who", ["organiser_d1", "judge", "head_judge", "entrant_a"])
def test_nobody_else_reaches_a_units_letter(client, world, finalised, who):
    round_ = world["rounds"]["SGD"]
    letters.save_letter(db.session, round_, None, _issuance(), {}, NOW)
    db.session.commit()
    login(client, world["users"][who])
    for suffix in ("", ".docx", ".pdf"):
        answer = client.get(f"/anthology/{SLUG}/rounds/{round_.id}/letter{suffix}")
        assert answer.status_code in (403, 404), (who, suffix)
