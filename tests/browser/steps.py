"""What the browser tests do on the way: serve a filled database on a free port, log in,
click a button that asks first, send essays in bulk."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from contest.demo import DEMO_PASSWORD, load_demo
from contest.documents.intake import extract_typed
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work
from contest.services.accounts import create_user
from contest.services.entries import create_entry
from tests.plugins.apps import copy_database, copy_schema, make_app
from tests.plugins.factories import vietnamese_essay


def demo(*, seed: int, entries: int):
    return lambda session: load_demo(
        session, file_store(), seed=seed, entries=entries, now=utcnow()
    )


# Per process: what `serve` filled once under a key (a demo's arguments) → the folder keeping
# its database and file store, copied for the later tests that ask for the same.
_FILLED: dict[tuple, Path] = {}


def serve(tmp_path, migrated_database, fill, reuse_as: tuple | None = None):
    """A fresh database that `fill(session)` sets up in one unit of work, served on a free
    loopback port until the test ends. With `reuse_as`, the first fill in this process is
    kept and later tests with the same key get a copy of it (a demo costs seconds)."""
    kept = _FILLED.get(reuse_as) if reuse_as is not None else None
    if kept is not None:
        copy_database(kept, tmp_path)
        shutil.copytree(kept / "storage", tmp_path / "storage", symlinks=True)
    else:
        # Filled by an app without a job runner: no thread holds the database while it is
        # copied, and the served app starts its jobs the same way whether filled or copied.
        copy_schema(migrated_database, tmp_path)
        filler = make_app(tmp_path)
        with filler.app_context():
            with unit_of_work() as uow:
                fill(uow.session)
            db.session.remove()
            db.engine.dispose()
        if reuse_as is not None:
            _FILLED[reuse_as] = _keep(tmp_path)
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, TESTING=False, JOBS_RUNNER="thread")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def _keep(folder: Path) -> Path:
    kept = Path(tempfile.mkdtemp(prefix="filled-", dir=folder.parent))
    copy_database(folder, kept)
    shutil.copytree(folder / "storage", kept / "storage", symlinks=True)
    return kept


def click_confirmed(page, label: str) -> None:
    """Click a button that asks first (data-confirm), and say yes."""
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"button:has-text('{label}')")
    page.wait_for_load_state("networkidle")


def log_in(page, base: str, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(base + "/")


def submit_essays(session, contest, unit, people, title: str, subject) -> None:
    """One submitted typed essay of 600 words per (full name, e-mail) in `people`, by a new
    entrant of `unit`, titled `title` and its number."""
    for number, (full_name, email) in enumerate(people, start=1):
        author = create_user(
            session, full_name=full_name, email=email, phone=None, password=None, unit=unit
        )
        create_entry(
            session,
            contest=contest,
            author=author,
            author_unit=unit,
            title=f"{title} {number}",
            subject=subject,
            essay=extract_typed(vietnamese_essay(600, f"{title} {number}")),
            original=None,
            declarations_accepted=True,
            now=utcnow(),
            submit=True,
            files=file_store(),
        )
