"""Services of the contest core: quotas, transitions, deadlines, limits, who may enter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.audit import ContestAction
from contest.documents.intake import extract_typed
from contest.errors import DeadlinePassed, EntryLimitReached, NotAllowedToEnter, QuotaExceeded
from contest.models import EntryState
from contest.platform.db import db
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.models import AuditEvent
from contest.platform.states import advance
from contest.platform.storage import file_store
from contest.quotas import Forwarding
from contest.services.accounts import create_user, find_user_by_login
from contest.services.entries import (
    Subject,
    create_entry,
    disqualify_entry,
    submit_entry,
    withdraw_entry,
)
from contest.services.forwarding import forward_round, mark_entry, mark_profile, round_for_unit
from contest.services.profiles import create_profile
from tests.plugins.factories import NOW, PASSWORD, vietnamese_essay


def _subject():
    return Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4")


def _create(world, author, words=60, now=NOW, submit=True, entered_by=None):
    return create_entry(
        db.session,
        contest=world["contest"],
        author=author,
        author_unit=author.unit,
        title="Người giữ lửa",
        subject=_subject(),
        essay=extract_typed(vietnamese_essay(words)),
        original=None,
        declarations_accepted=True,
        now=now,
        submit=submit,
        entered_by=entered_by,
        files=file_store(),
    )


def test_entry_goes_to_the_authors_unit_round(world, make_entry):
    entry = make_entry()
    assert entry.round is world["rounds"]["MCH-CSO"]
    assert entry.state is EntryState.SUBMITTED and entry.word_count == 60


def test_a_unit_without_its_own_round_sends_to_the_nearest_ancestor(world):
    from contest.models import Unit

    village = Unit(
        code="MCH-CSO-BL", name="Bản Lướt", kind="village", parent=world["units"]["MCH-CSO"]
    )
    db.session.add(village)
    assert round_for_unit(db.session, world["contest"], village) is world["rounds"]["MCH-CSO"]


@pytest.mark.parametrize("role", ["unit_organiser", "province_organiser", "judge", "head_judge"])
def test_jury_and_board_members_cannot_enter(world, role):
    member = world["users"]["judge"]
    member.role = role
    with pytest.raises(NotAllowedToEnter):
        _create(world, member)


def test_deadline_refuses_late_and_early_submissions(world):
    author = world["users"]["entrant_a"]
    with pytest.raises(DeadlinePassed):
        _create(world, author, now=world["contest"].closes_at + timedelta(minutes=1))
    with pytest.raises(DeadlinePassed):
        _create(world, author, now=world["contest"].opens_at - timedelta(minutes=1))
    # The organiser may still enter a paper entry collected before the deadline.
    entry = _create(
        world,
        author,
        now=world["contest"].closes_at + timedelta(days=1),
        entered_by=world["users"]["organiser_c1"],
    )
    assert entry.state is EntryState.SUBMITTED


def test_per_entrant_limit_counts_all_but_withdrawn(world, make_entry):
    author = world["users"]["entrant_a"]
    first = make_entry(author)
    make_entry(author, submit=False)
    with pytest.raises(EntryLimitReached):
        _create(world, author)
    withdraw_entry(db.session, first, author)
    assert _create(world, author).state is EntryState.SUBMITTED


@pytest.mark.parametrize("words, ok", [(19, False), (20, True), (400, True), (401, False)])
def test_word_limits_on_submission(world, words, ok):
    author = world["users"]["entrant_a"]
    if ok:
        assert _create(world, author, words=words).word_count == words
    else:
        with pytest.raises(InvalidInput, match=str(words)):
            _create(world, author, words=words)


def test_a_draft_may_be_outside_the_limits_but_cannot_be_submitted(world):
    author = world["users"]["entrant_a"]
    draft = _create(world, author, words=5, submit=False)
    with pytest.raises(InvalidInput):
        submit_entry(db.session, draft, author, NOW, declarations_accepted=True)
    assert draft.state is EntryState.DRAFT


def test_quota_is_enforced_when_marking_and_forwarding(world, make_entry):
    commune = world["rounds"]["MCH-CSO"]
    organiser = world["users"]["organiser_c1"]
    a, b = make_entry(), make_entry(world["users"]["entrant_a"])
    mark_entry(db.session, commune, a, True)
    with pytest.raises(QuotaExceeded, match="tối đa 1 bài"):
        mark_entry(db.session, commune, b, True)
    with pytest.raises(QuotaExceeded):
        forward_round(db.session, commune, organiser, NOW, forward_all=True)
    result = forward_round(db.session, commune, organiser, NOW)
    assert result.forwarded == [a] and result.not_selected == [b]
    assert a.state is EntryState.FORWARDED and a.round is world["rounds"]["MCH"]
    assert b.state is EntryState.NOT_SELECTED and b.round is commune
    with pytest.raises(IllegalTransition):
        forward_round(db.session, commune, organiser, NOW)


def test_entries_climb_every_level_up_to_the_province(world, make_entry):
    entry = make_entry()
    forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[entry.id])
    forward_round(db.session, world["rounds"]["MCH"], None, NOW, entry_ids=[entry.id])
    assert entry.round is world["rounds"]["SL"] and entry.state is EntryState.FORWARDED
    hops = db.session.scalars(select(Forwarding).where(Forwarding.entry_id == entry.id)).all()
    assert [h.from_round_id for h in hops] == [
        world["rounds"]["MCH-CSO"].id,
        world["rounds"]["MCH"].id,
    ]
    with pytest.raises(IllegalTransition):
        forward_round(db.session, world["rounds"]["SL"], None, NOW, forward_all=True)


def test_forward_refuses_an_entry_of_another_round(world, make_entry):
    other = make_entry(world["users"]["entrant_b"])
    with pytest.raises(InvalidInput, match=str(other.id)):
        forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[other.id])


def test_profiles_flow_up_with_their_own_quota(world):
    commune = world["rounds"]["MCH-CSO"]
    organiser = world["users"]["organiser_c1"]
    profiles = [
        create_profile(
            db.session,
            contest=world["contest"],
            round_=commune,
            actor=organiser,
            name=f"Hợp tác xã {i}",
            kind="collective",
            category="1.1",
            achievements="Thành tích",
            files=file_store(),
        )
        for i in range(2)
    ]
    mark_profile(db.session, commune, profiles[0], True)
    with pytest.raises(QuotaExceeded):
        mark_profile(db.session, commune, profiles[1], True)
    result = forward_round(db.session, commune, organiser, NOW)
    assert result.profiles == [profiles[0]] and profiles[0].round is world["rounds"]["MCH"]


@pytest.mark.parametrize(
    "start, target, legal",
    [
        (EntryState.DRAFT, EntryState.SUBMITTED, True),
        (EntryState.DRAFT, EntryState.FORWARDED, False),
        (EntryState.SUBMITTED, EntryState.WITHDRAWN, True),
        (EntryState.WITHDRAWN, EntryState.SUBMITTED, False),
        (EntryState.DISQUALIFIED, EntryState.FORWARDED, False),
        (EntryState.NOT_SELECTED, EntryState.SUBMITTED, False),
    ],
)
def test_state_transitions(world, make_entry, start, target, legal):
    entry = make_entry(submit=False)
    entry.state = start
    if legal:
        assert advance(entry, target) is start
        assert entry.state is target
    else:
        with pytest.raises(IllegalTransition):
            advance(entry, target)
        assert entry.state is start


def test_disqualification_needs_a_reason_and_is_audited(world, make_entry):
    entry = make_entry()
    organiser = world["users"]["organiser_c1"]
    with pytest.raises(InvalidInput):
        disqualify_entry(db.session, entry, organiser, "   ")
    disqualify_entry(db.session, entry, organiser, "Đã đăng trên mạng xã hội")
    db.session.commit()
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == entry.id,
            AuditEvent.action == ContestAction.ENTRY_DISQUALIFIED,
        )
    ).one()
    assert (event.from_state, event.to_state, event.actor_id) == (
        EntryState.SUBMITTED,
        EntryState.DISQUALIFIED,
        organiser.id,
    )
    assert event.detail == "Đã đăng trên mạng xã hội"


def test_text_is_stored_in_nfc(world):
    decomposed = "Ngu\u031bo\u031b\u0300i to\u0302\u0301t"  # "Người tốt" in NFD
    author = world["users"]["entrant_a"]
    entry = create_entry(
        db.session,
        contest=world["contest"],
        author=author,
        author_unit=author.unit,
        title=decomposed,
        subject=Subject(decomposed, "Bản Mòng", "individual", "2.4"),
        essay=extract_typed((decomposed + " ") * 15),
        original=None,
        declarations_accepted=True,
        now=NOW,
        submit=True,
        files=file_store(),
    )
    assert entry.title == "Người tốt" and entry.subject_name == "Người tốt"
    assert "Người tốt" in entry.body_text and entry.word_count == 30


def test_duplicate_logins_are_refused(world):
    with pytest.raises(InvalidInput):
        create_user(db.session, full_name="X", email="A@example.com", phone=None, password=PASSWORD)
    create_user(db.session, full_name="Y", email=None, phone="+84 912 345 678", password=PASSWORD)
    assert find_user_by_login(db.session, "0912345678").full_name == "Y"


def test_unit_lists_follow_the_vietnamese_alphabet(world):
    from contest.services.queries import units_by_name
    from contest.services.units import add_unit

    province = world["units"]["SL"]
    for code, name in [
        ("HND", "Hội Nông dân tỉnh"),
        ("XDS", "Xã Đông Sang"),
        ("XTL", "Xã Tông Lạnh"),
    ]:
        add_unit(db.session, None, code=code, name=name, kind="department", parent=province)
    names = [unit.name for unit in units_by_name(db.session)]
    assert names.index("Hội Nông dân tỉnh") < names.index("Huyện Mộc Châu")
    assert names.index("Xã Đông Sang") < names.index("Xã Tông Lạnh")
