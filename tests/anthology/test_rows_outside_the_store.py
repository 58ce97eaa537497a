"""A row naming a place outside the file store (a tampered database, a crafted restore): no
file there is read, served, written or removed. The store's `path` is the one way from a
stored name to a file."""

from __future__ import annotations

import io
import os

from PIL import Image

from anthology import tasks
from anthology.models import AnthologyBuild, BuildState
from anthology.services import builds, certificates, settings
from contest.models import ExemplarProfile
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from tests.plugins.web import login


def _outside(tmp_path, name: str, data: bytes) -> str:
    """A file outside the store, and the stored name that would reach it."""
    target = tmp_path / "outside" / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(data)
    return os.path.relpath(target, file_store().root)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (155, 28, 28)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_build_folder_outside_the_store_is_neither_written_nor_removed(finalised, tmp_path):
    keep = tmp_path / "outside" / "keep.txt"
    stored_name = _outside(tmp_path, "keep.txt", b"not the app's")
    build = builds.start_build(db.session, finalised["contest"], None)
    build.folder = os.path.dirname(stored_name)
    db.session.commit()
    tasks.run_build(build.id)
    db.session.expire_all()
    assert build.state == BuildState.FAILED and "ngoài kho tệp" in build.error
    assert sorted(os.listdir(keep.parent)) == ["keep.txt"]
    assert builds.build_file(file_store(), build, finalised["contest"].slug, "epub") is None
    # A worker that died mid-build: its folder is removed, never one outside the store.
    stuck = AnthologyBuild(
        contest_id=build.contest_id, state=BuildState.RUNNING, formats="epub", folder=build.folder
    )
    db.session.add(stuck)
    db.session.flush()
    tasks._abandoned(db.session, {"build_id": stuck.id})
    assert keep.read_bytes() == b"not the app's"


def test_a_photo_or_a_cover_outside_the_store_is_not_read(finalised, world, client, tmp_path):
    contest = finalised["contest"]
    secret = _outside(tmp_path, "secret.jpg", _jpeg())
    profile = db.session.query(ExemplarProfile).filter_by(contest_id=contest.id).first()
    profile.photo_path = secret
    book = settings.settings_for(db.session, contest)
    book.cover_path = secret
    book.certificate_template_path = secret
    db.session.commit()
    login(client, world["users"]["province"])
    assert client.get(f"/profiles/{profile.id}/photo").status_code == 404
    work = tmp_path / "work"
    made, _page = builds.assemble_book(
        db.session, contest, str(work), now=utcnow(), files=file_store()
    )
    assert made.cover is None
    assert all(p.photo is None for p in made.profiles)
    # The plain template, not the file the row names (which is no .docx at all).
    assert certificates.certificates_docx(db.session, file_store(), contest)[:2] == b"PK"
