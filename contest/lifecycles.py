"""The life of the core's objects: the states of entries, exemplar profiles and the contest,
each with its translated labels and its one transition table, and the roles of accounts.

A round has no state column: it is open until `closed_at` is set, when it sends its results up.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from contest.platform.states import State, describe


class Role(StrEnum):
    """What an account may do."""

    ENTRANT = "entrant"
    UNIT_ORGANISER = "unit_organiser"
    PROVINCE_ORGANISER = "province_organiser"
    JUDGE = "judge"
    HEAD_JUDGE = "head_judge"


ROLE_LABELS = {
    Role.ENTRANT: _l("Người dự thi"),
    Role.UNIT_ORGANISER: _l("Cán bộ thi đua của đơn vị"),
    Role.PROVINCE_ORGANISER: _l("Ban Tổ chức cấp tỉnh"),
    Role.JUDGE: _l("Giám khảo"),
    Role.HEAD_JUDGE: _l("Trưởng ban giám khảo"),
}


class UnitKind(StrEnum):
    """What a node of the province's tree is (`Unit.kind`)."""

    PROVINCE = "province"
    DISTRICT = "district"
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"
    COMMUNE = "commune"
    VILLAGE = "village"
    OFFICE = "office"


# A unit's kind in words; the province is no level and is named apart.
UNIT_KIND_LABELS = {
    UnitKind.DISTRICT: _l("Huyện, thành phố"),
    UnitKind.DEPARTMENT: _l("Sở, ban, ngành, đoàn thể"),
    UnitKind.ENTERPRISE: _l("Doanh nghiệp"),
    UnitKind.COMMUNE: _l("Xã, phường, thị trấn"),
    UnitKind.VILLAGE: _l("Bản, tiểu khu, tổ dân phố"),
    UnitKind.OFFICE: _l("Cơ quan, đơn vị"),
}


class EntryState(State):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    FORWARDED = "forwarded"
    NOT_SELECTED = "not_selected"
    DISQUALIFIED = "disqualified"
    WITHDRAWN = "withdrawn"


describe(
    EntryState,
    labels={
        EntryState.DRAFT: _l("Bản nháp"),
        EntryState.SUBMITTED: _l("Đã nộp"),
        EntryState.FORWARDED: _l("Đã chuyển lên cấp trên"),
        EntryState.NOT_SELECTED: _l("Không được chọn"),
        EntryState.DISQUALIFIED: _l("Bị loại"),
        EntryState.WITHDRAWN: _l("Đã rút"),
    },
    transitions={
        EntryState.DRAFT: (EntryState.SUBMITTED, EntryState.WITHDRAWN),
        EntryState.SUBMITTED: (
            EntryState.FORWARDED,
            EntryState.NOT_SELECTED,
            EntryState.DISQUALIFIED,
            EntryState.WITHDRAWN,
        ),
        # Forwarded again from each round on the way up, or stopped at one of them.
        EntryState.FORWARDED: (
            EntryState.FORWARDED,
            EntryState.NOT_SELECTED,
            EntryState.DISQUALIFIED,
            EntryState.WITHDRAWN,
        ),
        EntryState.NOT_SELECTED: (),
        EntryState.DISQUALIFIED: (),
        EntryState.WITHDRAWN: (),
    },
)


# Waiting for the current round's decision (forwarded ones wait at the next round up).
PENDING_ENTRY_STATES = (EntryState.SUBMITTED, EntryState.FORWARDED)


class ProfileState(State):
    DRAFT = "draft"
    NOMINATED = "nominated"
    FORWARDED = "forwarded"
    NOT_SELECTED = "not_selected"


describe(
    ProfileState,
    labels={
        ProfileState.DRAFT: _l("Bản nháp"),
        ProfileState.NOMINATED: _l("Đề cử"),
        ProfileState.FORWARDED: _l("Đã chuyển lên cấp trên"),
        ProfileState.NOT_SELECTED: _l("Không được chọn"),
    },
    transitions={
        ProfileState.DRAFT: (ProfileState.NOMINATED,),
        ProfileState.NOMINATED: (ProfileState.FORWARDED, ProfileState.NOT_SELECTED),
        ProfileState.FORWARDED: (ProfileState.FORWARDED, ProfileState.NOT_SELECTED),
        ProfileState.NOT_SELECTED: (),
    },
)


PENDING_PROFILE_STATES = (ProfileState.NOMINATED, ProfileState.FORWARDED)


class ContestPhase(State):
    DRAFT = "draft"
    SUBMISSION = "submission"
    JUDGING = "judging"
    FINALISED = "finalised"
    RESULTS_PUBLIC = "results_public"


describe(
    ContestPhase,
    labels={
        ContestPhase.DRAFT: _l("Bản nháp"),
        ContestPhase.SUBMISSION: _l("Nhận bài"),
        ContestPhase.JUDGING: _l("Chấm thi"),
        ContestPhase.FINALISED: _l("Đã chốt kết quả"),
        ContestPhase.RESULTS_PUBLIC: _l("Đã công bố kết quả"),
    },
    transitions={
        # A draft is seen by the organisers only; publishing checks it first (publishing.py).
        ContestPhase.DRAFT: (ContestPhase.SUBMISSION,),
        ContestPhase.SUBMISSION: (ContestPhase.JUDGING,),
        ContestPhase.JUDGING: (ContestPhase.FINALISED,),
        # The board publishes final results (pages, feed, API) and may withdraw them to
        # correct a mistake; the results themselves stay final.
        ContestPhase.FINALISED: (ContestPhase.RESULTS_PUBLIC,),
        ContestPhase.RESULTS_PUBLIC: (ContestPhase.FINALISED,),
    },
)
