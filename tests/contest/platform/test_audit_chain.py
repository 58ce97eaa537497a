"""The audit log is append-only and hash-chained: the chain the app writes verifies, tampering
with the database behind its back is found at the row it happened, the database refuses to
change or remove a row, and downloads of originals are recorded."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from contest.audit import ContestAction
from contest.platform import audit_chain
from contest.platform.audit import missing_guards, record_event, verify_chain
from contest.platform.db import db
from contest.platform.models import AuditEvent
from tests.plugins.apps import ON_POSTGRESQL, make_app
from tests.plugins.documents import docx_bytes
from tests.plugins.factories import uploaded_entry, vietnamese_essay
from tests.plugins.web import csrf_token, login

BEFORE = "e5f6a7b8c9d0"


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _verify(runner, *args):
    db.session.remove()  # the command reads what is stored, in its own session
    return runner.invoke(args=["audit", "verify", *args])


# The append-only guards: two triggers on SQLite, a row and a TRUNCATE trigger on PostgreSQL.
GUARDS = (
    {"audit_event_append_only", "audit_event_no_truncate"}
    if ON_POSTGRESQL
    else {"audit_event_no_update", "audit_event_no_delete"}
)
ON_TABLE = " ON audit_event" if ON_POSTGRESQL else ""


def _tamper(sql: str, **params) -> None:
    """Someone with database access: drops the guards, changes the table, puts them back."""
    if ON_POSTGRESQL:
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        db.session.execute(text(sql), params)
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        db.session.commit()
        return
    for verb in ("update", "delete"):
        db.session.execute(text(f"DROP TRIGGER audit_event_no_{verb}"))
    db.session.execute(text(sql), params)
    for verb in ("UPDATE", "DELETE"):
        db.session.execute(
            text(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
        )
    db.session.commit()


@pytest.fixture
def logged(world, make_entry):
    """A few events written by the app: entries created and submitted, one drafted."""
    make_entry(title="Bài một")
    make_entry(world["users"]["entrant_b"], title="Bài hai")
    make_entry(title="Bài ba", submit=False)
    events = [
        SimpleNamespace(
            id=e.id,
            created_at=e.created_at,
            prev_hash=e.prev_hash,
            row_hash=e.row_hash,
            content=_content(e),
        )
        for e in _events()
    ]
    assert len(events) >= 5
    return events


def test_the_chain_the_app_writes_verifies(runner, logged):
    assert logged[0].prev_hash == audit_chain.GENESIS
    for before, after in zip(logged, logged[1:], strict=False):
        assert after.prev_hash == before.row_hash
    assert len({e.row_hash for e in logged}) == len(logged)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"{len(logged)} dòng, chuỗi nguyên vẹn" in result.stdout
    assert logged[-1].row_hash in result.stdout
    report = json.loads(_verify(runner, "--json").stdout)
    assert report == {
        "rows": len(logged),
        "intact": True,
        "head": logged[-1].row_hash,
        "broken": None,
    }


def test_events_added_in_one_flush_chain_in_id_order(runner, world, logged):
    contest, actor = world["contest"], world["users"]["province"]
    added = [
        record_event(db.session, actor, contest, ContestAction.RULES_CHANGED, detail=str(n))
        for n in range(4)
    ]
    db.session.commit()
    assert [e.id for e in added] == sorted(e.id for e in added)
    assert added[0].prev_hash == logged[-1].row_hash
    for before, after in zip(added, added[1:], strict=False):
        assert after.prev_hash == before.row_hash
    assert {e.contest_id for e in added} == {contest.id}
    assert _verify(runner).exit_code == 0


def test_an_event_built_by_hand_is_chained_with_its_defaults(runner, logged):
    event = AuditEvent(object_type="Round", object_id=1, action="close")
    db.session.add(event)
    db.session.commit()
    assert (event.from_state, event.detail, event.params_json) == ("", "", "{}")
    assert event.prev_hash == logged[-1].row_hash
    assert _verify(runner).exit_code == 0


def test_a_row_edited_behind_the_apps_back_is_reported(runner, logged):
    victim = logged[len(logged) // 2]
    _tamper("UPDATE audit_event SET detail = 'đã sửa' WHERE id = :id", id=victim.id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"Dòng {victim.id} (" in result.stderr
    assert "nội dung dòng đã bị sửa sau khi ghi" in result.stderr
    report = json.loads(_verify(runner, "--json").stdout)
    assert report["intact"] is False
    assert report["broken"]["id"] == victim.id
    assert report["broken"]["fault"] == "content_changed"
    assert report["rows"] == logged.index(victim) + 1


def test_a_row_rehashed_after_an_edit_breaks_the_next_link(runner, logged):
    """Recomputing the edited row's own hash does not help: its successor no longer meets it."""
    victim, successor = logged[1], logged[2]
    forged = audit_chain.row_hash(replace(victim.content, actor_id=None), victim.prev_hash)
    _tamper(
        "UPDATE audit_event SET actor_id = NULL, row_hash = :forged WHERE id = :id",
        id=victim.id,
        forged=forged,
    )
    report = json.loads(_verify(runner, "--json").stdout)
    assert report["broken"]["id"] == successor.id
    assert report["broken"]["fault"] == "link_broken"
    assert "không nối tiếp dòng" in _verify(runner).stderr


def test_a_row_deleted_from_the_middle_is_reported(runner, logged):
    victim = logged[2]
    _tamper("DELETE FROM audit_event WHERE id = :id", id=victim.id)
    result = _verify(runner)
    assert result.exit_code == 1
    after = logged[3]
    assert f"Dòng {after.id} (" in result.stderr
    assert f"thiếu dòng giữa dòng {logged[1].id} và dòng này" in result.stderr
    report = json.loads(_verify(runner, "--json").stdout)
    assert report["broken"] == {
        "id": after.id,
        "created_at": after.created_at.isoformat(),
        "fault": "rows_missing",
        "previous_id": logged[1].id,
    }


def test_the_first_rows_deleted_are_reported(runner, logged):
    _tamper("DELETE FROM audit_event WHERE id = :id", id=logged[0].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"Dòng {logged[1].id} (" in result.stderr
    assert "thiếu các dòng đầu nhật ký" in result.stderr


def test_the_database_refuses_to_change_or_remove_a_row(logged):
    event = db.session.get(AuditEvent, logged[1].id)
    event.detail = "đã sửa"
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    for sql in (
        "UPDATE audit_event SET detail = 'x'",
        "UPDATE audit_event SET prev_hash = row_hash WHERE id = 1",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    assert [_content(e) for e in _events()] == [e.content for e in logged]
    assert verify_chain(db.session).broken is None


def test_two_rows_can_never_follow_the_same_row(logged):
    """What a second concurrent writer that read the same last row would do."""
    insert = text(
        "INSERT INTO audit_event (created_at, object_type, object_id, action, from_state,"
        " to_state, detail, params_json, prev_hash, row_hash)"
        " VALUES (:at, 'Round', 1, 'close', '', '', '', '{}', :prev, :own)"
    )
    with pytest.raises(IntegrityError, match="prev_hash"):
        db.session.execute(
            insert, {"at": datetime(2026, 1, 1), "prev": logged[-1].prev_hash, "own": "f" * 64}
        )
    db.session.rollback()
    db.session.execute(
        insert, {"at": datetime(2026, 1, 1), "prev": logged[-1].row_hash, "own": "f" * 64}
    )


def _content(event: AuditEvent) -> audit_chain.Content:
    return audit_chain.Content(
        event.created_at,
        event.actor_id,
        event.contest_id,
        event.object_type,
        event.object_id,
        event.action,
        event.from_state,
        event.to_state,
        event.detail,
        event.params_json,
    )


def test_the_canonical_form_is_stable_and_normalised():
    content = audit_chain.Content(
        datetime(2026, 11, 28, 8, 30), 3, 1, "Entry", 7, "edit", "", "", "Hòa", '{"a": 1}'
    )
    decomposed = replace(content, detail="Ho\u0300a")
    assert (
        audit_chain.canonical(content, audit_chain.GENESIS)
        == (
            '{"action":"edit","actor_id":3,"contest_id":1,"created_at":"2026-11-28T08:30:00.000000",'
            '"detail":"Hòa","from_state":"","object_id":7,"object_type":"Entry",'
            '"params_json":"{\\"a\\": 1}","prev_hash":"' + "0" * 64 + '","to_state":""}'
        ).encode()
    )
    assert audit_chain.row_hash(decomposed, "a" * 64) == audit_chain.row_hash(content, "a" * 64)
    assert audit_chain.row_hash(content, "a" * 64) != audit_chain.row_hash(content, "b" * 64)
    assert audit_chain.verify([]) == audit_chain.Verdict(0, audit_chain.GENESIS, None)


def test_reading_an_original_is_recorded(client, world):
    author, other = world["users"]["entrant_a"], world["users"]["entrant_b"]
    data = docx_bytes([vietnamese_essay(60)])
    entry = uploaded_entry(world["contest"], author, "Bài của tôi.docx", data)
    db.session.commit()
    login(client, other)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    assert client.get(f"/entries/{entry.id}/original").status_code == 404
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    login(client, world["users"]["province"])
    assert f"/entries/{entry.id}/original" in client.get(f"/entries/{entry.id}").get_data(True)
    response = client.get(f"/entries/{entry.id}/original")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    event = _events()[-1]
    assert (event.action, event.actor_id, event.object_type, event.object_id) == (
        ContestAction.ORIGINAL_DOWNLOADED,
        world["users"]["province"].id,
        "Entry",
        entry.id,
    )
    assert event.contest_id == world["contest"].id
    assert verify_chain(db.session).broken is None


def test_an_entry_without_an_original_has_none_to_download(client, world, make_entry):
    entry = make_entry()
    login(client, world["users"]["entrant_a"])
    assert client.get(f"/entries/{entry.id}/original").status_code == 404


def test_the_migration_chains_existing_rows_and_round_trips(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        for n, detail in enumerate(["", "Ho\u0300a", "bài «một»"], start=1):
            db.session.execute(
                text(
                    "INSERT INTO audit_event (created_at, object_type, object_id, action,"
                    " from_state, to_state, detail, params_json)"
                    " VALUES (:at, 'Entry', :n, 'edit', '', '', :detail, '{}')"
                ),
                {"at": datetime(2026, 11, n, 8, 0, 0, 12_000 * n), "n": n, "detail": detail},
            )
        db.session.commit()
        upgrade()
        verdict = verify_chain(db.session)
        assert (verdict.rows, verdict.broken) == (3, None)
        assert _triggers() == GUARDS
        db.session.add(AuditEvent(object_type="Entry", object_id=1, action="edit"))
        db.session.commit()
        assert verify_chain(db.session).rows == 4
        db.session.remove()
        downgrade(revision=BEFORE)
        assert _triggers() == set()
        columns = {c["name"] for c in inspect(db.engine).get_columns("audit_event")}
        assert not columns & {"prev_hash", "row_hash"}
        db.session.execute(text("DELETE FROM audit_event WHERE id = 4"))
        db.session.commit()
        upgrade()
        assert verify_chain(db.session) == verdict
        db.session.remove()
        db.engine.dispose()


def _triggers() -> set[str]:
    """The guards present (`missing_guards` names those absent)."""
    return GUARDS - set(missing_guards(db.session))


def test_verify_fails_when_the_guards_are_gone(runner, logged):
    """A doctored database restored without its triggers: the chain may still be whole, but
    the log is no longer append-only, and verify says so."""
    gone = sorted(GUARDS)[-1]
    db.session.execute(text(f"DROP TRIGGER {gone}{ON_TABLE}"))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and gone in result.output
    assert "thiếu trigger" in result.output
