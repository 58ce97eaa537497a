"""The province's judging as steps — checks, blind codes, assignment, release, scoring,
results — each saying what is done and what comes next, so that an organiser never reads
"assigned" while the judges still see an empty queue."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from contest.models import Contest
from contest.services import forwarding
from judging.models import Stage
from judging.services import blinding, lists
from judging.services.stages import count_stage_entries, prize_levels
from judging.states import UNRESOLVED_RESULT_STATES, StageState


class StepState(enum.StrEnum):
    DONE = "done"
    NEXT = "next"
    LATER = "later"

    @property
    def label(self) -> str:
        return str(
            {
                StepState.DONE: _l("Đã xong"),
                StepState.NEXT: _l("Việc tiếp theo"),
                StepState.LATER: _l("Chưa đến"),
            }[self]
        )


TITLES = {
    "checks": _l("Kiểm tra trước khi mở chấm"),
    "codes": _l("Cấp mã phách và rà soát lộ danh tính"),
    "open": _l("Phân công bài cho giám khảo"),
    "release": _l("Giao bài cho giám khảo"),
    "scoring": _l("Chấm bài"),
    "results": _l("Kết quả và giải"),
}


@dataclass
class Step:
    key: str  # one of TITLES
    is_done: bool
    facts: list[str] = field(default_factory=list)  # where it stands, in words
    problems: list[str] = field(default_factory=list)  # what stops it
    state: StepState = StepState.LATER

    @property
    def title(self) -> str:
        return str(TITLES[self.key])


def _checks(session: Session, contest: Contest, stage: Stage) -> Step:
    members = len(stage.active_members)
    problems = [] if stage.criteria else [str(_l("Vòng chấm chưa có thang điểm."))]
    if members < stage.judges_per_entry:
        problems.append(
            str(
                _l(
                    "Hội đồng có %(n)s giám khảo; mỗi bài cần %(k)s.",
                    n=members,
                    k=stage.judges_per_entry,
                )
            )
        )
    if stage.position == 1:
        problems += [
            str(
                _l(
                    "%(unit)s chưa gửi kết quả lên mà còn giữ %(n)s bài.",
                    unit=round_.unit.name,
                    n=n,
                )
            )
            for round_, n in forwarding.rounds_still_holding_entries(session, contest)
        ]
    facts = [
        str(_l("%(n)s bài sẽ được chấm.", n=count_stage_entries(session, stage))),
        str(_l("Hội đồng: %(n)s giám khảo đang làm việc.", n=members)),
    ]
    if not prize_levels(session, contest):
        facts.append(str(_l("Chưa có cơ cấu giải (cần trước khi chốt kết quả).")))
    return Step("checks", not problems, facts, problems)


def _codes(session: Session, contest: Contest) -> Step:
    entries, copies = blinding.blind_copy_coverage(session, contest)
    flags = len(blinding.open_flags(session, contest))
    facts = [str(_l("Đã cấp mã phách %(c)s / %(n)s bài.", c=copies, n=entries))]
    problems = [str(_l("Còn %(n)s cảnh báo lộ danh tính chưa xử lý.", n=flags))] if flags else []
    return Step("codes", copies >= entries and not flags, facts, problems)


def province_steps(session: Session, contest: Contest, stage: Stage) -> list[Step]:
    """The steps of the province's current stage, the first one not done marked next (blind
    codes only before the first stage: later stages judge the same copies)."""
    opened = stage.state != StageState.DRAFT
    if opened:
        steps = [Step("checks", True)] + ([Step("codes", True)] if stage.position == 1 else [])
    else:
        steps = [_checks(session, contest, stage)]
        if stage.position == 1:
            steps.append(_codes(session, contest))
    steps.append(
        Step(
            "open",
            opened,
            [] if opened else [str(_l("Giám khảo chưa thấy bài cho đến khi giao bài."))],
        )
    )
    released = stage.released_at is not None
    steps.append(
        Step(
            "release",
            released,
            [] if released else [str(_l("Từ bước này giám khảo thấy các bài được giao."))],
        )
    )
    counts = lists.result_counts(session, stage) if opened else {}
    total = sum(counts.values())
    waiting = sum(counts.get(s, 0) for s in UNRESOLVED_RESULT_STATES)
    scored = [str(_l("Bài chưa có điểm chính thức: %(n)d / %(t)d.", n=waiting, t=total))]
    steps.append(Step("scoring", stage.state == StageState.CLOSED, scored if opened else []))
    steps.append(Step("results", contest.is_finalised))
    upcoming = next((s for s in steps if not s.is_done), None)
    for step in steps:
        if step.is_done:
            step.state = StepState.DONE
        elif step is upcoming:
            step.state = StepState.NEXT
    return steps
