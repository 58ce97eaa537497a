"""The entry form: a draft needs no declarations, submitting does; the per-author limit is
told before anything is typed; the message says whether the essay went in."""

from __future__ import annotations

from sqlalchemy import select

from contest.models import Entry, EntryState
from contest.platform.db import db
from tests.contest.test_views import post_form
from tests.plugins.factories import vietnamese_essay
from tests.plugins.web import login

FIELDS = {
    "title": "Người giữ rừng",
    "subject_profile_id": "0",
    "subject_name": "Lò Văn Pánh",
    "subject_address": "Bản Mòng",
    "subject_kind": "individual",
    "subject_category": "2.4",
    "body": vietnamese_essay(60),
}
NEW = "/c/son-la-2019/entries/new"


def test_a_draft_is_saved_without_the_declarations(client, world):
    login(client, world["users"]["entrant_a"])
    response = post_form(client, NEW, {**FIELDS, "save": "1"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Đã lưu bản nháp «Người giữ rừng»." in page
    assert db.session.scalars(select(Entry)).one().state == EntryState.DRAFT


def test_submitting_needs_the_declarations(client, world):
    login(client, world["users"]["entrant_a"])
    page = post_form(client, NEW, {**FIELDS, "submit_now": "1"}).get_data(as_text=True)
    assert "Cần xác nhận đủ các cam kết" in page
    assert db.session.scalars(select(Entry)).first() is None
    response = post_form(client, NEW, {**FIELDS, "submit_now": "1", "declarations": "y"})
    assert "Đã nộp bài dự thi «Người giữ rừng»." in client.get(response.location).get_data(True)
    assert db.session.scalars(select(Entry)).one().state == EntryState.SUBMITTED


def test_the_limit_is_told_before_the_form_is_filled(client, world, make_entry):
    author = world["users"]["entrant_a"]
    make_entry(author)
    make_entry(author)  # the contest allows two
    login(client, author)
    response = client.get(NEW)
    assert response.status_code == 302 and response.location.endswith("/c/son-la-2019/entries")
    assert "Mỗi tác giả được gửi tối đa 2 bài." in client.get(response.location).get_data(True)


def test_the_form_carries_the_live_word_count_and_the_profile_search(client, world):
    login(client, world["users"]["entrant_a"])
    page = client.get(NEW).get_data(as_text=True)
    assert 'data-word-count="live-words"' in page and 'data-max="400"' in page
    assert 'data-filter-for="subject_profile_id"' in page


def test_editing_a_typed_draft_opens_with_its_text(client, world):
    """Fixing one word needs no pasting of the whole essay again (issue 24)."""
    login(client, world["users"]["entrant_a"])
    post_form(client, NEW, {**FIELDS, "save": "1"})
    draft = db.session.scalars(select(Entry)).one()
    page = client.get(f"/entries/{draft.id}/edit").get_data(as_text=True)
    assert FIELDS["body"][:200] in page
    fixed = FIELDS["body"].replace("xoài", "cà phê", 1)
    assert post_form(client, f"/entries/{draft.id}/edit", {**FIELDS, "body": fixed, "save": "1"})
    db.session.expire_all()
    assert "cà phê" in db.session.get(Entry, draft.id).body_text


def test_the_subject_must_match_its_category_and_have_an_address(client, world):
    """A person is not filed under a collective's field (1.x), and an essay goes in with its
    subject's address, as the declarations promise (issue 24)."""
    login(client, world["users"]["entrant_a"])
    mismatched = post_form(client, NEW, {**FIELDS, "subject_category": "1.6", "save": "1"})
    assert "Lĩnh vực 1.6 dành cho đối tượng là tập thể" in mismatched.get_data(as_text=True)
    nowhere = post_form(
        client, NEW, {**FIELDS, "subject_address": "", "submit_now": "1", "declarations": "y"}
    )
    assert "Cần ghi địa chỉ của người hoặc tập thể" in nowhere.get_data(as_text=True)
    assert db.session.scalars(select(Entry)).first() is None
    # A draft may wait for the address.
    assert post_form(client, NEW, {**FIELDS, "subject_address": "", "save": "1"}).status_code == 302
