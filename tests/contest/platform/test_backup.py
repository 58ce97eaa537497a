"""Backups that restore: a round trip into a new instance gives the same answers and the same
bytes; a damaged, tampered or hostile archive, or an instance in use, is refused unchanged."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tarfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from unittest.mock import patch

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from contest.platform.backup import databases, stored_files
from contest.platform.db import db, migrate
from contest.services.accounts import create_user
from tests.plugins.apps import ON_POSTGRESQL, copy_schema, make_app
from tests.plugins.documents import docx_bytes
from tests.plugins.factories import uploaded_entry, vietnamese_essay

SLUG = "son-la-2019"


@pytest.fixture
def filled(app, world, make_entry):
    """The small province with entries sent as files (so storage holds originals), a typed one,
    and scratch a killed process would leave in storage, which no backup should carry."""
    for author in (world["users"]["entrant_a"], world["users"]["entrant_b"]):
        data = docx_bytes([vietnamese_essay(50, seed=author.full_name)])
        uploaded_entry(world["contest"], author, "bai.docx", data)
    db.session.commit()
    make_entry(world["users"]["entrant_b"])
    storage = app.config["STORAGE_DIR"]
    os.makedirs(os.path.join(storage, "entries", ".staging-killed"))
    with open(os.path.join(storage, "entries", ".staging-killed", "original.docx"), "wb") as fh:
        fh.write(b"half written")
    os.makedirs(os.path.join(storage, "anthology", SLUG, "build-9", ".work-x"))
    with open(os.path.join(storage, "anthology", SLUG, "build-9", ".work-x", "a.md"), "w") as fh:
        fh.write("scratch")
    return world


@pytest.fixture
def archive(app, runner, filled, tmp_path) -> str:
    path = tmp_path / "backups" / "guong-sang.tar.gz"
    path.parent.mkdir()
    result = runner.invoke(args=["backup", "create", "--out", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 tệp lưu trữ" in result.output
    return str(path)


@contextmanager
def instance(folder, schema=None) -> Iterator:
    """Another instance of the app, in its own folder: no database file at all (a new server
    before `db upgrade`), or a copy of `schema` (migrated and empty)."""
    folder.mkdir()
    if schema is not None:
        copy_schema(schema, folder)
    other = make_app(folder)
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def statuses(app) -> tuple[dict, dict]:
    runner = app.test_cli_runner()
    contest = runner.invoke(args=["contest", "status", SLUG, "--json"])
    judging = runner.invoke(args=["judging", "status", SLUG, "--json"])
    assert contest.exit_code == 0 and judging.exit_code == 0, contest.output + judging.output
    return json.loads(contest.output), json.loads(judging.output)


def stored_bytes(app) -> dict[str, bytes]:
    storage = Path(app.config["STORAGE_DIR"])
    return {path: (storage / path).read_bytes() for path in stored_files(str(storage))}


def snapshot(app) -> tuple[list[str] | None, list[str]]:
    """The database's content as SQL (its file's bytes move when the WAL is checkpointed) and
    every path under storage, scratch included."""
    database = db.engine.url.database
    data = None
    if ON_POSTGRESQL:
        with db.engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            data = [
                f"{table.name}: {row}"
                for table in db.metadata.sorted_tables
                if table.name in present
                for row in connection.execute(select(table).order_by(*table.primary_key))
            ]
    elif os.path.exists(database):
        with closing(sqlite3.connect(database)) as connection:
            data = list(connection.iterdump())
    storage = app.config["STORAGE_DIR"]
    return data, sorted(os.path.join(d, n) for d, ns, fs in os.walk(storage) for n in ns + fs)


def restore(app, path: str, *extra: str):
    return app.test_cli_runner().invoke(args=["backup", "restore", path, *extra])


def test_round_trip_into_a_new_instance_gives_the_same_answers_and_bytes(app, archive, tmp_path):
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert os.listdir(os.path.dirname(archive)) == ["guong-sang.tar.gz"]  # no temporary left
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert [m["path"] for m in manifest["members"]] == names[1:]
    assert not any(".staging-" in n or ".work-" in n for n in names)
    assert manifest["database_kind"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    assert manifest["alembic_revision"]
    expected, files = statuses(app), stored_bytes(app)
    assert len(files) == 2

    with instance(tmp_path / "new") as new:
        result = restore(new, archive)
        assert result.exit_code == 0, result.output
        assert "1 cuộc thi" in result.output and "3 bài" in result.output
        assert statuses(new) == expected
        assert stored_bytes(new) == files


def test_an_instance_in_use_is_refused_unless_forced(app, archive, tmp_path, migrated_database):
    with instance(tmp_path / "used", schema=migrated_database) as used:
        create_user(
            db.session,
            full_name="Người đã có",
            email="co@example.com",
            phone=None,
            password="matkhau-2019",
            role="entrant",
            unit=None,
        )
        db.session.commit()
        stray = os.path.join(used.config["STORAGE_DIR"], "entries", "cu", "original.txt")
        os.makedirs(os.path.dirname(stray))
        with open(stray, "w") as fh:
            fh.write("cũ")
        before = snapshot(used)

        refused = restore(used, archive)
        assert refused.exit_code == 1
        assert "--force" in refused.output and "Traceback" not in refused.output
        assert snapshot(used) == before

        forced = restore(used, archive, "--force")
        assert forced.exit_code == 0, forced.output
        assert statuses(used) == statuses(app)
        assert stored_bytes(used) == stored_bytes(app)  # the stray file is gone


def repack(source: str, target: str, change: Callable[[tarfile.TarInfo, bytes], list]) -> str:
    """Copy an archive member by member; `change` returns what to write for each member:
    [] to leave it out, or (TarInfo, bytes) pairs."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            for new_info, data in change(info, old.extractfile(info).read()):
                new_info.size = len(data)
                new.addfile(new_info, io.BytesIO(data))
    return target


def one_byte_changed(info, data):
    if info.name.startswith("storage/"):
        data = bytes([data[0] ^ 1]) + data[1:]
    return [(info, data)]


def newer_revision(info, data):
    if info.name == "manifest.json":
        data = data.replace(b'"alembic_revision": "', b'"alembic_revision": "f0f0')
    return [(info, data)]


def with_member(name: str, kind: bytes = tarfile.REGTYPE, listed: bool = False):
    """An extra member `name` (a file or a link to /etc/passwd), listed in the manifest or not."""

    def change(info, data):
        if info.name != "manifest.json":
            return [(info, data)]
        extra = tarfile.TarInfo(name)
        extra.type, extra.linkname = kind, "/etc/passwd" if kind != tarfile.REGTYPE else ""
        if listed:
            manifest = json.loads(data)
            manifest["members"].append({"path": name, "size": 4, "sha256": "0" * 64})
            data = json.dumps(manifest).encode()
        return [(info, data), (extra, b"evil" if kind == tarfile.REGTYPE else b"")]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (one_byte_changed, "không khớp với manifest"),
        (newer_revision, "không biết"),
        (with_member("../evil"), "không an toàn"),
        (with_member("storage/../../evil"), "không an toàn"),
        (with_member("/tmp/evil"), "không an toàn"),
        (with_member("../evil", listed=True), "không an toàn"),
        (with_member("storage/entries/link", tarfile.SYMTYPE, listed=True), "không phải tệp"),
        (with_member("storage/entries/hard", tarfile.LNKTYPE, listed=True), "không phải tệp"),
        (with_member("storage/unlisted"), "không khớp với manifest"),
        (lambda info, data: [] if info.name == "manifest.json" else [(info, data)], "manifest"),
        (lambda info, data: [] if info.name.startswith("storage/") else [(info, data)], "khớp"),
    ],
)
def test_a_tampered_or_hostile_archive_is_refused_and_changes_nothing(
    archive, tmp_path, migrated_database, change, message
):
    bad = repack(archive, str(tmp_path / "bad.tar.gz"), change)
    with instance(tmp_path / "target", schema=migrated_database) as target:
        before = snapshot(target)
        result = restore(target, bad)
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
        assert snapshot(target) == before
    assert not (tmp_path / "evil").exists() and not os.path.exists("/tmp/evil")


def test_a_damaged_file_is_refused(archive, tmp_path):
    data = bytearray(Path(archive).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "damaged.tar.gz").write_bytes(bytes(data))
    (tmp_path / "not-a-backup.tar.gz").write_bytes(b"hello")
    with instance(tmp_path / "target") as target:
        for name in ("damaged.tar.gz", "not-a-backup.tar.gz"):
            result = restore(target, str(tmp_path / name))
            assert result.exit_code == 1 and "Traceback" not in result.output
            assert "bản sao lưu" in result.output.lower()
        assert stored_files(target.config["STORAGE_DIR"]) == []


def test_an_older_backup_is_migrated_up_to_the_code(tmp_path):
    with instance(tmp_path / "old") as old:
        script = ScriptDirectory.from_config(migrate.get_config())
        head = script.get_current_head()
        previous = script.get_revision(head).down_revision
        upgrade(revision=previous)
        result = old.test_cli_runner().invoke(
            args=["backup", "create", "--out", str(tmp_path / "old.tar.gz")]
        )
        assert result.exit_code == 0, result.output
    with instance(tmp_path / "new") as new:
        result = restore(new, str(tmp_path / "old.tar.gz"))
        assert result.exit_code == 0, result.output
        assert f"lên {head}" in result.output
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head


def test_a_backup_into_a_missing_folder_says_so(runner, world, tmp_path):
    result = runner.invoke(args=["backup", "create", "--out", str(tmp_path / "no" / "b.tar.gz")])
    assert result.exit_code == 1 and "Không có thư mục" in result.output


@pytest.mark.sqlite_only
def test_a_backup_while_a_writer_holds_its_transaction_takes_the_committed_state(
    app, runner, filled, tmp_path
):
    """The app keeps running: a request in the middle of writing neither blocks the backup
    nor leaks its uncommitted row into it."""
    with closing(sqlite3.connect(db.engine.url.database, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE contest SET title = 'chưa lưu'")
        result = runner.invoke(args=["backup", "create", "--out", str(tmp_path / "live.tar.gz")])
        writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.output
    with tarfile.open(tmp_path / "live.tar.gz") as tar:
        (tmp_path / "live.sqlite").write_bytes(tar.extractfile("database/guong-sang.sqlite").read())
    with closing(sqlite3.connect(tmp_path / "live.sqlite")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT title FROM contest").fetchone() == ("Cuộc thi viết 2019",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_backup_inside_storage_is_refused(app, runner, world):
    out = os.path.join(app.config["STORAGE_DIR"], "b.tar.gz")
    result = runner.invoke(args=["backup", "create", "--out", out])
    assert result.exit_code == 1 and "thư mục lưu trữ" in result.output
    assert os.listdir(app.config["STORAGE_DIR"]) == []


@pytest.mark.sqlite_only
def test_restoring_over_a_locked_database_says_so(archive, tmp_path, migrated_database):
    """A web server still writing holds the lock: the restore gives up with a message
    (Python's own backup loop would wait for ever) and leaves storage as it was."""
    with instance(tmp_path / "busy", schema=migrated_database) as busy:
        with closing(sqlite3.connect(db.engine.url.database, isolation_level=None)) as server:
            server.execute("BEGIN IMMEDIATE")
            with patch.object(databases, "SQLITE_LOCK_TIMEOUT_SECONDS", 0.1):
                result = restore(busy, archive)
            server.execute("ROLLBACK")
        assert result.exit_code == 1 and "locked" in result.output, result.output
        assert stored_files(busy.config["STORAGE_DIR"]) == []


def test_an_archive_that_would_not_fit_is_refused_before_unpacking(
    archive, tmp_path, migrated_database, monkeypatch
):
    """A tar bomb declares its real sizes (each member is held to them): refused at once."""
    import shutil as real_shutil

    from contest.platform.backup import archive as archive_module

    usage = real_shutil.disk_usage(tmp_path)
    monkeypatch.setattr(archive_module.shutil, "disk_usage", lambda path: usage._replace(free=1024))
    with instance(tmp_path / "target", schema=migrated_database) as target:
        before = snapshot(target)
        result = restore(target, archive)
        assert result.exit_code == 1 and "không đủ chỗ" in result.output
        assert snapshot(target) == before
