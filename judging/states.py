"""The states of judging's models: stored strings (CHECK constraints unchanged), translated
labels, one transition table each. Every change goes through `contest.platform.states.advance`."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from contest.platform.states import State, describe


class StageState(State):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


describe(
    StageState,
    labels={
        StageState.DRAFT: _l("chưa mở"),
        StageState.OPEN: _l("đang chấm"),
        StageState.CLOSED: _l("đã kết thúc"),
    },
    transitions={
        StageState.DRAFT: (StageState.OPEN,),
        StageState.OPEN: (StageState.CLOSED,),
        StageState.CLOSED: (),
    },
)


class AssignmentState(State):
    ACTIVE = "active"
    RECUSED = "recused"
    WITHDRAWN = "withdrawn"


describe(
    AssignmentState,
    labels={
        AssignmentState.ACTIVE: _l("Đang chấm"),
        AssignmentState.RECUSED: _l("Xin không chấm"),
        AssignmentState.WITHDRAWN: _l("Giám khảo đã rút"),
    },
    transitions={
        AssignmentState.ACTIVE: (AssignmentState.RECUSED, AssignmentState.WITHDRAWN),
        AssignmentState.RECUSED: (),
        AssignmentState.WITHDRAWN: (),
    },
)


class ResultState(State):
    PENDING = "pending"
    AGREED = "agreed"
    NEEDS_HEAD = "needs_head"
    NEEDS_THIRD = "needs_third"
    DECIDED = "decided"


# The rule may be applied again whenever a score is submitted or reopened, so every state it
# produces can follow any other; only the head judge's decision is final.
_EVALUATED = (
    ResultState.PENDING,
    ResultState.AGREED,
    ResultState.NEEDS_HEAD,
    ResultState.NEEDS_THIRD,
)
describe(
    ResultState,
    labels={
        ResultState.PENDING: _l("Chưa đủ điểm"),
        ResultState.AGREED: _l("Đã thống nhất"),
        ResultState.NEEDS_HEAD: _l("Chờ trưởng ban quyết định"),
        ResultState.NEEDS_THIRD: _l("Chờ giám khảo thứ ba"),
        ResultState.DECIDED: _l("Trưởng ban đã quyết định"),
    },
    transitions={
        ResultState.PENDING: _EVALUATED,
        ResultState.AGREED: _EVALUATED,
        ResultState.NEEDS_HEAD: (*_EVALUATED, ResultState.DECIDED),
        ResultState.NEEDS_THIRD: _EVALUATED,
        ResultState.DECIDED: (),
    },
)

UNRESOLVED_RESULT_STATES = (ResultState.PENDING, ResultState.NEEDS_HEAD, ResultState.NEEDS_THIRD)


class FlagState(State):
    OPEN = "open"
    REDACTED = "redacted"
    CLEARED = "cleared"


describe(
    FlagState,
    labels={
        FlagState.OPEN: _l("Chưa xử lý"),
        FlagState.REDACTED: _l("Đã che"),
        FlagState.CLEARED: _l("Giữ nguyên"),
    },
    transitions={
        FlagState.OPEN: (FlagState.REDACTED, FlagState.CLEARED),
        FlagState.REDACTED: (),
        FlagState.CLEARED: (),
    },
)


class UnitJudgingState(State):
    """A unit round's own judging: on until the unit finalises (its key is then revealed)."""

    ON = "on"
    FINALISED = "finalised"


describe(
    UnitJudgingState,
    labels={
        UnitJudgingState.ON: _l("đơn vị đang tổ chức chấm"),
        UnitJudgingState.FINALISED: _l("đơn vị đã công bố kết quả"),
    },
    transitions={
        UnitJudgingState.ON: (UnitJudgingState.FINALISED,),
        UnitJudgingState.FINALISED: (),
    },
)


class TieChoice(StrEnum):
    """How the organiser settles a tie at a prize boundary: every tied entry shares the level,
    or the organiser chooses which of them take its last seats."""

    SHARE = "share"
    CHOOSE = "choose"
