"""Headless Chromium (Debian's) driven by Playwright against a live local server.

A missing browser fails the run: it is never skipped silently. On failure a screenshot is
kept in test-artifacts/."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from contest.demo import DEMO_PASSWORD, load_demo
from contest.documents.intake import extract_typed
from contest.platform.db import db, utcnow
from contest.platform.uow import unit_of_work
from contest.services.accounts import create_user
from contest.services.entries import create_entry
from tests.conftest import copy_schema, make_app, vietnamese_essay

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def live_app(tmp_path, migrated_database):
    """A fresh database with a small demo, served on a free loopback port."""
    yield from serve(tmp_path, migrated_database, _demo(seed=11, entries=8))


@pytest.fixture
def live_district_app(tmp_path, migrated_database):
    """The same with a demo large enough that Huyện Mộc Châu, which the core's demo leaves
    to its own jury, holds several entries."""
    yield from serve(tmp_path, migrated_database, _demo(seed=3, entries=40))


def _demo(*, seed: int, entries: int):
    return lambda session: load_demo(session, seed=seed, entries=entries, now=utcnow())


def serve(tmp_path, migrated_database, fill):
    """A fresh database that `fill(session)` sets up in one unit of work, served on a free
    loopback port until the test ends."""
    copy_schema(migrated_database, tmp_path)
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False, JOBS_RUNNER="thread")
    with app.app_context():
        with unit_of_work() as uow:
            fill(uow.session)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh contexts (one per user); screenshots of each when the test fails."""
    contexts = []

    def make():
        context = browser.new_context(locale="vi-VN", viewport={"width": 1200, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                page.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}-{index}-{number}.png"),
                    full_page=True,
                )
    for context in contexts:
        context.close()


def click_confirmed(page, label: str) -> None:
    """Click a button that asks first (data-confirm), and say yes."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"button:has-text('{label}')")
    page.wait_for_load_state("networkidle")


def log_in(page, base: str, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(base + "/")


def submit_essays(session, contest, unit, people, title: str, subject) -> None:
    """One submitted typed essay of 600 words per (full name, e-mail) in `people`, by a new
    entrant of `unit`, titled `title` and its number."""
    for number, (full_name, email) in enumerate(people, start=1):
        author = create_user(
            session, full_name=full_name, email=email, phone=None, password=None, unit=unit
        )
        create_entry(
            session,
            contest=contest,
            author=author,
            author_unit=unit,
            title=f"{title} {number}",
            subject=subject,
            essay=extract_typed(vietnamese_essay(600, f"{title} {number}")),
            original=None,
            declarations_accepted=True,
            now=utcnow(),
            submit=True,
        )
