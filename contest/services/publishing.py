"""A draft becomes a contest: checked whole (the contest file's checks, each package's own,
and the rounds it has), then published; its deadlines are booked at that moment.

Services take the session and plain values, may flush, never commit."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.errors import ContestProblems
from contest.lifecycles import UNIT_KIND_LABELS, ContestPhase
from contest.models import Contest, Round, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition
from contest.platform.states import advance
from contest.services import contest_file, deadlines


def problems(session: Session, contest: Contest, now: datetime) -> list[str]:
    """Everything that stops the draft from being published at `now`, in Vietnamese."""
    found = contest_file.problems(session, contest_file.dump(session, contest), contest)
    units_taking_part = session.scalar(
        select(Round.id).where(Round.contest_id == contest.id, Round.parent_id.is_not(None))
    )
    if units_taking_part is None:
        found.append(
            str(_l("Chưa đơn vị nào tham gia: hãy nạp cây đơn vị và chọn các cấp tham gia."))
        )
    for level in contest.levels:
        if level.forward_by is not None and level.forward_by < now:
            found.append(
                str(
                    _l(
                        "Hạn gửi lên của cấp «%(kind)s» đã qua: các vòng của cấp này sẽ đóng "
                        "ngay khi công bố. Hãy dời hạn.",
                        kind=UNIT_KIND_LABELS.get(level.unit_kind, level.unit_kind),
                    )
                )
            )
    return found


def publish(session: Session, contest: Contest, actor: User | None, now: datetime) -> int:
    """Draft → taking entries; how many deadline jobs were booked."""
    if not contest.is_draft:
        raise IllegalTransition(_l("Cuộc thi đã được công bố."))
    found = problems(session, contest, now)
    if found:
        raise ContestProblems(found)
    advance(contest, ContestPhase.SUBMISSION, "phase")
    booked = deadlines.schedule(session, contest)
    record_event(session, actor, contest, ContestAction.CONTEST_PUBLISHED, contest_id=contest.id)
    session.flush()
    return booked
