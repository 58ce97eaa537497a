"""axe-core on every kind of page each role reaches, at desktop (1366 px) and phone (390 px)
widths: a serious or critical violation fails the run. The contest is walked through its
phases (rounds, judging open, scored, finalised with the book), each role crawled from "/" by
following same-site links, one page per kind of address (entry 3 and entry 7 are one kind).

Also the layout promises of issue 9 that only a browser can check: blind codes on one line, the
head judge's table whole at 1366 px, and on a phone the entry's status and actions before its
text."""

from __future__ import annotations

import re
import time
from collections import Counter
from urllib.parse import urljoin, urlparse

import pytest
from axe_playwright_python.base import AXE_SCRIPT  # axe-core, as the package ships it
from sqlalchemy import select

from anthology import demo as anthology_demo
from contest.models import Contest
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from judging import demo as judging_demo
from judging.models import Assignment, BlindCopy
from judging.services import scoring, stages
from tests.browser.steps import log_in

WIDTHS = (1366, 390)
MAX_PAGES = 25  # per role and phase: one page of each kind is enough
FAILING = {"serious", "critical"}
SKIPPED = re.compile(
    r"/logout|/lang/|/media/|/original|/photo|/builds/\d+/|/export\.|\.(docx|xlsx|csv|epub|pdf|zip"
    r"|png|jpe?g|svg)$"
)
ACCOUNTS = {
    "entrant": "tacgia@example.com",
    "unit organiser": "tdkt.pye@sonla.gov.vn",  # Huyện Phù Yên: entries in every state
    "unit organiser, open round": "tdkt.vho@sonla.gov.vn",  # Huyện Vân Hồ: still takes essays
    "province": "btc@sonla.gov.vn",
    "judge": "giamkhao1@sonla.gov.vn",
    "head judge": "truongban@sonla.gov.vn",
}
# (phase, roles crawled in it); "… (English)" crawls in the English interface, whose longer
# words make other tables overflow.
PHASES = [
    (
        "rounds",
        ["anonymous", "entrant", "unit organiser", "unit organiser, open round", "province"],
    ),
    ("judging", ["judge"]),
    ("scored", ["head judge", "head judge (English)", "province"]),
    ("finalised", ["anonymous (English)", "entrant", "province", "province (English)"]),
]
ENGLISH = " (English)"
# Where a role's crawl stays when its other pages were audited in an earlier phase.
WITHIN = {
    ("scored", "province"): ("/judging/",),
    ("finalised", "province"): ("/judging/", "/anthology/"),
}


def kind(path: str) -> str:
    """The address with its ids and blind codes taken out: one page per kind is visited."""
    path = re.sub(r"/e/[^/?]+", "/e/CODE", path)
    path = re.sub(r"/head/[^/?]+", "/head/CODE", path)
    path = re.sub(r"/codes/[^/?]+", "/codes/CODE", path)
    path = re.sub(r"\d+", "N", path)
    return path.split("?")[0] + ("?…" if "?" in path else "")


def links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "elements => elements.map(e => e.href)"
    )
    out = []
    for href in hrefs:
        url = urlparse(urljoin(page.url, href))
        if f"{url.scheme}://{url.netloc}" != base:
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if not SKIPPED.search(url.path):
            out.append(path)
    return out


def audit(page) -> list[tuple[str, str, str, str]]:
    """(rule, impact, target, summary) of each serious or critical node axe reports."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)  # once per page load, for both widths
    results = page.evaluate("axe.run({resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            found.append((violation["id"], violation["impact"], target, violation["help"]))
    return found


def crawl_and_audit(page, base: str, within=("/",)) -> tuple[list[str], list[str]]:
    """Pages visited (at both widths) and the violations, one line each; from "/" the crawl
    follows links to addresses under `within` only."""
    seen_kinds: set[str] = set()
    visited: list[str] = []
    problems: list[str] = []
    queue = ["/"]
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        if kind(path) in seen_kinds:
            continue
        seen_kinds.add(kind(path))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for rule, impact, target, summary in audit(page):
                problems.append(f"{path} @{width}px: {rule} ({impact}) {target} — {summary}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        queue.extend(
            p for p in links(page, base) if kind(p) not in seen_kinds and p.startswith(within)
        )
    return visited, problems


# Blind codes laid out on more than one line (a Range has one rectangle per line box).
WRAPPED_CODES = """() => Array.from(document.querySelectorAll('.code')).filter((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.bottom))).size > 1;
}).map((element) => element.textContent.trim())"""


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown on {page.url}"
    return found


def check_layout(page, base: str, phase: str, role: str) -> list[str]:
    """The layout promises of issue 9 this phase and role can show; what is broken, in words."""
    broken: list[str] = []
    if phase == "rounds" and role == "entrant":
        page.goto(base + "/c/son-la-2019/entries")
        page.locator("main a[href^='/entries/']").first.click()
        page.wait_for_selector("#entry-text")
        page.wait_for_load_state()  # measured with its style sheet
        page.set_viewport_size({"width": 390, "height": 800})
        status, text = box(page, "#entry-status"), box(page, "#entry-text")
        if not status["y"] + status["height"] <= text["y"]:
            broken.append(f"{page.url} @390px: the essay comes before the status and actions")
        if status["y"] > 800:
            broken.append(f"{page.url} @390px: the status is not on the first screen")
        page.set_viewport_size({"width": 1366, "height": 800})
        status, text = box(page, "#entry-status"), box(page, "#entry-text")
        if not (text["x"] < status["x"] and abs(text["y"] - status["y"]) < 40):
            broken.append(f"{page.url} @1366px: the status is not beside the essay")
    if phase == "scored" and role == "head judge":
        page.goto(base + "/judging/son-la-2019/queue")
        page.locator("a[href*='/head/']").first.click()
        page.wait_for_selector("#head-scores")
        page.wait_for_load_state()
        page.set_viewport_size({"width": 1366, "height": 800})
        wrap = box(page, "#head-scores")
        for cell in ("td.total", "td.comment"):
            found = box(page, f"#head-scores {cell}")
            if found["x"] + found["width"] > wrap["x"] + wrap["width"] + 1:
                broken.append(f"{page.url} @1366px: {cell} is cut off")
        if page.eval_on_selector("#head-scores", "e => e.scrollWidth > e.clientWidth + 1"):
            broken.append(f"{page.url} @1366px: the judges' marks scroll sideways")
    for path in {
        ("judging", "judge"): ["/judging/son-la-2019/queue"],
        ("scored", "province"): ["/judging/son-la-2019/results", "/judging/son-la-2019/key"],
        ("finalised", "province"): ["/judging/son-la-2019/results"],
    }.get((phase, role), []):
        page.goto(base + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            assert page.locator(".code").count() > 0, f"no blind code on {path}"
            if wrapped := page.evaluate(WRAPPED_CODES):
                broken.append(f"{path} @{width}px: blind codes wrap: {wrapped[:3]}")
    return broken


def _advance(contest: Contest, phase: str, monkeypatch) -> None:
    if phase == "judging":
        anthology_demo.demo_stage(contest, 3, file_store())
        judging_demo.setup_jury(contest, 3, file_store())
        judging_demo.open_judging(contest, 3, file_store())
    elif phase == "scored":
        # The first entry's judges are 12 points apart (the head judge's case, as in
        # test_judging_flow); everyone else scores; the head judge has not decided yet.
        stage = stages.current_stage(db.session, contest)
        first = db.session.scalar(
            select(BlindCopy).where(BlindCopy.round_id.is_(None)).order_by(BlindCopy.code)
        ).entry_id
        pair = db.session.scalars(
            select(Assignment).where(Assignment.entry_id == first, Assignment.stage_id == stage.id)
        ).all()
        for assign_, share in zip(pair, (0.8, 0.68), strict=True):
            marks = {c.id: round(c.max_points * share * 2) / 2 for c in stage.criteria}
            scoring.save_score(db.session, assign_, marks, "", submit=True, now=utcnow())
        db.session.flush()
        with monkeypatch.context() as patch:
            patch.setattr(judging_demo, "settle_gaps", lambda stage: None)
            judging_demo.score_all(contest, 3, file_store())
    elif phase == "finalised":
        judging_demo.settle_gaps(stages.current_stage(db.session, contest))
        judging_demo.award(contest, 3, file_store())


@pytest.mark.render_once
@pytest.mark.parametrize("phase", [phase for phase, _roles in PHASES])
def test_axe_finds_nothing_serious_on_any_page_of_any_role(phase, live_app, new_page, monkeypatch):
    """One phase per test, so that the phases are audited side by side: the contest is
    walked through the phases before it, then this one's roles are crawled."""
    base = live_app.config["LIVE_URL"]
    started = time.monotonic()
    problems: list[str] = []
    report: list[str] = []
    layout: list[str] = []
    names = [name for name, _roles in PHASES]
    reached = names[: names.index(phase) + 1]
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        for step in reached:
            _advance(contest, step, monkeypatch)
        db.session.commit()
        db.session.remove()
    for role in dict(PHASES)[phase]:
        began = time.monotonic()
        page = new_page()
        account = role.removesuffix(ENGLISH)
        if account != "anonymous":
            log_in(page, base, ACCOUNTS[account])
        if role.endswith(ENGLISH):
            page.goto(base + "/")
            page.click("header.site button:has-text('English')")
            page.wait_for_selector("html[lang=en]")
        visited, found = crawl_and_audit(page, base, WITHIN.get((phase, role), ("/",)))
        layout += check_layout(page, base, phase, account)
        page.context.close()
        report.append(
            f"{phase}/{role}: {len(visited)} pages in {time.monotonic() - began:.0f} s: "
            + " ".join(visited)
        )
        assert len(visited) > 1, f"{phase}/{role} reached nothing"
        problems += [f"[{phase}/{role}] {line}" for line in found]
    print("\n".join(report))
    print(f"axe: {time.monotonic() - started:.0f} s")
    by_rule = Counter(line.split(": ", 1)[1].split(" ", 1)[0] for line in problems)
    assert not problems and not layout, "\n".join(
        [f"axe: {len(problems)} serious or critical ({dict(by_rule)}):", *problems]
        + [f"layout: {len(layout)} broken:", *layout]
    )
