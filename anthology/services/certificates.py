"""Giấy chứng nhận for the prize winners, from the organiser's template or the plain one."""

from __future__ import annotations

import os
from datetime import datetime

from sqlalchemy.orm import Session

from anthology.render import certificates as certificate_render
from anthology.services.contents import winners
from anthology.services.settings import require_complete, require_finalised, settings_for
from contest import storage
from contest.models import Contest


def certificates_docx(session: Session, contest: Contest) -> bytes:
    """One certificate per prize winner, all in one file."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    require_complete(settings)
    if settings.certificate_template_path:
        with open(os.path.join(storage.root(), settings.certificate_template_path), "rb") as fh:
            template = fh.read()
    else:
        template = certificate_render.default_template(settings.publisher)
    # The certificate is a Vietnamese document whatever the interface's language.
    day = (contest.finalised_at or datetime.now()).strftime("ngày %d tháng %m năm %Y")
    return certificate_render.render_certificates(
        template,
        [
            certificate_render.Certificate(
                ho_ten=a.entry.author.full_name,
                giai=certificate_render.prize_phrase(a.prize_level.name),
                ten_bai=a.entry.title,
                don_vi=a.entry.author_unit.name,
                cuoc_thi=contest.title,
                ngay=day,
            )
            for a in winners(session, contest)
        ],
        settings.publisher,
    )
