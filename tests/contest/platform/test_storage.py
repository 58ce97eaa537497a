"""The local storage backend, which several web nodes share as one mounted volume: its root
comes from the configuration, nothing is written outside it, a file or an entry's folder
appears whole or not at all, and what a killed writer left is swept at the next start. A
service writes into the store it is handed, whichever folder that is."""

from __future__ import annotations

import os
import time

import pytest

from contest.documents.intake import extract_typed
from contest.platform import storage
from contest.platform.db import db
from contest.platform.storage import FileStore
from contest.services.entries import Subject, create_entry
from tests.plugins.apps import database_url
from tests.plugins.factories import NOW, vietnamese_essay
from wsgi import create_app


def test_the_root_is_configurable_for_a_shared_volume(tmp_path, monkeypatch):
    shared = tmp_path / "shared-volume"
    monkeypatch.setenv("GUONGSANG_STORAGE_DIR", str(shared))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "JOBS_RUNNER": "manual",
        }
    )
    with app.app_context():
        assert storage.file_store().root == str(shared)
        assert storage.file_store().entry_dir("k") == str(shared / "entries" / "k")
    assert os.stat(shared).st_mode & 0o777 == 0o700  # the service user's alone


@pytest.mark.parametrize(
    "relative", ["../secret", "/etc/hostname", "covers/../../outside", "a/../../b"]
)
def test_nothing_is_written_outside_the_root(app, relative):
    store = storage.file_store()
    with pytest.raises(ValueError, match="outside the storage folder"):
        store.write_file(db.session, relative, b"x")
    assert store.path(relative) is None


def test_a_symlink_out_of_the_root_is_refused(app, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    store = storage.file_store()
    os.symlink(outside, os.path.join(store.root, "link"))
    assert store.path("link/file") is None


def test_a_file_stays_on_commit_and_goes_on_rollback(app, tmp_path):
    store = FileStore(str(tmp_path / "any-folder"))  # not the app's: the store it is handed
    kept = store.write_file(db.session, "covers/a.jpg", b"kept")
    db.session.commit()
    dropped = store.write_file(db.session, "covers/b.jpg", b"dropped")
    db.session.rollback()
    with open(kept, "rb") as fh:
        assert fh.read() == b"kept"
    assert not os.path.exists(dropped)


def test_a_failed_write_leaves_neither_the_file_nor_its_staging_copy(app, monkeypatch):
    root = storage.file_store().root
    target = os.path.join(root, "book.pdf")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        storage.write_whole(target, b"%PDF")
    assert os.listdir(root) == []


def test_an_entry_folder_appears_whole_or_not_at_all(app):
    store = storage.file_store()
    store.write_entry_files(
        db.session, "k1", ("bai.DOCX", b"PK"), {"media/a.png": b"png", "media/../../x": b"no"}
    )
    db.session.commit()
    folder = store.entry_dir("k1")
    assert sorted(os.listdir(folder)) == ["media", "original.docx"]
    assert os.listdir(os.path.join(folder, "media")) == ["a.png"]  # the escaping name dropped
    store.write_entry_files(db.session, "k2", None, {"media/b.png": b"png"})
    db.session.rollback()
    assert not os.path.exists(store.entry_dir("k2"))
    staged = [n for n in os.listdir(os.path.dirname(folder)) if n.startswith(".staging-")]
    assert staged == []


def test_the_sweep_removes_only_old_staging_left_by_a_killed_writer(app):
    base = storage.file_store().root
    old_file = os.path.join(base, ".staging-old")
    old_folder = os.path.join(base, "entries", ".staging-old-folder")
    young = os.path.join(base, ".staging-young")
    ordinary = os.path.join(base, "cover.jpg")
    os.makedirs(old_folder)
    for path in (old_file, young, ordinary):
        with open(path, "wb") as fh:
            fh.write(b"x")
    hour_ago = time.time() - 7200
    for path in (old_file, old_folder, ordinary):
        os.utime(path, (hour_ago, hour_ago))
    assert storage.sweep_staging(base) == 2
    assert sorted(os.listdir(base)) == [".staging-young", "cover.jpg", "entries"]
    assert os.listdir(os.path.join(base, "entries")) == []


def test_a_service_keeps_an_entry_in_the_store_it_is_handed(app, world, tmp_path):
    """`create_entry` looks no folder up: the original goes where its caller's store says."""
    store = FileStore(str(tmp_path / "elsewhere"))
    entry = create_entry(
        db.session,
        files=store,
        contest=world["contest"],
        author=world["users"]["entrant_a"],
        author_unit=world["users"]["entrant_a"].unit,
        title="Bài gửi bằng tệp",
        subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
        essay=extract_typed(vietnamese_essay(60)),
        original=("bai.txt", b"van ban"),
        declarations_accepted=True,
        now=NOW,
        submit=True,
    )
    db.session.commit()
    assert os.listdir(store.entry_dir(entry.storage_key)) == ["original.txt"]
    assert not os.path.exists(storage.file_store().entry_dir(entry.storage_key))
