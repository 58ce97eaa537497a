"""A finalised contest with a rich essay (heading, footnote, picture) and exemplar profiles,
and the demo's book settings (a new contest's book has none); its book built once per
process for the tests that only read it."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from anthology import demo
from anthology.models import BuildState
from anthology.render import FORMATS
from anthology.services import builds
from anthology.services.settings import save_settings
from contest.models import ProfileState
from contest.platform.db import db, utcnow
from contest.platform.states import advance
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.forwarding import forward_round
from contest.services.profiles import create_profile
from judging.models import Assignment
from judging.services.lifecycle import finalise
from judging.services.scoring import save_score
from tests.plugins.documents import rich_docx
from tests.plugins.factories import NOW, uploaded_entry
from tests.plugins.panels import marks_for, open_for_judging


@pytest.fixture
def finalised(world, panel, tmp_path, reuse):
    """Built once per process, restored for the tests after (tests/plugins/snapshots.py)."""
    return reuse("finalised", lambda: _finalise(world, panel, tmp_path))


def _finalise(world, panel, tmp_path):
    contest = panel["contest"]
    province = world["users"]["province"]
    author = create_user(
        db.session,
        full_name="Điêu Thị Xuân",
        email="xuan@example.com",
        phone=None,
        password="matkhau-2019",
        unit=world["units"]["SGD"],
    )
    data = rich_docx(tmp_path)
    rich = uploaded_entry(contest, author, "bai.docx", data, title="Người giữ rừng bản Mòng")
    forward_round(db.session, world["rounds"]["SGD"], None, NOW, entry_ids=[rich.id])
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 120, 60)).save(buffer, "JPEG")
    for index, (name, category, kind) in enumerate(
        [
            ("Hợp tác xã chè Shan tuyết Tà Xùa", "1.1", "collective"),
            ("Bà Cầm Thị Ánh", "2.4", "individual"),
            ("Trạm Y tế xã Chiềng Sơn", "1.5", "collective"),
        ]
    ):
        profile = create_profile(
            db.session,
            contest=contest,
            round_=world["rounds"]["SL"],
            actor=province,
            name=name,
            kind=kind,
            category=category,
            address="Sơn La",
            achievements="Thành tích tiêu biểu.",
            commendations="Bằng khen năm 2018",
            photo=("anh.jpg", buffer.getvalue()) if index == 0 else None,
            files=file_store(),
        )
        advance(profile, ProfileState.FORWARDED)
    db.session.commit()
    open_for_judging(panel, province)
    shares = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.95]
    stage = panel["stage"]
    entries = panel["entries"] + [rich]
    for entry, share in zip(entries, shares, strict=True):
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.state == "active")
        ):
            save_score(db.session, assign_, marks_for(stage, share), "", submit=True, now=NOW)
    finalise(db.session, contest, province, NOW)
    save_settings(db.session, contest, province, **demo.book_settings_values(2019))
    db.session.commit()
    return {"contest": contest, "rich": rich, "entries": entries}


def last_good_build(contest):
    """The newest build that finished, as the overview page offers it."""
    return next((b for b in builds.builds(db.session, contest) if b.state == BuildState.DONE), None)


@pytest.fixture
def default_book(finalised, tmp_path, reuse):
    """The finalised contest's book in every format, for tests that read it and change
    nothing first: built once per process (`reuse`), its files written into `tmp_path`.
    Returns format → path, as `builds.build_book` does."""
    data = reuse("default_book", lambda: built_bytes(finalised["contest"], FORMATS))
    return written_files(data, tmp_path)


def built_bytes(contest, formats) -> dict[str, bytes]:
    """The book of `contest` in `formats`, built now, as bytes (a snapshot keeps values, not
    files outside the store)."""
    with tempfile.TemporaryDirectory() as folder:
        written = builds.build_book(
            db.session, contest, folder, formats, now=utcnow(), files=file_store()
        )
        return {fmt: Path(path).read_bytes() for fmt, path in written.items()}


def written_files(data: dict[str, bytes], folder: Path) -> dict[str, str]:
    """`data` (format → bytes) written into `folder` as the build names its files."""
    paths = {}
    for fmt, content in data.items():
        path = folder / f"son-la-2019.{fmt}"
        path.write_bytes(content)
        paths[fmt] = str(path)
    return paths
