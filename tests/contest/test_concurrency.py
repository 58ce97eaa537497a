"""Many people at once on the embedded SQLite default: entrants editing drafts, organisers
ticking at the quota in four tabs, sign-ups; a stale tab. Each client runs in its own thread
with its own request context and session, as under a threaded server: no request may fail
because the database is busy, and every save is kept."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.models import Entry, User
from contest.platform.db import db
from tests.plugins.factories import entrant
from tests.plugins.races import run_together
from tests.plugins.web import csrf_token, login


def test_entrants_editing_drafts_at_once_keep_every_save(app, world, make_entry):
    writers = []
    for n in range(10):
        author = entrant(world, f"viet{n}@example.com", "MCH-CSO")
        writers.append((author.email, make_entry(author, submit=False).id))
    db.session.commit()
    edits = 4

    def edit(email, entry_id):
        def work(ready):
            client = app.test_client()
            login(client, email)
            ready()
            problems = []
            for n in range(edits):
                page = client.get(f"/entries/{entry_id}/edit").get_data(as_text=True)
                version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
                response = client.post(
                    f"/entries/{entry_id}/edit",
                    data={
                        "csrf_token": csrf_token(page),
                        "version": version,
                        "title": f"Bản sửa {n}",
                        "subject_profile_id": "0",
                        "subject_name": "Lò Văn Pánh",
                        "subject_address": "Bản Mòng",
                        "subject_kind": "individual",
                        "subject_category": "2.4",
                        "body": "",
                    },
                )
                if response.status_code != 302:
                    problems.append(f"{email} edit {n}: {response.status_code}")
            return problems

        return work

    assert run_together([edit(*w) for w in writers]) == []
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    titles = {db.session.get(Entry, entry_id).title for _, entry_id in writers}
    assert titles == {f"Bản sửa {edits - 1}"}


def test_a_stale_tab_is_told_not_obeyed(client, world, make_entry):
    entry = make_entry(world["users"]["entrant_a"], submit=False)
    login(client, world["users"]["entrant_a"])
    stale = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    fields = {
        "subject_profile_id": "0",
        "subject_name": "Lò Văn Pánh",
        "subject_address": "Bản Mòng",
        "subject_kind": "individual",
        "subject_category": "2.4",
        "body": "",
    }
    version = stale.split('name="version" type="hidden" value="')[1].split('"')[0]
    first = {**fields, "csrf_token": csrf_token(stale), "version": version, "title": "Thẻ một"}
    assert client.post(f"/entries/{entry.id}/edit", data=first).status_code == 302
    second = {**first, "title": "Thẻ hai"}  # the other tab, opened on the same version
    response = client.post(f"/entries/{entry.id}/edit", data=second)
    assert response.status_code == 200
    assert "đã được lưu ở một thẻ hoặc máy khác" in response.get_data(as_text=True)
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    assert db.session.get(Entry, entry.id).title == "Thẻ một"


def _ticking_tabs(app, world, make_entry, prefix: str, posts) -> None:
    """Four entries waiting in Huyện Mộc Châu (quota 2); `posts(round_id, entries)` gives the
    (address, form) each tab sends at the same moment. The entries ticked must be the quota,
    whatever the order."""
    round_ = world["rounds"]["MCH"]
    entries = [make_entry(entrant(world, f"{prefix}{n}@example.com", "MCH")).id for n in range(4)]
    db.session.commit()
    organiser, round_id = world["users"]["organiser_d1"].email, round_.id

    def tab(url, data):
        def work(ready):
            client = app.test_client()
            login(client, organiser)
            token = csrf_token(client.get(f"/rounds/{round_id}").get_data(as_text=True))
            ready()
            response = client.post(url, data={"csrf_token": token, "marked": "1", **data})
            return [] if response.status_code in (200, 302) else [str(response.status_code)]

        return work

    assert run_together([tab(url, data) for url, data in posts(round_id, entries)]) == []
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    assert db.session.scalar(select(func.count(Entry.id)).where(Entry.is_marked)) == round_.quota


def test_ticking_in_four_tabs_at_the_quota(app, world, make_entry):
    _ticking_tabs(
        app,
        world,
        make_entry,
        "tick",
        lambda round_id, entries: [(f"/rounds/{round_id}/entries/{e}/mark", {}) for e in entries],
    )


def test_simultaneous_sign_ups_all_succeed(app, world):
    unit_id = world["units"]["MCH-CSO"].id
    db.session.commit()

    def sign_up(n):
        def work(ready):
            client = app.test_client()
            page = client.get("/register").get_data(as_text=True)
            ready()
            response = client.post(
                "/register",
                data={
                    "csrf_token": csrf_token(page),
                    "full_name": f"Người dự thi {n}",
                    "phone": f"09120001{n:02d}",
                    "email": "",
                    "unit_id": unit_id,
                    "address": "Bản Lướt",
                    "password": "hoa ban nở trắng",
                    "confirm": "hoa ban nở trắng",
                },
            )
            return [] if response.status_code == 302 else [f"{n}: {response.status_code}"]

        return work

    assert run_together([sign_up(n) for n in range(15)]) == []
    count = db.session.scalar(select(func.count(User.id)).where(User.phone.like("0912000%")))
    assert count == 15


def test_bulk_ticking_in_two_tabs_never_passes_the_quota(app, world, make_entry):
    """Two tabs each tick two entries at once, quota 2: one tab's pair goes in whole, the
    other is refused whole (the round is locked while its room is counted)."""
    _ticking_tabs(
        app,
        world,
        make_entry,
        "bulk",
        lambda round_id, entries: [
            (f"/rounds/{round_id}/entries/mark", {"entry_id": [str(i) for i in pair]})
            for pair in (entries[:2], entries[2:])
        ],
    )
