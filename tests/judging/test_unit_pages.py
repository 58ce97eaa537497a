"""Issue 14 in the browser's terms: the unit organiser's judging pages (switch on, jury,
setup, rọc phách, open, finalise, key) and a unit juror on the judges' pages, blind and kept
inside their unit's round."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from contest.lifecycles import EntryState
from contest.platform.db import db
from contest.services.forwarding import forward_round
from judging.models import Stage, UnitJuror
from judging.services import blinding, scoring, stages, units
from judging.states import ResultState
from tests.plugins.factories import NOW
from tests.plugins.panels import open_for_judging, open_unit, score_unit_entry, tied_unit_prize
from tests.plugins.web import csrf_token, login

BASE = "/judging/son-la-2019/unit"


def _post(client, url, page_url, data=None):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("organiser_d1", 200),
        ("province", 200),
        ("organiser_d2", 404),
        ("organiser_c1", 404),
        ("judge", 404),
        ("entrant_a", 404),
    ],
)
def test_only_the_unit_and_the_province_reach_its_judging(client, world, who, status):
    login(client, world["users"][who])
    assert client.get(f"{BASE}/MCH/").status_code == status
    assert client.get(f"{BASE}/MCH/jury").status_code in (
        (302, status) if status == 200 else (404,)
    )
    assert client.get(f"{BASE}/SL/").status_code == 404  # the province's round is not a unit's


def test_the_organiser_switches_on_builds_a_jury_and_a_stage(client, world):
    login(client, world["users"]["organiser_d1"])
    home = client.get("/").get_data(as_text=True)
    assert f"{BASE}/MCH/" in home
    page = client.get(f"{BASE}/MCH/").get_data(as_text=True)
    assert "Bật chấm thi riêng" in page
    _post(client, f"{BASE}/MCH/on", f"{BASE}/MCH/")
    assert stages.unit_judging(db.session, world["rounds"]["MCH"].id) is not None
    made = _post(
        client,
        f"{BASE}/MCH/jury",
        f"{BASE}/MCH/jury",
        {
            "action": "juror",
            "juror-full_name": "Lường Văn Giám",
            "juror-email": "gk.lvg@mocchau.gov.vn",
            "juror-phone": "",
            "juror-role": "judge",
            "juror-unit_id": str(world["units"]["MCH"].id),
            "juror-password": "Moc-chau-2019-gk",
        },
    )
    assert made.status_code == 302
    juror = db.session.scalar(select(UnitJuror))
    assert juror.round_id == world["rounds"]["MCH"].id and juror.judge.role == "judge"
    refused = _post(
        client,
        f"{BASE}/MCH/jury",
        f"{BASE}/MCH/jury",
        {
            "action": "juror",
            "juror-full_name": "Người huyện khác",
            "juror-email": "gk.khac@yenchau.gov.vn",
            "juror-role": "judge",
            "juror-unit_id": str(world["units"]["YCH"].id),
            "juror-password": "Yen-chau-2019-gk",
        },
    )
    assert refused.status_code == 200  # not a choice for this unit: the form says so
    assert db.session.scalar(select(UnitJuror).where(UnitJuror.id != juror.id)) is None
    saved = _post(
        client,
        f"{BASE}/MCH/setup",
        f"{BASE}/MCH/setup",
        {
            "action": "new_stage",
            "stage-name": "Chấm cấp huyện",
            "stage-judges_per_entry": "2",
            "stage-agree_gap": "10",
            "stage-head_gap": "15",
            "stage-three_mean_gap": "25",
            "stage-rubric": "Nội dung | 60 | 0.5\nHình thức | 40 | 0.5",
        },
    )
    assert saved.status_code == 302
    stage = db.session.scalar(select(Stage))
    assert stage.round_id == world["rounds"]["MCH"].id and stage.max_total == 100
    _post(
        client,
        f"{BASE}/MCH/setup",
        f"{BASE}/MCH/setup",
        {"action": "ladder", "ladder-ladder": "Giải A cấp huyện | 1 | 80"},
    )
    assert [
        lv.name for lv in stages.prize_levels(db.session, world["contest"], stage.round_id)
    ] == ["Giải A cấp huyện"]
    assert stages.prize_levels(db.session, world["contest"]) == []


def test_a_unit_juror_sees_codes_of_their_unit_only(client, world, district, panel):
    open_for_judging(panel)  # the province's judging runs on other entries meanwhile
    juror = district["jurors"][0]
    login(client, juror)
    assert client.get("/judging/son-la-2019/queue").status_code == 200
    province_code = blinding.blind_copies(db.session, district["contest"])[0].code
    assert client.get(f"/judging/son-la-2019/e/{province_code}").status_code == 404


def test_unit_judging_through_the_pages_stays_blind_until_the_key(client, world, district):
    round_, contest = district["round"], district["contest"]
    organiser = district["organiser"]
    login(client, organiser)
    _post(client, f"{BASE}/MCH/scan", f"{BASE}/MCH/")
    for flag in blinding.open_flags(db.session, contest, round_.id):
        _post(
            client,
            f"/judging/flags/{flag.id}/clear",
            f"{BASE}/MCH/flags",
            {"reason": "Địa danh trong nội dung bài."},
        )
    assert blinding.open_flags(db.session, contest, round_.id) == []
    _post(client, f"{BASE}/MCH/open", f"{BASE}/MCH/")
    assert district["stage"].state == "open" and contest.phase == "submission"
    key_early = client.get(f"{BASE}/MCH/key")
    assert key_early.status_code == 302
    client.get("/logout")
    juror = district["jurors"][0]
    login(client, juror)
    queue = client.get("/judging/son-la-2019/queue").get_data(as_text=True)
    codes = {c.entry_id: c.code for c in blinding.blind_copies(db.session, contest, round_.id)}
    mine = [code for code in codes.values() if code in queue]
    assert mine
    page = client.get(f"/judging/son-la-2019/e/{mine[0]}")
    assert page.status_code == 200
    for shown in (queue, page.get_data(as_text=True)):
        assert not any(e.author.full_name in shown for e in district["entries"])
    client.get("/logout")
    login(client, world["users"]["judge"])  # a province judge knows nothing of unit codes
    assert client.get(f"/judging/son-la-2019/e/{mine[0]}").status_code == 404
    client.get("/logout")
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    login(client, organiser)
    _post(client, f"{BASE}/MCH/finalise", f"{BASE}/MCH/")
    assert stages.is_finalised(db.session, contest, round_.id)
    key = client.get(f"{BASE}/MCH/key").get_data(as_text=True)
    assert all(e.author.full_name in key and codes[e.id] in key for e in district["entries"])
    overview = client.get(f"{BASE}/MCH/").get_data(as_text=True)
    assert "Giải A cấp huyện" in overview
    sheet = client.get(f"{BASE}/MCH/export.csv")
    assert sheet.status_code == 200 and "Giải A cấp huyện" in sheet.get_data(as_text=True)
    client.get("/logout")
    login(client, world["users"]["organiser_d2"])
    assert client.get(f"{BASE}/MCH/key").status_code == 404
    assert client.get(f"{BASE}/MCH/export.csv").status_code == 404


def test_a_unit_without_a_stage_says_so_on_opening(client, world):
    login(client, world["users"]["organiser_d2"])
    _post(client, f"{BASE}/YCH/on", f"{BASE}/YCH/")
    opened = _post(client, f"{BASE}/YCH/open", f"{BASE}/YCH/")
    assert opened.status_code == 302
    page = client.get(f"{BASE}/YCH/").get_data(as_text=True)
    assert "Đơn vị chưa có vòng chấm" in page


def _judged_and_finalised(district, shares: list[float]):
    """The district's entries scored by both judges at these shares of the marks, and the
    unit's results finalised; its entries, in order."""
    entries = district["entries"]
    open_unit(district)
    for entry, share in zip(entries, shares, strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()
    return entries


def test_forwarding_by_results_through_the_page(client, world, district):
    entries = _judged_and_finalised(district, [0.9, 0.7, 0.7, 0.5, 0.45])
    login(client, district["organiser"])
    url = f"{BASE}/MCH/forward"
    page = client.get(url).get_data(as_text=True)
    assert 'id="tie-at-cut"' in page
    assert f'value="{entries[0].id}" id="pick-{entries[0].id}" checked' in page
    assert f'value="{entries[1].id}" id="pick-{entries[1].id}" checked' not in page
    picked = {"entry_id": [str(entries[0].id), str(entries[2].id)]}
    refused = _post(client, url, url, picked)
    assert "cần ghi rõ lý do" in refused.get_data(as_text=True)
    assert entries[0].state == EntryState.SUBMITTED
    sent = _post(client, url, url, {**picked, "reason": "Bài sát chủ đề hơn"})
    assert sent.status_code == 302
    assert {e.state for e in (entries[0], entries[2])} == {EntryState.FORWARDED}
    assert entries[1].state == EntryState.NOT_SELECTED
    client.get("/logout")
    login(client, world["users"]["province"])
    shown = client.get(f"/entries/{entries[0].id}").get_data(as_text=True)
    assert "Kết quả chấm của Huyện Mộc Châu: hạng 1 — Giải A cấp huyện" in shown
    client.get("/logout")
    login(client, world["users"]["judge"])
    assert client.get(f"/entries/{entries[0].id}").status_code == 404


def test_a_tie_at_a_unit_prize_is_shared_with_a_reason_before_finalising(client, world, district):
    round_, contest = district["round"], district["contest"]
    entries, _ = tied_unit_prize(district)
    login(client, district["organiser"])
    page = client.get(f"{BASE}/MCH/").get_data(as_text=True)
    assert 'id="unit-ties"' in page and "Giải B cấp huyện" in page
    _post(client, f"{BASE}/MCH/finalise", f"{BASE}/MCH/")
    assert not stages.is_finalised(db.session, contest, round_.id)
    assert "đồng điểm ở ranh giới giải" in client.get(f"{BASE}/MCH/").get_data(as_text=True)
    _post(client, f"{BASE}/MCH/share-ties", f"{BASE}/MCH/", {"ties-reason": "Hai bài ngang nhau"})
    _post(client, f"{BASE}/MCH/finalise", f"{BASE}/MCH/")
    assert stages.is_finalised(db.session, contest, round_.id)
    shared = [a for a in units.awards(db.session, round_) if a.is_shared]
    assert sorted(a.entry_id for a in shared) == sorted([entries[1].id, entries[2].id])


def test_a_judged_round_does_not_tick_and_forward(client, runner, world, district):
    round_, entries = district["round"], district["entries"]
    login(client, district["organiser"])
    page = f"/rounds/{round_.id}"
    _post(client, f"{page}/entries/{entries[0].id}/mark", page, {"marked": "1"})
    assert not entries[0].is_marked
    _post(client, f"{page}/forward", page)
    assert "đang chấm thi riêng" in client.get(page).get_data(as_text=True)
    assert round_.closed_at is None and entries[0].state == EntryState.SUBMITTED
    cli = runner.invoke(
        args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "MCH", "--all"]
    )
    assert cli.exit_code != 0 and "đang chấm thi riêng" in cli.output
    other = world["rounds"]["YCH"]  # a round without its own judging ticks as before
    assert (
        runner.invoke(
            args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "YCH", "--all"]
        ).exit_code
        == 0
    )
    assert other.closed_at is not None


def test_the_unit_head_judge_decides_on_the_judges_pages(client, world, district):
    entry, stage, round_ = district["entries"][0], district["stage"], district["round"]
    open_unit(district)
    score_unit_entry(stage, entry, [0.8, 0.68])  # 80 against 68: the head judge decides
    result = scoring.result_of(db.session, stage, entry.id)
    assert result.state == ResultState.NEEDS_HEAD
    code = blinding.code_of_entry(db.session, entry.id, round_.id)
    login(client, district["head"])
    queue = client.get("/judging/son-la-2019/queue").get_data(as_text=True)
    assert f"/judging/son-la-2019/head/{code}" in queue
    url = f"/judging/son-la-2019/head/{code}"
    _post(client, url, url, {"score": "75", "reason": "Bài nêu gương rõ"})
    assert result.state == ResultState.DECIDED and result.official_score == 75
    client.get("/logout")
    login(client, world["users"]["head_judge"])  # the province's head judge: not theirs
    assert client.get(url).status_code == 404


def test_an_entry_that_arrives_after_the_unit_opened_is_shown_not_lost(
    client, world, district, make_entry
):
    """Entrants cannot send into a unit whose judging began (tests/judging/test_unit_intake.py);
    a unit below it still may send up what it chose."""
    entries, round_ = district["entries"], district["round"]
    late = make_entry(world["users"]["entrant_a"], title="Bài của xã")
    open_unit(district)
    login(client, district["organiser"])
    assert 'id="late-entries"' not in client.get(f"{BASE}/MCH/").get_data(as_text=True)
    commune = world["rounds"]["MCH-CSO"]
    forward_round(db.session, commune, world["users"]["organiser_c1"], NOW, [late.id])
    db.session.commit()
    assert late.round_id == round_.id
    page = client.get(f"{BASE}/MCH/").get_data(as_text=True)
    assert 'id="late-entries"' in page and "1 bài đến vòng" in page
    for entry, share in zip(entries, [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, round_, district["organiser"], NOW)
    db.session.commit()
    forward = client.get(f"{BASE}/MCH/forward").get_data(as_text=True)
    assert f'id="pick-{late.id}"' in forward and "chưa được chấm" in forward


def test_a_unit_code_with_vietnamese_letters_and_quotes_still_downloads(client, district):
    """A unit code is free text: the file name must not break the download's header."""
    code = 'MỘC CHÂU "1"'
    district["round"].unit.code = code
    db.session.commit()
    login(client, district["organiser"])
    got = client.get(f"{BASE}/{quote(code)}/export.csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    header = got.headers["Content-Disposition"]
    assert header.startswith("attachment;") and "\r" not in header and "\n" not in header
    assert "filename*=UTF-8''son-la-2019-m%E1%BB%99c%20ch%C3%A2u" in header


def test_the_units_export_names_no_title_before_it_finalises(client, district):
    """The round page names each entry's author: a title beside a code would be the key."""
    entries, round_ = district["entries"], district["round"]
    open_unit(district)
    for entry, share in zip(entries, [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    login(client, district["organiser"])
    before = client.get(f"{BASE}/MCH/export.csv").get_data(as_text=True)
    assert _unit_code_of(district, entries[0]) in before
    assert not any(e.title in before or e.author.full_name in before for e in entries)
    units.finalise_unit(db.session, round_, district["organiser"], NOW)
    db.session.commit()
    after = client.get(f"{BASE}/MCH/export.csv").get_data(as_text=True)
    assert all(e.title in after for e in entries)


def _unit_code_of(district, entry):
    return blinding.code_of_entry(db.session, entry.id, district["round"].id)


def _posted_as_a_browser_would(html: str, holding: str) -> dict[str, list[str]]:
    """What submitting the page's POST form that holds the field `holding` sends: its hidden
    and text inputs, its ticked boxes and its text areas, each under its name."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.forms: list[dict[str, list[str]]] = []
            self.fields: dict[str, list[str]] = {}
            self.inside = False
            self.area: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("method") == "post":
                self.inside, self.fields = True, {}
            elif self.inside and tag == "input" and a.get("name"):
                if a.get("type") != "checkbox" or "checked" in a:
                    self.fields.setdefault(a["name"], []).append(a.get("value") or "")
            elif self.inside and tag == "textarea":
                self.area = a["name"]
                self.fields.setdefault(self.area, []).append("")

        def handle_data(self, data):
            if self.area:
                self.fields[self.area][-1] += data

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.area = None
            elif tag == "form" and self.inside:
                self.inside = False
                self.forms.append(self.fields)

    parser = Form()
    parser.feed(html)
    return next(fields for fields in parser.forms if holding in fields)


def test_the_forward_page_sends_what_a_browser_sends(client, district):
    """The page's own form, posted whole (hidden fields included), forwards the proposal."""
    entries = _judged_and_finalised(district, [0.9, 0.7, 0.6, 0.5, 0.45])
    login(client, district["organiser"])
    url = f"{BASE}/MCH/forward"
    fields = _posted_as_a_browser_would(client.get(url).get_data(as_text=True), "entry_id")
    assert fields["entry_id"] and "csrf_token" in fields
    sent = client.post(url, data=fields)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    db.session.expire_all()
    forwarded = {e.id for e in entries if e.state == EntryState.FORWARDED}
    assert forwarded == {int(i) for i in fields["entry_id"]}
