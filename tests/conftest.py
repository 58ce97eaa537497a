"""The tests' fixtures and helpers live in `tests/plugins/` (registered below), one concern
each: the app a test runs, factories for its data, documents as offices send them, the
servers a test starts, a panel ready to judge, a finalised contest for the book, snapshots
of expensive set-ups, the statements a page runs; and, imported where needed, what a
browser does before a form (`web`) and races (`races`). Tiers are marked here, by folder and
by fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = [
    "tests.plugins.apps",
    "tests.plugins.factories",
    "tests.plugins.documents",
    "tests.plugins.servers",
    "tests.plugins.panels",
    "tests.plugins.books",
    "tests.plugins.queries",
    "tests.plugins.snapshots",
]
TESTS = Path(__file__).resolve().parent
# Servers besides the database that a test starts (tests/plugins/servers.py): such tests are
# left out of `make check`, as the browser's are.
SERVER_FIXTURES = {"redis_server", "redis_url"}


def pytest_collection_modifyitems(config, items):
    """Tiers by folder, not by hand: everything under tests/browser/ is `browser`, every
    test that starts a Redis server is `redis`. `make check` runs neither. Tests marked
    `first` run first: with `--dist worksteal` a worker's first tests are never taken by
    the other, so their module's set-up is built once, and the longest work starts first."""
    for item in items:
        if TESTS / "browser" in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)
        if SERVER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.redis)
    items.sort(key=lambda item: item.get_closest_marker("first") is None)
