"""The judge's score card and queue through the test client (issue 24): every faulty mark is
named at once and nothing is saved; the marks are typed as text (a decimal comma is a decimal
point); the queue is searched by code or title, without JavaScript too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from contest.forms import finite_float
from contest.platform.db import db
from judging.errors import ScoreInvalid
from judging.models import Assignment, BlindCopy, CriterionScore, Score, StageResult
from judging.services import blinding, scoring
from tests.judging.test_services import _score
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import csrf_token, login


@pytest.fixture
def judge_page(client, world, panel):
    """A judge signed in, on the page of the first code of their queue."""
    open_for_judging(panel, world["users"]["province"])
    assign_ = db.session.scalars(select(Assignment).order_by(Assignment.id)).first()
    code = blinding.code_of_entry(db.session, assign_.entry_id)
    login(client, assign_.judge)
    url = f"/judging/son-la-2019/e/{code}"
    return {"url": url, "assignment": assign_, "stage": panel["stage"], "code": code}


def test_two_marks_out_of_range_give_two_messages_and_save_nothing(client, judge_page):
    stage, url = judge_page["stage"], judge_page["url"]
    first, second, third, fourth = stage.criteria
    data = {
        f"c{first.id}": "31",
        f"c{second.id}": "45,5",
        f"c{third.id}": "12,3",  # off the 0.5 step
        f"c{fourth.id}": "10,5",
        "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        "submit_score": "1",
    }
    page = client.post(url, data=data).get_data(as_text=True)
    assert f"Điểm «{first.name}» phải từ 0 đến 30." in page
    assert f"Điểm «{second.name}» phải từ 0 đến 30." in page
    assert f"Điểm «{third.name}» phải chia hết cho bước 0.5." in page
    for criterion in (first, second, third):  # each faulty box is marked and explained
        box = re.search(rf'<input[^>]*id="c{criterion.id}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in box
        assert f'aria-describedby="c{criterion.id}-error"' in box
        assert f'id="c{criterion.id}-error"' in page
    good = re.search(rf'<input[^>]*id="c{fourth.id}"[^>]*>', page).group(0)
    assert "aria-invalid" not in good
    for name, typed in data.items():  # every mark stays as typed
        if name.startswith("c") and name[1:].isdigit():
            assert re.search(rf'id="{name}"[^>]*value="{re.escape(typed)}"', page), name
    assert db.session.scalar(select(func.count(Score.id))) == 0
    assert db.session.scalar(select(func.count(CriterionScore.id))) == 0


def test_a_mark_that_is_not_a_number_is_named_with_the_others(client, judge_page):
    stage, url = judge_page["stage"], judge_page["url"]
    first, second, *_rest = stage.criteria
    data = {
        f"c{first.id}": "hai mươi",
        f"c{second.id}": "-1",
        "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        "save": "1",
    }
    page = client.post(url, data=data).get_data(as_text=True)
    assert f"Điểm «{first.name}» phải là một số." in page
    assert f"Điểm «{second.name}» phải từ 0 đến 30." in page
    assert db.session.scalar(select(func.count(Score.id))) == 0


def test_marks_are_text_boxes_that_take_a_decimal_comma(client, judge_page):
    """Chromium's number box turns a typed "2,5" into 25; a text box asking for a decimal
    keyboard keeps it, and the server reads it as 2.5."""
    stage, url = judge_page["stage"], judge_page["url"]
    page = client.get(url).get_data(as_text=True)
    boxes = re.findall(r"<input[^>]*data-weight[^>]*>", page)
    assert len(boxes) == len(stage.criteria)
    assert all('type="text"' in b and 'inputmode="decimal"' in b for b in boxes)
    marks = {
        f"c{c.id}": f"{v:g}".replace(".", ",")
        for c, v in zip(stage.criteria, marks_for(stage, 0.8).values(), strict=True)
    }
    marks[f"c{stage.criteria[0].id}"] = "2,5"
    client.post(url, data={**marks, "csrf_token": csrf_token(page), "save": "1"})
    first = db.session.scalar(
        select(CriterionScore.points).where(CriterionScore.criterion_id == stage.criteria[0].id)
    )
    assert first == 2.5


def test_the_service_names_every_faulty_mark_at_once(world, panel):
    open_for_judging(panel)
    stage = panel["stage"]
    assign_ = db.session.scalars(select(Assignment)).first()
    first, second, third, _fourth = stage.criteria
    with pytest.raises(ScoreInvalid) as refused:
        scoring.save_score(
            db.session, assign_, {first.id: 31, second.id: 10.3}, "", submit=True, now=NOW
        )
    message = str(refused.value)
    assert f"Điểm «{first.name}» phải từ 0 đến 30." in message
    assert f"Điểm «{second.name}» phải chia hết cho bước 0.5." in message
    assert f"Chưa cho điểm tiêu chí «{third.name}»." in message


def test_mark_problems_lists_each_criterion_once(world, panel):
    stage = panel["stage"]
    first, second, third, fourth = stage.criteria
    problems = scoring.mark_problems(
        stage.criteria, {first.id: -0.5, second.id: 30, third.id: 7.25}, submit=True
    )
    assert list(problems) == [first.id, third.id, fourth.id]
    assert "phải từ 0 đến 30" in problems[first.id]
    assert "bước 0.5" in problems[third.id]
    assert "Chưa cho điểm" in problems[fourth.id]
    assert scoring.mark_problems(stage.criteria, {second.id: 30}, submit=False) == {}


def _queue_codes(page: str) -> list[str]:
    table = page.split('id="queue"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="code"><a [^>]*>([^<]+)</a>', table)


def test_the_queue_is_searched_by_code_or_title_without_javascript(client, world, panel):
    open_for_judging(panel, world["users"]["province"])
    judge = db.session.scalars(select(Assignment).order_by(Assignment.id)).first().judge
    mine = scoring.judge_assignments(db.session, panel["stage"], judge)
    codes = blinding.codes_of_entries(db.session, [a.entry_id for a in mine])
    assert len(mine) >= 2
    login(client, judge)
    queue = "/judging/son-la-2019/queue"
    whole = client.get(queue).get_data(as_text=True)
    assert sorted(_queue_codes(whole)) == sorted(c.code for c in codes.values())
    assert re.search(r'<input[^>]*name="q"[^>]*data-filter-rows="queue"', whole)

    wanted = codes[mine[1].entry_id]
    by_code = client.get(queue, query_string={"q": wanted.code.lower()}).get_data(as_text=True)
    assert _queue_codes(by_code) == [wanted.code]
    assert re.search(rf'name="q"[^>]*value="{wanted.code.lower()}"', by_code)
    assert f"Đã chấm 0 / {len(mine)} bài" in by_code  # the count is still the whole queue

    title = wanted.title.replace("Bài viết", "bai VIET")  # accents and case aside
    by_title = client.get(queue, query_string={"q": title}).get_data(as_text=True)
    assert _queue_codes(by_title) == [wanted.code]

    nothing = client.get(queue, query_string={"q": "không có bài này"}).get_data(as_text=True)
    assert _queue_codes(nothing) == []
    assert "Không có bài nào khớp «không có bài này»." in nothing


def test_the_queue_shows_codes_and_titles_only(client, world, panel):
    open_for_judging(panel, world["users"]["province"])
    judge = db.session.scalars(select(Assignment).order_by(Assignment.id)).first().judge
    login(client, judge)
    author = panel["entries"][0].author.full_name
    page = client.get("/judging/son-la-2019/queue", query_string={"q": author}).get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(BlindCopy.id))) > 0
    assert _queue_codes(page) == []  # an author's name finds nothing: it is not searched


def test_the_head_judge_types_a_decimal_comma_too(client, world, panel):
    """The head judge's official score is a text box that reads "80,5" as 80.5 (a number box
    in Chromium made it 805), and refuses what is not a number beside the field."""
    open_for_judging(panel)
    entry = panel["entries"][1]
    result = _score(panel, entry, [0.70, 0.82])
    assert result.state == "needs_head"
    code = db.session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == entry.id))
    login(client, world["users"]["head_judge"])
    page = client.get(f"/judging/son-la-2019/head/{code}").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="score"[^>]*inputmode="decimal"', page)
    assert 'type="number"' not in page
    refused = client.post(
        f"/judging/son-la-2019/head/{code}",
        data={"csrf_token": csrf_token(page), "score": "tám mươi", "reason": "Lệch nhiều"},
    ).get_data(as_text=True)
    assert "Cần nhập một số (dấu phẩy hay dấu chấm thập phân đều được)." in refused
    client.post(
        f"/judging/son-la-2019/head/{code}",
        data={"csrf_token": csrf_token(page), "score": "80,5", "reason": "Lệch nhiều"},
    )
    db.session.expire_all()
    decided = db.session.scalar(select(StageResult).where(StageResult.entry_id == entry.id))
    assert decided.official_score == 80.5


@pytest.mark.parametrize("typed", ["2_5", "1e1", "nan", "inf", "2,5,5", "0x10", "2.", ",5"])
def test_only_plain_numbers_are_marks(typed):
    """Digits with one decimal comma or point: Python would read "2_5" as 25 (the silent ×10
    of a comma, by another key) and "1e1" as 10."""
    with pytest.raises(ValueError):
        finite_float(typed)
    assert finite_float(" 2,5 ") == finite_float("2.5") == 2.5
