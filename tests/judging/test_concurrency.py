"""Judges at once on the embedded SQLite default: saving together, two judges submitting one
entry. Each client runs in its own thread with its own request context and session, as under
a threaded server: no request may fail because the database is busy, every save is kept."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.platform.db import db
from judging.models import Assignment, Score
from judging.services import blinding
from tests.plugins.panels import open_for_judging
from tests.plugins.races import run_together
from tests.plugins.web import csrf_token, login

SAVES_PER_JUDGE = 12


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


def _judge_page(app, email: str, code: str):
    """A judge's own browser on the page of one code: the client, the URL, the form token."""
    client = app.test_client()
    login(client, email)
    url = f"/judging/son-la-2019/e/{code}"
    return client, url, csrf_token(client.get(url).get_data(as_text=True))


def test_judges_saving_at_once_lose_no_save(app, world, panel):
    criteria = [(c.id, c.max_points) for c in panel["stage"].criteria]
    plan = _active_assignments(panel)
    last_sent: dict[int, dict[int, float]] = {}

    def judge(assignment_id, email, code):
        def work(ready):
            client, url, token = _judge_page(app, email, code)
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
            client, url, token = _judge_page(app, email, code)
            ready()
            data = {**_marks_form(_marks_at(criteria, 0.8)), "csrf_token": token, "submit_score": 1}
            status = client.post(url, data=data).status_code
            return [] if status == 302 else [f"{code}: {status}"]

        return work

    assert run_together([judge(*row) for row in plan]) == []
    submitted = db.session.scalar(select(func.count(Score.id)).where(Score.submitted_at != None))  # noqa: E711
    assert submitted == len(plan)
