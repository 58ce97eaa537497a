"""The build job: a queued build carried out step by step, each step in its own unit of work,
so the page polling the build's row sees its progress. Pandoc runs between the steps, outside
any transaction. Whatever goes wrong ends the build as failed, with the reason, and removes
its folder; the last good book stays."""

from __future__ import annotations

import logging
import os
import shutil
import threading

from flask import Flask

from anthology import render
from anthology.models import AnthologyBuild, BuildState, BuildStep
from anthology.services import builds
from contest import storage
from contest.db import db, utcnow
from contest.errors import DomainError
from contest.models import Contest
from contest.states import advance
from contest.uow import unit_of_work

log = logging.getLogger(__name__)

STEP_PERCENT = {BuildStep.ASSEMBLE: 10, BuildStep.DOCX: 35, BuildStep.EPUB: 70}


def _record_step(build_id: int, step: BuildStep) -> None:
    """Progress, committed on its own so the page sees it while pandoc works."""
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        build.step, build.percent = step, STEP_PERCENT[step]


def _finish(build_id: int, state: BuildState, error: str = "") -> None:
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        advance(build, state)
        build.error, build.finished_at = error, utcnow()
        if state == BuildState.DONE:
            build.step, build.percent = BuildStep.DONE, 100


def run_build(build_id: int) -> None:
    """Carry out a queued build. Needs an app context; commits only through units of work."""
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        advance(build, BuildState.RUNNING)
        build.step, build.percent = BuildStep.ASSEMBLE, STEP_PERCENT[BuildStep.ASSEMBLE]
        contest_id, formats = build.contest_id, build.format_list
        folder = os.path.join(storage.root(), build.folder)
    try:
        with render.work_folder(folder) as work:
            with unit_of_work() as uow:  # reads only: the book leaves it as plain data
                contest = uow.session.get(Contest, contest_id)
                book, page = builds.assemble_book(uow.session, contest, work)
            render.write_book(
                book,
                page,
                formats,
                work,
                folder,
                timeout=builds.pandoc_timeout(),
                before_format=lambda fmt: _record_step(build_id, BuildStep(fmt)),
            )
        # Inside the guard: if recording success fails, the files go and the build fails.
        _finish(build_id, BuildState.DONE)
    except Exception as error:  # every failure ends the build, never leaves it "running"
        if not isinstance(error, DomainError):
            log.exception("anthology build %s failed", build_id)
        shutil.rmtree(folder, ignore_errors=True)
        _finish(build_id, BuildState.FAILED, str(error) or type(error).__name__)


def run_in_background(app: Flask, build_id: int) -> threading.Thread:
    """A thread with its own app context and session: the page polls the build's row."""

    def work() -> None:
        with app.app_context():
            try:
                run_build(build_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"anthology-build-{build_id}", daemon=True)
    thread.start()
    return thread


def launch(app: Flask, build_id: int) -> None:
    """Run a committed, queued build: at once when ANTHOLOGY_BUILD_INLINE (tests), else in the
    background."""
    if app.config.get("ANTHOLOGY_BUILD_INLINE"):
        run_build(build_id)
    else:
        run_in_background(app, build_id)
