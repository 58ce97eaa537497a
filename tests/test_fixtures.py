"""The test set-up itself: one app per process given back as new to each test, and set-ups
built once and restored (tests/plugins/snapshots.py) with their rows and files."""

from __future__ import annotations

import os

from sqlalchemy import func, select, text

from contest.models import Unit
from contest.platform import storage
from contest.platform.db import db
from tests.plugins.apps import ON_POSTGRESQL


def _commune(builds: list[str]) -> dict:
    builds.append("built")
    unit = Unit(code="PROBE", name="Xã Thử", kind="commune")
    db.session.add(unit)
    storage.file_store().write_file(db.session, "probe/note.txt", "Bản Mòng".encode())
    db.session.commit()
    return {"unit": unit, "label": "thử"}


def _next_test(shared_app) -> None:
    """What the next test starts from: the session ended, an empty database and store."""
    db.session.remove()
    shared_app[0].reset()


def test_a_set_up_is_built_once_then_restored_with_its_rows_and_files(app, reuse, shared_app):
    builds: list[str] = []
    first = reuse("probe", lambda: _commune(builds))
    unit_id = first["unit"].id
    _next_test(shared_app)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    assert not os.path.exists(os.path.join(storage.file_store().root, "probe"))
    again = reuse("probe", lambda: _commune(builds))
    assert builds == ["built"]
    assert (again["unit"].id, again["unit"].name, again["label"]) == (unit_id, "Xã Thử", "thử")
    assert db.session.scalar(select(Unit.code).where(Unit.id == unit_id)) == "PROBE"
    with open(os.path.join(storage.file_store().root, "probe", "note.txt"), encoding="utf-8") as fh:
        assert fh.read() == "Bản Mòng"


def test_a_set_up_with_mail_is_built_each_time(app, reuse, shared_app, mail_on):
    builds: list[str] = []
    reuse("probe with mail", lambda: _commune(builds))
    _next_test(shared_app)
    reuse("probe with mail", lambda: _commune(builds))
    assert builds == ["built", "built"]


def test_the_next_test_starts_from_the_app_as_made(app, shared_app):
    assert app.config["JOBS_RUNNER"] == "manual" and "PROBE_SETTING" not in app.config
    app.config["PROBE_SETTING"] = "thử"
    app.extensions["job_kinds"]["probe"] = object()
    storage.file_store().write_file(db.session, "left/behind.txt", b"x")
    db.session.add(Unit(code="LEFT", name="Xã Còn", kind="commune"))
    db.session.commit()
    _next_test(shared_app)
    assert "PROBE_SETTING" not in app.config and "probe" not in app.extensions["job_kinds"]
    assert not os.path.exists(os.path.join(storage.file_store().root, "left"))
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_an_app_made_elsewhere_makes_the_shared_one_again(app, shared_app, tmp_path):
    """Another app re-points the module-level limiter: the shared app is made anew."""
    from wsgi import create_app

    assert not shared_app[0].stale()
    create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
            "STORAGE_DIR": str(tmp_path / "storage"),
            "RATELIMIT_STORAGE_URI": f"sqlite-file://{tmp_path / 'throttle.sqlite'}",
        }
    )
    assert shared_app[0].stale()


def test_the_next_test_gets_its_ids_from_one_and_the_audit_guard_back(app, shared_app):
    """On PostgreSQL the database is emptied in place, not copied again (tests/postgres.py):
    ids still start from one, and a schema a test changed (here the audit trail's guard
    dropped) is copied again from the template."""
    guard = "audit_event_no_truncate ON audit_event" if ON_POSTGRESQL else "audit_event_no_delete"
    for code in ("A1", "A2"):
        db.session.add(Unit(code=code, name=f"Xã {code}", kind="commune"))
    db.session.commit()
    _next_test(shared_app)
    unit = Unit(code="B1", name="Xã B1", kind="commune")
    db.session.add(unit)
    db.session.commit()
    assert unit.id == 1
    db.session.execute(text(f"DROP TRIGGER {guard}"))
    db.session.commit()
    _next_test(shared_app)
    triggers = (
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        if ON_POSTGRESQL
        else "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    )
    assert guard.split()[0] in db.session.scalars(text(triggers)).all()
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
