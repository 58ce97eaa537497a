"""The build job: a queued build carried out step by step, each step in its own unit of work,
so the page polling the build's row sees its progress. Pandoc runs between the steps, outside
any transaction. Whatever goes wrong ends the build as failed, with the reason, and removes
its folder; the last good book stays. The build runs as a `contest.platform.jobs` job queued
with it, so a worker killed mid-build leaves a failed build (with the reason) at the next
start-up, never one "running" for ever that refuses every later build."""

from __future__ import annotations

import logging
import shutil

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from anthology import render
from anthology.errors import BookBuildError
from anthology.models import UNFINISHED_BUILD_STATES, AnthologyBuild, BuildState, BuildStep
from anthology.services import builds
from contest.models import Contest
from contest.platform import jobs
from contest.platform.db import utcnow
from contest.platform.errors import DomainError
from contest.platform.states import advance
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# The steps in the order `render.write_book` takes them: the EPUB lists the PDF's pages.
STEP_PERCENT = {BuildStep.ASSEMBLE: 10, BuildStep.DOCX: 20, BuildStep.PDF: 40, BuildStep.EPUB: 75}


def _record_step(build_id: int, step: BuildStep) -> None:
    """Progress, committed on its own so the page sees it while pandoc works."""
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        build.step, build.percent = step, STEP_PERCENT[step]


def _finish(build_id: int, state: BuildState, error: str = "", notes: list[str] = ()) -> None:
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        advance(build, state)
        build.error, build.finished_at = error, utcnow()
        build.notes = "\n".join(notes)
        if state == BuildState.DONE:
            build.step, build.percent = BuildStep.DONE, 100


def run_build(build_id: int, bleed_mm: float = 0) -> None:
    """Carry out a queued build. Needs an app context; commits only through units of work."""
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, build_id)
        advance(build, BuildState.RUNNING)
        build.step, build.percent = BuildStep.ASSEMBLE, STEP_PERCENT[BuildStep.ASSEMBLE]
        contest_id, formats = build.contest_id, build.format_list
        files = file_store()
        folder = files.path(build.folder)
    try:
        if folder is None:  # a row naming a place outside the store: nothing written there
            raise BookBuildError(_l("Thư mục của bản dựng nằm ngoài kho tệp."))
        with render.work_folder(folder) as work:
            with unit_of_work() as uow:  # reads only: the book leaves it as plain data
                contest = uow.session.get(Contest, contest_id)
                book, page = builds.assemble_book(
                    uow.session, contest, work, bleed_mm=bleed_mm, now=utcnow(), files=files
                )
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
        _finish(build_id, BuildState.DONE, notes=book.notes)
    except Exception as error:  # every failure ends the build, never leaves it "running"
        if not isinstance(error, DomainError):
            log.exception("anthology build %s failed", build_id)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        _finish(build_id, BuildState.FAILED, str(error) or type(error).__name__)


def _run_job(payload: dict) -> None:
    """The job's work; a failed build fails its job too, once (the page starts a new one)."""
    run_build(payload["build_id"], payload.get("bleed_mm", 0))
    with unit_of_work() as uow:
        build = uow.session.get(AnthologyBuild, payload["build_id"])
        if build.state == BuildState.FAILED:
            raise BookBuildError(build.error)


def _abandoned(session: Session, payload: dict) -> None:
    """Its worker died: the build failed, its half-written folder goes."""
    build = session.get(AnthologyBuild, payload["build_id"])
    if build is not None and build.state in UNFINISHED_BUILD_STATES:
        advance(build, BuildState.FAILED)
        build.error = str(_l("Máy chủ dừng hoặc khởi động lại trong khi dựng sách."))
        build.finished_at = utcnow()
        folder = file_store().path(build.folder)
        if folder is not None:  # never a place outside the store a row may name
            shutil.rmtree(folder, ignore_errors=True)


def init_app(app: Flask) -> None:
    """The book build is a kind of job."""
    jobs.register(
        app,
        builds.BUILD_JOB,
        jobs.JobKind(
            run=_run_job, label=_l("Dựng tuyển tập"), on_abandoned=_abandoned, retry_from_page=False
        ),
    )
