"""Headless Chromium (Debian's) driven by Playwright against a live local server.

A missing browser fails the run: it is never skipped silently. On failure a screenshot is
kept in test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.steps import demo, serve

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
    yield from serve(tmp_path, migrated_database, demo(seed=11, entries=8), ("demo", 11, 8))


@pytest.fixture
def live_district_app(tmp_path, migrated_database):
    """The same with a demo large enough that Huyện Mộc Châu, which the core's demo leaves
    to its own jury, holds several entries."""
    yield from serve(tmp_path, migrated_database, demo(seed=3, entries=40), ("demo", 3, 40))


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
