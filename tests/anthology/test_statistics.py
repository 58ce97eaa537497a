"""Issue 26: the organisers' statistics — entries over time per unit, the categories still
without an exemplar, judges' agreement and severity per stage — drawn as plain SVG."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from anthology.render import svg_charts
from anthology.services import statistics
from contest.platform.db import db
from tests.plugins.web import login

SLUG = "son-la-2019"
PAGE = f"/anthology/{SLUG}/statistics"


def test_running_totals_count_every_day_and_what_came_before():
    day = date(2019, 9, 1)
    points = [(day - timedelta(days=3), 2), (day, 1), (day + timedelta(days=2), 4)]
    assert svg_charts.running_totals(points, day, day + timedelta(days=3)) == [3, 3, 7, 7]


def test_the_figures_add_up_and_name_the_gaps(world, finalised):
    contest = finalised["contest"]
    found = statistics.statistics(db.session, contest, "Toàn tỉnh")
    everyone = found.timeline["Toàn tỉnh"]
    assert sum(n for _d, n in everyone) == sum(total for _u, total, _l in found.units)
    assert sum(e for _c, _n, e, _p in found.categories) == sum(n for _d, n in everyone)
    assert found.gaps == [(c, n) for c, n, e, p in found.categories if not e and not p]
    assert found.gaps  # the fixture's essays and profiles leave some categories bare
    [stage] = found.stages
    assert stage.scope == "Toàn tỉnh" and stage.pairs > 0
    assert len(stage.severity) == 4 and stage.severity == sorted(stage.severity, key=lambda s: s[1])


def test_the_page_draws_its_charts_without_letting_a_name_run(client, world, finalised):
    unit = world["units"]["SGD"]
    unit.name = 'Sở <script>alert("x")</script> Giáo dục'
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get(PAGE).get_data(as_text=True)
    assert page.count("<svg") == 3
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "style=" not in "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    for _code, name in statistics.statistics(db.session, finalised["contest"], "x").gaps:
        assert name in page


@pytest.mark.parametrize("who", ["entrant_a", "organiser_d1", "judge", "head_judge"])
def test_only_the_province_reads_the_statistics(client, world, finalised, who):
    login(client, world["users"][who])
    assert client.get(PAGE).status_code in (403, 404)
