"""Many people at once on the embedded SQLite default: judges saving together, entrants
editing drafts, two judges submitting one entry, organisers ticking at the quota, sign-ups.
Each client runs in its own thread with its own request context and session, as under a
threaded server. No request may fail because the database is busy, and every save is kept."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from contest.db import db
from contest.models import Entry, User
from contest.services.accounts import create_user
from judging.models import Assignment, Score
from judging.services import blinding
from tests.conftest import PASSWORD, csrf_token, login
from tests.judging.conftest import open_for_judging, panel  # noqa: F401 - fixture

SAVES_PER_JUDGE = 12


def run_together(workers) -> list[str]:
    """Start every worker at the same moment; what went wrong, as text (empty when all did
    well). A worker reports a problem by returning it."""
    barrier = threading.Barrier(len(workers))
    problems: list[str] = []

    def run(work):
        try:
            problems.extend(work(barrier.wait))
        except Exception as error:  # a 500 raises in the test client (TESTING)
            problems.append(repr(error))

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return problems


def _marks_form(marks: dict[int, float]) -> dict[str, str]:
    return {f"c{cid}": str(v) for cid, v in marks.items()}


def _marks_at(criteria: list[tuple[int, float]], share: float) -> dict[int, float]:
    """`marks_for` on plain data, for threads that have no session to load the rubric."""
    return {cid: round(top * share * 2) / 2 for cid, top in criteria}


def _active_assignments(panel):
    open_for_judging(panel)
    assignments = db.session.scalars(select(Assignment).where(Assignment.state == "active")).all()
    codes = blinding.codes_of_entries(db.session, [a.entry_id for a in assignments])
    plan = [(a.id, a.judge.email, codes[a.entry_id].code) for a in assignments]
    db.session.commit()
    return plan


def test_judges_saving_at_once_lose_no_save(app, world, panel):
    criteria = [(c.id, c.max_points) for c in panel["stage"].criteria]
    plan = _active_assignments(panel)
    last_sent: dict[int, dict[int, float]] = {}

    def judge(assignment_id, email, code):
        def work(ready):
            client = app.test_client()
            login(client, email)
            url = f"/judging/son-la-2019/e/{code}"
            token = csrf_token(client.get(url).get_data(as_text=True))
            ready()
            problems = []
            for n in range(SAVES_PER_JUDGE):
                marks = _marks_at(criteria, 0.4 + n / 40)
                response = client.post(
                    url, data={**_marks_form(marks), "csrf_token": token, "save": "1"}
                )
                if response.status_code != 302:
                    problems.append(f"{code} save {n}: {response.status_code}")
                last_sent[assignment_id] = marks
            return problems

        return work

    assert run_together([judge(*row) for row in plan]) == []
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    for assignment_id, marks in last_sent.items():
        score = db.session.scalar(select(Score).where(Score.assignment_id == assignment_id))
        assert {m.criterion_id: m.points for m in score.marks} == marks


def test_two_judges_submitting_one_entry_at_once_both_count(app, world, panel):
    criteria = [(c.id, c.max_points) for c in panel["stage"].criteria]
    plan = _active_assignments(panel)

    def judge(assignment_id, email, code):
        def work(ready):
            client = app.test_client()
            login(client, email)
            url = f"/judging/son-la-2019/e/{code}"
            token = csrf_token(client.get(url).get_data(as_text=True))
            ready()
            data = {**_marks_form(_marks_at(criteria, 0.8)), "csrf_token": token, "submit_score": 1}
            status = client.post(url, data=data).status_code
            return [] if status == 302 else [f"{code}: {status}"]

        return work

    assert run_together([judge(*row) for row in plan]) == []
    submitted = db.session.scalar(select(func.count(Score.id)).where(Score.submitted_at != None))  # noqa: E711
    assert submitted == len(plan)


def test_entrants_editing_drafts_at_once_keep_every_save(app, world, make_entry):
    writers = []
    for n in range(10):
        author = create_user(
            db.session,
            full_name=f"Người viết {n}",
            email=f"viet{n}@example.com",
            phone=None,
            password=PASSWORD,
            unit=world["units"]["MCH-CSO"],
        )
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


def test_ticking_in_four_tabs_at_the_quota(app, world, make_entry):
    round_ = world["rounds"]["MCH"]  # quota 2
    entries = []
    for n in range(4):
        author = create_user(
            db.session,
            full_name=f"Tác giả {n}",
            email=f"tick{n}@example.com",
            phone=None,
            password=PASSWORD,
            unit=world["units"]["MCH"],
        )
        entries.append(make_entry(author).id)
    db.session.commit()
    organiser, round_id, quota = world["users"]["organiser_d1"].email, round_.id, round_.quota

    def tick(entry_id):
        def work(ready):
            client = app.test_client()
            login(client, organiser)
            token = csrf_token(client.get(f"/rounds/{round_id}").get_data(as_text=True))
            ready()
            response = client.post(
                f"/rounds/{round_id}/entries/{entry_id}/mark",
                data={"csrf_token": token, "marked": "1"},
            )
            return [] if response.status_code in (200, 302) else [str(response.status_code)]

        return work

    assert run_together([tick(e) for e in entries]) == []
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    marked = db.session.scalar(select(func.count(Entry.id)).where(Entry.is_marked))
    assert marked == quota


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
