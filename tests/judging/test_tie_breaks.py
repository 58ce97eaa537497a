"""Equal scores parted by the criteria (the rules' tie-break) are said, not hidden: on the
results page, in the export, and in the author's published result."""

from __future__ import annotations

import io
import json

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from anthology.services import publication
from contest.platform.db import db
from judging.models import Assignment, Award
from judging.rules.aggregation import Ranked, broken_ties
from judging.services import lifecycle, prizes, scoring, stages
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import login


def test_broken_ties_names_the_key_that_parted_two_equal_scores():
    parted = broken_ties(
        [
            Ranked(1, 90.25, (27.0, 20.0)),
            Ranked(2, 90.25, (27.0, 21.5)),
            Ranked(3, 90.25, (27.0, 21.5)),  # equal to 2 on every key: they share a rank
            Ranked(4, 80.0, (30.0, 30.0)),
        ]
    )
    assert len(parted) == 1
    tie = parted[0]
    assert (tie.above, tie.below, tie.score, tie.key_index) in {(2, 1, 90.25, 1), (3, 1, 90.25, 1)}
    assert (tie.above_value, tie.below_value) == (21.5, 20.0)


def _score_equal_totals_one_ahead_on_the_first_criterion(panel):
    """Every entry totals 70; entry 1 has a point more on the first criterion."""
    stage = panel["stage"]
    first, second = stage.criteria[0], stage.criteria[1]
    for index, entry in enumerate(panel["entries"]):
        marks = marks_for(stage, 0.7)
        if index == 1:
            marks[first.id] += 1
            marks[second.id] -= 1
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.state == "active")
        ):
            scoring.save_score(db.session, assign_, marks, "", submit=True, now=NOW)
    stages.set_prize_ladder(db.session, panel["contest"], [("Giải Nhì", 1, 60), ("Giải Ba", 5, 50)])
    db.session.commit()
    return first


def test_the_results_page_and_the_export_say_how_equal_scores_were_parted(client, world, panel):
    open_for_judging(panel)
    first = _score_equal_totals_one_ahead_on_the_first_criterion(panel)
    view = prizes.compute_prizes(db.session, panel["contest"])
    ahead = view.results[0]
    assert ahead.entry.id == panel["entries"][1].id
    assert len(view.tie_lines()) == 1
    line = view.tie_lines()[0]
    (behind,) = [r for r in view.results[1:] if r.code in line]
    assert line.startswith(f"Bằng 70 điểm với {behind.code}; xếp trên")
    assert f"«{first.name}»" in line
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/results").get_data(as_text=True)
    assert "Phân định bài bằng điểm" in page and line in page
    workbook = load_workbook(io.BytesIO(client.get("/judging/son-la-2019/export.xlsx").data))
    rows = list(workbook.worksheets[0].values)
    column = rows[0].index("Phân định bài bằng điểm")
    by_code = {row[0]: row[column] for row in rows[1:]}
    assert "xếp trên" in by_code[ahead.code]
    assert "xếp dưới" in by_code[behind.code]
    assert [by_code[r.code] for r in view.results if r not in (ahead, behind)] == [None] * 4
    with force_locale("en"):
        assert "criterion" in view.tie_lines()[0]


def test_the_author_reads_why_an_equal_score_got_a_lower_prize(client, world, panel):
    open_for_judging(panel)
    _score_equal_totals_one_ahead_on_the_first_criterion(panel)
    view = prizes.compute_prizes(db.session, panel["contest"])
    (behind,) = [
        r.entry
        for r in view.results
        if view.tie_notes.get(r.entry.id) and view.allocation.ranks[r.entry.id] > 1
    ]
    lifecycle.finalise(db.session, panel["contest"], None, NOW)
    award = db.session.scalar(select(Award).where(Award.entry_id == behind.id))
    stored = json.loads(award.tie_breaks)
    assert [note["above"] for note in stored] == [False]
    publication.publish_results(db.session, panel["contest"], world["users"]["province"], NOW)
    db.session.commit()
    login(client, behind.author)
    page = client.get(f"/entries/{behind.id}").get_data(as_text=True)
    assert "Bằng 70 điểm với bài xếp hạng 1; xếp dưới" in page
    assert view.results[0].code not in page  # an author reads ranks, not other codes
