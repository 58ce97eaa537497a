"""The app a test runs: one per pytest process, given back to each test as if new
(`SharedApp`), its schema built once by the migrations; on PostgreSQL a server per process."""

from __future__ import annotations

import copy
import shutil
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from contest.platform.db import db
from contest.platform.throttle import limiter
from tests import postgres
from wsgi import create_app

ON_POSTGRESQL = postgres.wanted()
_server: postgres.Server | None = None


def pytest_configure(config):
    """Apps a test restarts (`make_app` again) and the threads of the race tests leave pooled
    connections to the garbage collector: sqlite3 closes them silently, psycopg warns."""
    if ON_POSTGRESQL:
        config.addinivalue_line(
            "filterwarnings", "ignore:.*was deleted while still open:ResourceWarning"
        )


@pytest.fixture(scope="session", autouse=ON_POSTGRESQL)
def postgres_server():
    """The PostgreSQL pass's own server, one per pytest process (see tests/postgres.py)."""
    global _server
    _server = postgres.Server()
    yield _server
    _server.stop()
    _server = None


def database_url(folder) -> str:
    """The database of a test folder: a file in it, or on PostgreSQL a database named after it
    (created empty, as a new server before `db upgrade`)."""
    if not ON_POSTGRESQL:
        return f"sqlite:///{folder / 'test.sqlite'}"
    name = postgres.database_name(folder)
    if not _server.exists(name):
        _server.create(name)
    return _server.url(name)


def copy_schema(schema, folder) -> None:
    """Give the folder a copy of the migrated, empty schema (`migrated_database`)."""
    if ON_POSTGRESQL:
        _server.create(postgres.database_name(folder), template=schema)
    else:
        shutil.copy(schema, folder / "test.sqlite")


def copy_database(source: Path, target: Path) -> None:
    """The database of the app in folder `source`, every connection to it closed, copied as
    the database of folder `target` (a file on SQLite, a template database on PostgreSQL)."""
    if ON_POSTGRESQL:
        name = postgres.database_name(target)
        _server.drop(name)
        _server.create(name, template=postgres.database_name(source))
    else:
        # SQLite's backup reads what the write-ahead log holds too, should a connection be
        # left open (a job runner's).
        _sqlite_leftovers(target)
        reader = sqlite3.connect(source / "test.sqlite")
        writer = sqlite3.connect(target / "test.sqlite")
        try:
            reader.backup(writer)
        finally:
            writer.close()
            reader.close()


def _sqlite_leftovers(folder: Path) -> None:
    """SQLite's journal files of a database about to be replaced."""
    for leftover in ("test.sqlite-wal", "test.sqlite-shm"):
        (folder / leftover).unlink(missing_ok=True)


def make_app(folder, **extra):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url(folder),
            "STORAGE_DIR": str(folder / "storage"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "JOBS_RUNNER": "manual",
            "RATELIMIT_STORAGE_URI": f"sqlite-file://{folder}/throttle.sqlite",
            **extra,
        }
    )


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """The schema built once by the migrations; each test gets its own copy of the file (on
    PostgreSQL: of the template database)."""
    folder = tmp_path_factory.mktemp("schema")
    app = make_app(folder)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    if ON_POSTGRESQL:
        _server.create(postgres.TEMPLATE, template=postgres.database_name(folder))
        return postgres.TEMPLATE
    return folder / "test.sqlite"


class SharedApp:
    """One app per pytest process, given back to each test as if new: a fresh copy of the
    migrated schema at the same address, an empty file store, no throttle counts, and its
    configuration and extensions as made. Building an app costs a tenth of a second (the URL
    rules) and its first pages compile their templates; a thousand tests paid that each.
    It is made again when another app was made since (the module-level limiter follows the
    newest app, whether made by `make_app` or `create_app`) or when a job-runner thread was
    started on it (the thread would outlive the test)."""

    def __init__(self, folder: Path, schema) -> None:
        self.folder, self.schema = folder, schema
        self.app = make_app(folder)
        self.throttle = limiter.storage
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = dict(self.app.extensions)

    def stale(self) -> bool:
        return limiter.storage is not self.throttle or self.extensions["jobs"].thread is not None

    def reset(self) -> Flask:
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        self.app.extensions.clear()  # registries (the job kinds) as made, not as a test left them
        self.app.extensions.update(
            {k: dict(v) if isinstance(v, dict) else v for k, v in self.extensions.items()}
        )
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
            limiter.reset()
            # Should the counters' file have failed once under load, Flask-Limiter counts on
            # in its memory until it finds the file again: that memory is not the file's to
            # reset, so the next test starts from the file, with the memory cleared.
            if limiter._fallback_storage is not None:
                limiter._fallback_storage.reset()
            limiter._storage_dead = False
        if not (ON_POSTGRESQL and _server.empty(postgres.database_name(self.folder), self.schema)):
            if ON_POSTGRESQL:
                _server.drop(postgres.database_name(self.folder))
            _sqlite_leftovers(self.folder)
            copy_schema(self.schema, self.folder)
        for stored in self.storage.iterdir():  # the folder itself as made
            if stored.is_dir() and not stored.is_symlink():
                shutil.rmtree(stored)
            else:
                stored.unlink()
        return self.app

    @property
    def storage(self) -> Path:
        return self.folder / "storage"

    def save_database(self, folder: Path) -> None:
        """A copy of the database as it is (every connection closed) for `restore_database`."""
        copy_database(self.folder, folder)

    def restore_database(self, folder: Path) -> None:
        copy_database(folder, self.folder)


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, migrated_database):
    folder = tmp_path_factory.mktemp("app")
    copy_schema(migrated_database, folder)
    return [SharedApp(folder, migrated_database)]


@pytest.fixture
def awarded_demo(runner, reuse) -> None:
    """The demo judged and awarded, as `flask demo --entries 30 --seed 11 --through awarded`
    leaves it (loaded once per process)."""
    reuse("awarded demo", lambda: _load_demo(runner))


def _load_demo(runner) -> None:
    result = runner.invoke(args=["demo", "--entries", "30", "--seed", "11", "--through", "awarded"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def app_folder(app) -> Path:
    """The folder of the test's app: its database (SQLite) and its file store. An app made
    with `make_app(app_folder)` is a restart of the test's."""
    return Path(app.config["STORAGE_DIR"]).parent


@pytest.fixture
def app(shared_app, tmp_path_factory, migrated_database):
    if shared_app[0].stale():
        shared_app[0] = SharedApp(tmp_path_factory.mktemp("app"), migrated_database)
    app = shared_app[0].reset()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
