"""The demo's book: Sơn La 2019's front matter and a certificate dated at Sơn La. Production
code has no such defaults: a new contest's book starts empty (see services/settings.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from anthology.render import certificates as certificate_render
from anthology.services import settings as book_settings
from contest.db import db
from contest.models import Contest

PUBLISHER = "Hội đồng Thi đua – Khen thưởng tỉnh Sơn La"
PLACE = "Sơn La"
FOREWORD = (
    "Thực hiện Kế hoạch số 55/KH-UBND ngày 26/4/2016 của Ủy ban nhân dân tỉnh Sơn La về bồi "
    "dưỡng và nhân rộng gương điển hình tiên tiến giai đoạn 2016–2020, năm 2019 Hội đồng Thi "
    "đua – Khen thưởng tỉnh tổ chức cuộc thi viết về gương điển hình tiên tiến, người tốt, "
    "việc tốt trên các lĩnh vực.\n\n"
    "Cuốn sách tập hợp những bài viết đoạt giải và hồ sơ các tập thể, cá nhân tiêu biểu, "
    "chào mừng Đại hội Thi đua yêu nước tỉnh Sơn La lần thứ V. Xin trân trọng giới thiệu "
    "cùng bạn đọc."
)


def book_settings_values(year: int) -> dict:
    """The Sơn La 2019 front matter, as the organiser would type it into «Thông tin sách»."""
    return {
        "title": "Tuyển tập bài viết về gương điển hình tiên tiến, người tốt việc tốt "
        "tỉnh Sơn La năm 2019",
        "subtitle": "Chào mừng Đại hội Thi đua yêu nước tỉnh Sơn La lần thứ V",
        "publisher": PUBLISHER,
        "year": year,
        "rights": f"© {year} {PUBLISHER}. Tài liệu tuyên truyền, không bán.",
        "foreword": FOREWORD,
        "page_size": "B5",
        "margin_mm": 20,
    }


def fill_book(session: Session, contest: Contest) -> None:
    """Give the demo contest its book settings and a certificate template dated at Sơn La."""
    year = book_settings.contest_year(contest)
    book_settings.save_settings(session, contest, None, **book_settings_values(year))
    book_settings.save_certificate_template(
        session, contest, None, certificate_render.default_template(PUBLISHER, PLACE)
    )


def demo_stage(contest: Contest, seed: int) -> None:
    """The demo loader's hook (`flask demo`), run before its first stage commits."""
    fill_book(db.session, contest)


def register(handlers: dict, stage: str) -> None:
    """Add the book's settings to a demo stage, after whatever that stage already does."""
    before = handlers.get(stage)

    def both(contest: Contest, seed: int) -> None:
        if before is not None:
            before(contest, seed)
        demo_stage(contest, seed)

    handlers[stage] = both
