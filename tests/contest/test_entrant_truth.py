"""What an entrant is told about their unit's round is true (issue 24): a unit that sent its
choice up, a unit past its own deadline and a contest past its closing day each say so in
their own words; no page offers a submission the service would refuse; the province takes no
essay straight from an entrant; registration says plainly when no unit takes entries; the
subject is checked against the declaration, every problem named at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest.documents.intake import extract_typed
from contest.errors import DeadlinePassed
from contest.models import Entry, EntryState
from contest.platform.db import db
from contest.platform.errors import DomainError
from contest.platform.storage import file_store
from contest.quotas import ContestLevel
from contest.services import accounts, deadlines, entries
from contest.services.entries import Subject
from contest.services.forwarding import forward_round
from tests.contest.test_views import post_form
from tests.plugins.factories import NOW, entrant, vietnamese_essay
from tests.plugins.web import login

SUBJECT = Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4")


def _forward_yen_chau(world):
    forward_round(db.session, world["rounds"]["YCH"], world["users"]["organiser_d2"], NOW, [])
    db.session.commit()


def test_a_unit_that_forwarded_says_so_and_offers_no_submission(client, world, make_entry):
    author = world["users"]["entrant_b"]  # Huyện Yên Châu
    draft = make_entry(author, submit=False)
    _forward_yen_chau(world)
    with pytest.raises(DeadlinePassed, match="Huyện Yên Châu đã gửi bài lên cấp trên") as told:
        entries.submit_entry(db.session, draft, author, NOW, declarations_accepted=True)
    assert "Cuộc thi đã hết hạn" not in str(told.value)
    db.session.rollback()
    login(client, author)
    page = client.get(f"/entries/{draft.id}").get_data(as_text=True)
    assert "Huyện Yên Châu đã gửi bài lên cấp trên" in page
    assert "Nộp bài</button>" not in page
    mine = client.get("/c/son-la-2019/entries").get_data(as_text=True)
    assert "Huyện Yên Châu đã gửi bài lên cấp trên" in mine and "Gửi bài mới" not in mine
    home = client.get("/").get_data(as_text=True)
    assert "Huyện Yên Châu đã gửi bài lên cấp trên" in home and "Gửi bài mới" not in home
    refused = client.get("/c/son-la-2019/entries/new", follow_redirects=True)
    assert "Huyện Yên Châu đã gửi bài lên cấp trên" in refused.get_data(as_text=True)
    assert "Cuộc thi đã hết hạn nhận bài" not in refused.get_data(as_text=True)


def test_a_commune_under_a_forwarded_district_takes_no_more(world, make_entry):
    """An essay sent into Chiềng Sơn now could never go further than Mộc Châu, which has
    already sent its choice up."""
    author = world["users"]["entrant_a"]
    draft = make_entry(author, submit=False)
    round_ = world["rounds"]["MCH"]
    forward_round(db.session, round_, world["users"]["organiser_d1"], NOW, [])
    db.session.commit()
    with pytest.raises(DeadlinePassed, match="Huyện Mộc Châu đã gửi bài lên cấp trên"):
        entries.submit_entry(db.session, draft, author, NOW, declarations_accepted=True)


def test_the_three_closings_are_told_apart(world, make_entry):
    contest, author = world["contest"], world["users"]["entrant_b"]
    _forward_yen_chau(world)
    forwarded = deadlines.intake_refusal(db.session, contest, author.unit, NOW)
    contest.closes_at = NOW - timedelta(days=1)
    contest_over = deadlines.intake_refusal(db.session, contest, world["units"]["SGD"], NOW)
    contest.closes_at = NOW + timedelta(days=30)
    contest.levels.append(
        ContestLevel(
            unit_kind="department",
            quota_min=0,
            quota_max=1,
            profile_quota=0,
            forward_by=NOW - timedelta(days=1),
        )
    )
    db.session.flush()
    unit_over = deadlines.intake_refusal(db.session, contest, world["units"]["SGD"], NOW)
    assert "Huyện Yên Châu đã gửi bài lên cấp trên" in forwarded
    assert "Cuộc thi đã hết hạn nhận bài" in contest_over
    assert "Sở Giáo dục và Đào tạo đã hết hạn nhận bài" in unit_over
    assert len({forwarded, contest_over, unit_over}) == 3
    assert deadlines.intake_refusal(db.session, contest, world["units"]["MCH"], NOW) is None


def test_the_province_takes_no_essay_straight_from_an_entrant(client, world):
    """Province judging judges what the units send up: an essay filed straight at the
    province would wait there unjudged, so the province is no entrant's unit."""
    author = entrant(world, "tinh@example.com", "SL")
    db.session.commit()
    with pytest.raises(DomainError, match="Tỉnh Sơn La không nhận bài trực tiếp"):
        entries.create_entry(
            db.session,
            contest=world["contest"],
            author=author,
            author_unit=author.unit,
            title="Bài gửi thẳng",
            subject=SUBJECT,
            essay=extract_typed(vietnamese_essay(60)),
            original=None,
            declarations_accepted=True,
            now=NOW,
            submit=True,
            files=file_store(),
        )
    db.session.rollback()
    assert db.session.scalars(select(Entry)).first() is None
    page = client.get("/register").get_data(as_text=True)
    assert "Huyện Mộc Châu" in page and "Tỉnh Sơn La</option>" not in page


def test_registration_says_plainly_when_no_unit_takes_entries(client, world):
    for round_ in world["rounds"].values():
        if not round_.is_province:
            round_.closed_at = NOW
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert "Hiện không có đơn vị nào còn nhận bài dự thi" in page
    assert 'name="unit_id"' not in page


def test_saving_and_submitting_a_draft_under_a_forwarded_district_is_refused(world, make_entry):
    """Chiềng Sơn's own round is still open, but Mộc Châu above it sent its choice up: the
    edit form's «Lưu và nộp bài» is refused like the entry page's «Nộp bài»."""
    author = world["users"]["entrant_a"]
    draft = make_entry(author, submit=False)
    forward_round(db.session, world["rounds"]["MCH"], world["users"]["organiser_d1"], NOW, [])
    db.session.commit()
    with pytest.raises(DeadlinePassed, match="Huyện Mộc Châu đã gửi bài lên cấp trên"):
        entries.update_entry(
            db.session,
            draft,
            actor=author,
            title="Sửa tên",
            subject=SUBJECT,
            essay=None,
            original=None,
            now=NOW,
            submit=True,
            declarations_accepted=True,
            files=file_store(),
        )
    db.session.rollback()
    assert db.session.get(Entry, draft.id).state == EntryState.DRAFT


FIELDS = {
    "title": "Người giữ rừng",
    "subject_profile_id": "0",
    "subject_name": "Lò Văn Pánh",
    "subject_address": "",
    "subject_kind": "individual",
    "subject_category": "1.6",
    "body": vietnamese_essay(60),
    "submit_now": "1",
    "declarations": "y",
}


def test_every_subject_problem_is_named_at_once(client, world):
    """A person under a collective's field and no address: both said in one answer."""
    login(client, world["users"]["entrant_a"])
    page = post_form(client, "/c/son-la-2019/entries/new", FIELDS).get_data(as_text=True)
    assert "Lĩnh vực 1.6 dành cho đối tượng là tập thể" in page
    assert "Cần ghi địa chỉ của người hoặc tập thể" in page
    assert db.session.scalars(select(Entry)).first() is None


def test_moving_to_a_unit_that_takes_no_essay_is_refused_by_the_service(world, make_entry):
    """The form offers only units taking essays; the service holds the same rule (a crafted
    POST, a page left open), with the same reason."""
    author = world["users"]["entrant_a"]  # Xã Chiềng Sơn, a draft in its round
    make_entry(author, submit=False)
    forward_round(db.session, world["rounds"]["YCH"], None, NOW, entry_ids=[])
    with pytest.raises(DeadlinePassed, match="Huyện Yên Châu đã gửi bài lên cấp trên"):
        accounts.change_unit(db.session, author, world["units"]["YCH"], NOW)
    with pytest.raises(DomainError, match="không nhận bài trực tiếp"):
        accounts.change_unit(db.session, author, world["units"]["SL"], NOW)
