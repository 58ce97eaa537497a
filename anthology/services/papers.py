"""The board's papers as files: the summary report (DOCX, XLSX), the prize decision (DOCX; PDF
through `printing`), the province's or a unit's that judged its own round. The issuing body,
its code, place and signer are the book's settings («Thông tin sách», as on certificates), or
for a unit what its organiser types; the number is left blank for the clerk who registers the
paper, as offices do. Papers are written in Vietnamese whatever the reader's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from anthology.render import proposals as proposal_render
from anthology.render import reports
from anthology.render.certificates import Issuance
from anthology.services import proposals
from anthology.services.certificates import issuance_of
from anthology.services.settings import require_finalised, settings_for
from anthology.services.summary import summary
from contest.categories import SUBJECT_KINDS
from contest.lifecycles import EntryState
from contest.models import Contest, Round
from contest.platform.errors import InvalidInput
from contest.setup_forms import UNIT_KIND_LABELS
from judging.services import units
from judging.services.reports import awards, prize_order

SUMMARY_RECIPIENTS = [
    "Chủ tịch Ủy ban nhân dân tỉnh (để báo cáo)",
    "Ban Thi đua - Khen thưởng Trung ương (để báo cáo)",
    "Thành viên Hội đồng Thi đua - Khen thưởng",
    "Lưu: VT",
]
DECISION_RECIPIENTS = ["Như Điều 3", "Chủ tịch Ủy ban nhân dân tỉnh (để báo cáo)", "Lưu: VT"]
PROPOSAL_RECIPIENTS = ["Chủ tịch Ủy ban nhân dân tỉnh", "Ban Thi đua - Khen thưởng tỉnh", "Lưu: VT"]
FORMATS = ("docx", "xlsx")


def _labels() -> dict:
    return {
        "state": {str(s): str(s.label) for s in EntryState},
        "kind": {k: str(v) for k, v in {"province": "Tỉnh", **UNIT_KIND_LABELS}.items()},
    }


def summary_report(session: Session, contest: Contest, fmt: str, day: date) -> bytes:
    """Báo cáo tổng kết cuộc thi, as DOCX or XLSX, dated `day`."""
    if fmt not in FORMATS:
        raise InvalidInput(_l("Báo cáo tổng kết có bản DOCX và XLSX."))
    figures = summary(session, contest)
    with force_locale("vi"):
        labels = _labels()
        if fmt == "xlsx":
            return reports.summary_xlsx(figures, labels)
        issuance = replace(issuance_of(settings_for(session, contest)), day=day)
        return reports.summary_docx(
            figures, reports.Paper(issuance, "BC", SUMMARY_RECIPIENTS), labels
        )


def prize_decision(
    session: Session,
    contest: Contest,
    day: date,
    *,
    round_: Round | None = None,
    unit_issuance: Issuance | None = None,
) -> bytes:
    """Quyết định khen thưởng of the province's winners, or with `round_` (and the unit's
    `unit_issuance`) of a unit's own; amounts from each prize level of the ladder."""
    if round_ is None:
        require_finalised(contest)
        found = sorted(awards(session, contest, prize_winners_only=True), key=prize_order)
        issuance = replace(issuance_of(settings_for(session, contest)), day=day)
    else:
        found = units.winners(session, round_)
        if not found:
            raise InvalidInput(
                _l(
                    "Đơn vị chưa công bố kết quả chấm hoặc không có bài đoạt giải: chưa có "
                    "quyết định."
                )
            )
        issuance = replace(unit_issuance, day=day)
    ladder: dict[str, list] = {}
    for award in found:
        level = award.prize_level
        ladder.setdefault(level.name, [level.name, 0, level.amount])[1] += 1
    winners = [
        reports.Winner(
            author_id=a.entry.author_id,
            prize=a.prize_level.name,
            author=a.entry.author.full_name,
            unit=a.entry.author_unit.name,
            title=a.entry.title,
            amount=a.prize_level.amount,
        )
        for a in found
    ]
    body = issuance.body.splitlines()[-1] if issuance.body else ""
    return reports.decision_docx(
        contest_title=contest.title,
        winners=winners,
        ladder=[tuple(v) for v in ladder.values()],
        paper=reports.Paper(issuance, "QĐ", DECISION_RECIPIENTS),
        authority=body,
        bases=[
            f"Căn cứ Thể lệ {contest.title};",
            "Căn cứ kết quả chấm của Ban Giám khảo;",
            "Xét đề nghị của Ban Tổ chức cuộc thi,",
        ],
    )


def proposal_list(session: Session, contest: Contest, fmt: str, day: date) -> bytes:
    """The profiles proposed for the certificate of merit, as DOCX (the paper) or XLSX."""
    if fmt not in FORMATS:
        raise InvalidInput(_l("Danh sách đề nghị có bản DOCX và XLSX."))
    with force_locale("vi"):
        rows = [
            proposal_render.Proposed(
                name=p.profile.name,
                kind=str(SUBJECT_KINDS[p.profile.kind]),
                unit=p.profile.unit.name,
                category=contest.category_label(p.profile.category),
                justification=p.justification,
            )
            for p in proposals.standing(session, contest)
        ]
    if fmt == "xlsx":
        return proposal_render.proposals_xlsx(rows)
    issuance = replace(issuance_of(settings_for(session, contest)), day=day)
    return proposal_render.proposals_docx(
        contest.title, rows, reports.Paper(issuance, "DS", PROPOSAL_RECIPIENTS)
    )
