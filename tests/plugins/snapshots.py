"""Expensive set-ups built once per pytest process and restored for each later test.

A fixture such as `finalised` (a contest judged to the end, an essay through pandoc) or the
demo costs seconds; hundreds of tests use them. `reused(build)` runs `build` the first time,
then copies the database and the file store aside; a later test whose database holds the
same rows per table before the set-up gets the copy back instead of a new build, and the
fixture's value with its rows read again. A test that starts mail or other side effects
outside the database (see SIDE_EFFECTS) always builds: a copy would not send them again.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import func, inspect, select

from contest.platform.db import db

# Fixtures whose effects a restored copy would not repeat (mail sent to an inbox, a queue).
SIDE_EFFECTS = {"mail_on", "smtp_server", "redis_url"}
# Settings a set-up may run under differently: part of what it is built for.
CONDITIONS = ("JOBS_RUNNER", "MAIL_SERVER", "REDIS_URL")


class Row:
    """A row of the fixture's value, kept as its class and key and read again on restore."""

    def __init__(self, instance: Any) -> None:
        self.cls, self.key = type(instance), inspect(instance).identity

    def load(self) -> Any:
        return db.session.get(self.cls, self.key)


def _kept(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _kept(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_kept(v) for v in value)
    if hasattr(value, "_sa_instance_state"):
        return Row(value)
    return value


def _rows(value: Any) -> list[Row]:
    if isinstance(value, dict):
        return [row for v in value.values() for row in _rows(v)]
    if isinstance(value, list | tuple):
        return [row for v in value for row in _rows(v)]
    return [value] if isinstance(value, Row) else []


def _read_rows(value: Any) -> list:
    """Every row of `value` read in one query per class, not one each: the gets of `_loaded`
    find them in the session as long as the list returned holds them (the session keeps
    only what something else holds)."""
    keys: dict[type, list] = defaultdict(list)
    for row in _rows(value):
        keys[row.cls].append(row.key)
    read = []
    for cls, identities in keys.items():
        columns = inspect(cls).primary_key
        if len(columns) == 1:
            wanted = columns[0].in_([i[0] for i in identities])
            read += db.session.scalars(select(cls).where(wanted)).all()
    return read


def _loaded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _loaded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_loaded(v) for v in value)
    return value.load() if isinstance(value, Row) else value


def _rows_per_table() -> tuple:
    """What the set-up starts from: how many rows each table holds (ids are given in order,
    so the same counts on a fresh schema mean the same keys)."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(
        select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    ).one()
    return tuple(zip((t.name for t in tables), counts, strict=True))


class Snapshots:
    """The copies of one pytest process, in `folder`. `app` (tests.plugins.apps.SharedApp) copies
    its database aside and back: a file on SQLite, a template database on PostgreSQL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: dict[str, Any] = {}

    def reused(self, name: str, request: Any, app: Any, build: Callable[[], Any]) -> Any:
        if SIDE_EFFECTS & set(request.fixturenames):
            return build()
        conditions = [current_app.config.get(setting) for setting in CONDITIONS]
        key = hashlib.sha1(repr((name, conditions, _rows_per_table())).encode()).hexdigest()[:16]
        db.session.commit()
        db.engine.dispose()  # every connection closed: the database may be copied
        if key in self.kept:
            app.restore_database(self.folder / key)
            self._storage(self.folder / key / "storage", app.storage)
            db.session.expire_all()
            held = _read_rows(self.kept[key])
            value = _loaded(self.kept[key])
            del held
            return value
        value = build()
        db.session.commit()
        db.engine.dispose()
        (self.folder / key).mkdir(exist_ok=True)  # a save that failed may have left it
        app.save_database(self.folder / key)
        self._storage(app.storage, self.folder / key / "storage")
        self.kept[key] = _kept(value)
        return value

    @staticmethod
    def _storage(source: Path, target: Path) -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory) -> Snapshots:
    return Snapshots(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def reuse(request, snapshots, shared_app, app) -> Callable[[str, Callable[[], Any]], Any]:
    """`reuse(name, build)`: the value of `build()`, built once per process for the rows the
    database holds when it is asked."""
    return lambda name, build: snapshots.reused(name, request, shared_app[0], build)
