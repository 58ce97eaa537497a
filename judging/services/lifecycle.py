"""The end of judging: finalisation locks scores and prizes and rejoins codes to names
(ghép phách)."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from contest.models import Contest, ContestPhase, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.states import advance
from judging.audit import JudgingAction
from judging.errors import JudgingClosed, StageNotReady, TiesUndecided
from judging.models import Award
from judging.services.prizes import compute_prizes
from judging.services.results import close_stage, stage_results
from judging.services.stages import final_stage, prize_levels
from judging.states import StageState, TieChoice


def award_prizes(
    session: Session, contest: Contest, actor: User | None, round_id: int | None = None
) -> tuple[list[Award], int]:
    """Close the final stage of a judging (the province's, or unit round `round_id`'s) if
    still open and lock its ranking and prizes as awards. The stage's results are computed
    once. Returns the awards and how many prizes they hold."""
    stage = final_stage(session, contest, round_id)
    if stage is None:
        raise InvalidInput(_l("Cuộc thi chưa có vòng chấm."))
    if stage.state == StageState.DRAFT:
        raise JudgingClosed(_l("Vòng chấm cuối chưa mở."))
    if not prize_levels(session, contest, round_id):
        raise StageNotReady(_l("Chưa có cơ cấu giải: hãy nhập các giải trước khi công bố."))
    results = stage_results(session, stage)
    if stage.state == StageState.OPEN:
        close_stage(session, stage, actor, results)
    view = compute_prizes(session, contest, results, round_id)
    if view.allocation.ties:
        names = ", ".join(lv.name for lv in view.levels if lv.id in view.allocation.ties)
        raise TiesUndecided(
            _l("Còn bài đồng điểm ở ranh giới giải chưa được quyết định: %(names)s.", names=names)
        )
    prize_of = view.level_of
    shared = {lv for lv, d in view.decisions.items() if d.decision == TieChoice.SHARE}
    awards = []
    for r in view.results:
        r.result.calibrated_score = r.calibrated  # kept with the locked result
        level = prize_of.get(r.entry.id)
        awards.append(
            Award(
                contest_id=contest.id,
                round_id=round_id,
                entry_id=r.entry.id,
                rank=view.allocation.ranks[r.entry.id],
                prize_level_id=level,
                is_shared=level in shared,
                tie_breaks=json.dumps(view.tie_notes.get(r.entry.id, []), ensure_ascii=False),
            )
        )
    session.add_all(awards)
    return awards, len(prize_of)


def finalise(session: Session, contest: Contest, actor: User | None, now: datetime) -> int:
    """Close the final stage if still open, give the prizes, lock everything and reveal the
    names to the organisers. Returns how many prizes were given. The board publishes the
    results (and authors hear of them) later: `anthology.services.publication`."""
    if contest.is_finalised:
        raise JudgingClosed(_l("Kết quả đã chốt."))
    awards, prizes = award_prizes(session, contest, actor)
    before = advance(contest, ContestPhase.FINALISED, "phase")
    contest.finalised_at = now
    record_event(
        session,
        actor,
        contest,
        JudgingAction.FINALISED,
        change=(before, contest.phase),
        prizes=prizes,
    )
    session.flush()
    return prizes
