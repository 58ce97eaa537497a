"""The demo's book: Sơn La's front matter and certificates signed at Sơn La, dated on the
demo's calendar (`contest.demo.contest_year`). Production code has no such defaults: a new
contest's book starts empty (see services/settings.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from anthology.render import certificates as certificate_render
from anthology.services import settings as book_settings
from contest import demo as contest_demo
from contest.models import Contest
from contest.platform.db import db
from contest.platform.storage import FileStore

PUBLISHER = "Hội đồng Thi đua – Khen thưởng tỉnh Sơn La"
PLACE = "Sơn La"
# The contest the seed's Plan 55/KH-UBND began in 2019, held again in the contest's year.
FOREWORD = (
    "Tiếp nối cuộc thi viết mà Kế hoạch số 55/KH-UBND ngày 26/4/2016 của Ủy ban nhân dân tỉnh "
    "Sơn La về bồi dưỡng và nhân rộng gương điển hình tiên tiến đã khởi xướng, năm {year} Hội "
    "đồng Thi đua – Khen thưởng tỉnh tổ chức cuộc thi viết về gương điển hình tiên tiến, người "
    "tốt, việc tốt trên các lĩnh vực.\n\n"
    "Cuốn sách tập hợp những bài viết đoạt giải và hồ sơ các tập thể, cá nhân tiêu biểu, "
    "chào mừng Hội nghị biểu dương điển hình tiên tiến tỉnh Sơn La năm {book_year}. Xin trân "
    "trọng giới thiệu cùng bạn đọc."
)


def book_settings_values(contest_year: int) -> dict:
    """The Sơn La front matter and colophon, as the organiser would type them into «Thông tin
    sách»: the book appears the year after the contest, for the exemplars' conference in May,
    licensed in April (after the entries closed, at the latest in March). The names are
    invented; the licence is of the kind a provincial Department of Information and
    Communications grants a non-commercial publication."""
    year = contest_year + 1
    return {
        "title": "Tuyển tập bài viết về gương điển hình tiên tiến, người tốt việc tốt "
        f"tỉnh Sơn La năm {contest_year}",
        "subtitle": f"Chào mừng Hội nghị biểu dương điển hình tiên tiến tỉnh Sơn La năm {year}",
        "publisher": PUBLISHER,
        "year": year,
        "issuing_bodies": "ỦY BAN NHÂN DÂN TỈNH SƠN LA\nHỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "place": PLACE,
        "rights": f"© {year} {PUBLISHER}. Tài liệu tuyên truyền, không bán.",
        "foreword": FOREWORD.format(year=contest_year, book_year=year),
        "foreword_signer": "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH\nCHỦ TỊCH\nLò Văn Minh",
        "editorial_board": "Trưởng ban: Hà Thị Mai\nPhó Trưởng ban: Quàng Văn Bình\n"
        "Thành viên: Lê Thu Hà, Vì Văn Sơn, Cầm Thị Hoa",
        "publishing_director": "Hà Thị Mai",
        "content_director": "Quàng Văn Bình",
        "editors": "Lê Thu Hà\nVì Văn Sơn",
        "designer": "Cầm Thị Hoa",
        "proofreader": "Ban biên tập",
        "licence": f"Giấy phép xuất bản số 08/GP-STTTT ngày 20/4/{year} "
        "của Sở Thông tin và Truyền thông tỉnh Sơn La",
        "registration_number": "",
        "decision_number": "",
        "isbn": "",
        "print_run": 500,
        "printer": "Công ty cổ phần In Sơn La, tổ 2, phường Chiềng Lề, thành phố Sơn La",
        "legal_deposit": f"quý II năm {year}",
        "page_size": "B5",
        "margin_mm": 20,
        # The certificates are signed for the prize-giving at the conference.
        "certificate_code": "HĐTĐKT",
        "certificate_place": PLACE,
        "certificate_date": date(year, 5, 15),
        "certificate_signer": "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH\nCHỦ TỊCH",
        "certificate_signer_name": "Lò Văn Minh",
    }


def fill_book(session: Session, files: FileStore, contest: Contest) -> None:
    """Give the demo contest its book settings and the plain certificate template as if the
    organiser had uploaded it."""
    book_settings.save_settings(
        session, contest, None, **book_settings_values(contest_demo.contest_year(contest))
    )
    book_settings.save_certificate_template(
        session, files, contest, None, certificate_render.default_template()
    )


def demo_stage(contest: Contest, seed: int, files: FileStore) -> None:
    """The demo loader's hook (`flask demo`), run before its first stage commits."""
    fill_book(db.session, files, contest)
