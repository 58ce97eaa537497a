"""Background work that survives restarts: every job is a row of `job` (state, attempts, last
error), queued inside the unit of work of the action that needs it and run only after that
commit, so mail never leaves for a change that was rolled back.

    jobs.enqueue(session, MAIL, {"to": …}, contest_id=…)

Each package registers the kinds it runs (`register`). With REDIS_URL, RQ workers run them
(`contest.platform.job_queue`); without, the embedded runner, one thread per process, takes
queued jobs one at a time; several processes share the table safely because a job is claimed
inside a writing transaction. At start-up, work that a dead process left "running" is marked
failed with the reason, and its kind may clean up after it; failed jobs can be queued again
from the jobs page."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.models import Job, JobState
from contest.platform.states import advance
from contest.platform.uow import after_commit, discard, unit_of_work

log = logging.getLogger(__name__)

# A failed attempt waits this long before the next one (attempt 1 → 2, 2 → 3, …).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
IDLE_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does, and what to undo when its worker died mid-way."""

    run: Callable[[dict], None]
    label: object
    on_abandoned: Callable[[Session, dict], None] | None = None
    retry_from_page: bool = True
    keep_payload: bool = True


class WorkersBusy(Exception):
    """No worker took a call that someone waits for in time."""


class CallFailed(Exception):
    """A call that someone waits for failed on the worker."""


def register(app: Flask, name: str, kind: JobKind) -> None:
    """Each package names its kinds of job for the app, in its `init_app`."""
    kinds = app.extensions.setdefault("job_kinds", {})
    assert kinds.get(name, kind) is kind, f"job kind {name} registered twice"
    kinds[name] = kind


def _kinds() -> dict[str, JobKind]:
    return current_app.extensions.get("job_kinds", {})


def kind_label(job: Job) -> str:
    return str(_kinds()[job.kind].label) if job.kind in _kinds() else job.kind


def can_retry(job: Job) -> bool:
    return (
        job.state == JobState.FAILED
        and _kinds().get(job.kind, None) is not None
        and (_kinds()[job.kind].retry_from_page)
    )


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(
    session: Session,
    kind: str,
    payload: dict,
    *,
    contest_id: int | None = None,
    max_attempts: int = 3,
    run_after: datetime | None = None,
) -> Job:
    """Queue a job in the caller's unit of work; it runs once that commits, or at
    `run_after` (naive UTC) if that is later: a deadline's work waits in the table, which
    survives restarts, and the runners read it every sweep."""
    assert kind in _kinds(), f"unknown job kind {kind}"
    job = Job(
        kind=kind,
        state=JobState.QUEUED,
        payload_json=json.dumps(payload, ensure_ascii=False),
        contest_id=contest_id,
        max_attempts=max_attempts,
        run_after=max(run_after or utcnow(), utcnow()),
    )
    session.add(job)
    session.flush()
    _wake_after_commit(session)
    return job


def retry(session: Session, job: Job) -> None:
    """Queue a failed job again, with a fresh count of attempts."""
    if not can_retry(job):
        raise InvalidInput(_l("Việc này không thể chạy lại từ đây."))
    advance(job, JobState.QUEUED)
    job.attempts, job.run_after, job.owner = 0, utcnow(), ""
    session.flush()
    _wake_after_commit(session)


def _claim_next() -> tuple[int, str, dict] | None:
    """Take the oldest job that is due, in a writing transaction: no other worker gets it.
    A runner's idle sweep only reads: the writer's lock is taken when something is due (a
    deadline booked weeks ahead keeps no one waiting)."""
    due = select(Job.id).where(Job.state == JobState.QUEUED, Job.run_after <= utcnow()).limit(1)
    with db.engine.connect() as connection:
        if connection.scalar(due) is None:
            return None
    with unit_of_work() as uow:
        job = uow.session.scalar(
            select(Job)
            .where(Job.state == JobState.QUEUED, Job.run_after <= utcnow())
            .order_by(Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job is None:
            return None
        advance(job, JobState.RUNNING)
        job.attempts += 1
        job.owner, job.started_at = this_worker(), utcnow()
        return job.id, job.kind, job.payload


def _finish(job_id: int, error: Exception | None) -> None:
    with unit_of_work() as uow:
        job = uow.session.get(Job, job_id)
        job.finished_at, job.owner = utcnow(), ""
        if error is None:
            advance(job, JobState.DONE)
            job.last_error = ""
            if not _kinds()[job.kind].keep_payload:
                job.payload_json = "{}"
            return
        job.last_error = str(error) or type(error).__name__
        if job.attempts < job.max_attempts:
            advance(job, JobState.QUEUED)
            delay = RETRY_DELAYS[min(job.attempts, len(RETRY_DELAYS)) - 1]
            job.run_after = utcnow() + delay
        else:
            advance(job, JobState.FAILED)


def run_due() -> int:
    """Run every job that is due, one after another; how many ran. Needs an app context."""
    count = 0
    while (claimed := _claim_next()) is not None:
        job_id, kind, payload = claimed
        log.info("job %s (%s) started", job_id, kind)
        try:
            _kinds()[kind].run(payload)
        except Exception as error:  # every failure is recorded on the job, never lost
            log.exception("job %s (%s) failed", job_id, kind)
            discard(db.session)
            _finish(job_id, error)
        else:
            log.info("job %s (%s) done", job_id, kind)
            _finish(job_id, None)
        count += 1
    return count


def recover_abandoned(app: Flask) -> int:
    """At start-up: jobs "running" in a process of this machine that no longer exists died
    with it. Work that can simply run again (mail) is queued again while attempts remain;
    the rest is marked failed with the reason, and its kind cleans up after it. Queued work
    (a deadline booked for later) wakes a runner."""
    with app.app_context():
        if not inspect(db.engine).has_table(Job.__tablename__):
            return 0  # before the first migration
        settled = settle_abandoned()
        waiting = db.session.scalar(select(Job.id).where(Job.state == JobState.QUEUED).limit(1))
        db.session.remove()
        if waiting is not None:  # work booked for later (a deadline) outlives the restart
            app.extensions["jobs"].wake()
        return settled


def settle_abandoned(alive_elsewhere: Callable[[str], bool] | None = None) -> int:
    """Settle the jobs that dead processes left "running" (see `recover_abandoned`); how
    many. A process of this machine is asked directly; one of another machine only through
    `alive_elsewhere` (the queue's liveness lease), else its own machine judges it. Needs an
    app context."""
    host = socket.gethostname()
    with unit_of_work() as uow:
        running = uow.session.scalars(select(Job).where(Job.state == JobState.RUNNING))
        dead = [job for job in running if _is_dead(job.owner, host, alive_elsewhere)]
        for job in dead:
            log.warning("job %s (%s) abandoned by %s", job.id, job.kind, job.owner)
            job.last_error = str(_l("Máy chủ dừng hoặc khởi động lại khi việc này đang chạy."))
            job.owner, job.finished_at = "", utcnow()
            kind = _kinds().get(job.kind)
            if kind is not None and kind.on_abandoned is None and job.attempts < job.max_attempts:
                advance(job, JobState.QUEUED)  # work that can simply run again (mail) does
                job.run_after = utcnow()
                continue
            advance(job, JobState.FAILED)
            if kind is not None and kind.on_abandoned is not None:
                kind.on_abandoned(uow.session, job.payload)
    return len(dead)


def _is_dead(owner: str, host: str, alive_elsewhere: Callable[[str], bool] | None) -> bool:
    owner_host, _, pid = owner.rpartition(":")
    if not pid.isdigit():
        return False
    if owner_host != host:
        return alive_elsewhere is not None and not alive_elsewhere(owner)
    if int(pid) == os.getpid():
        return True  # a restarted process that got the same pid
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class EmbeddedRunner:
    """One daemon thread per process that runs due jobs, woken after each commit that queued
    some and every IDLE_WAIT_SECONDS for retries (JOBS_RUNNER "thread"). Tests choose "inline"
    (the committing thread waits until the queue is empty, so the outcome is there at once) or
    "manual" (nothing runs until the test calls `run_due`)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake_up = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def call_soon(self, function: Callable[..., Any], *args: Any, timeout: int) -> Any:  # noqa: ARG002
        """A call someone waits for runs here, in this process (see RedisRunner.call_soon)."""
        return function(*args)

    def wake(self) -> None:
        mode = self.app.config["JOBS_RUNNER"]
        if mode == "manual":
            return
        if mode == "inline":
            worker = threading.Thread(target=self._run_once, name="jobs-inline")
            worker.start()
            worker.join()
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self.thread.start()
        self.wake_up.set()

    def _run_once(self) -> None:
        with self.app.app_context():
            try:
                run_due()
            finally:
                db.session.remove()

    def _loop(self) -> None:
        while True:
            self.wake_up.clear()
            try:
                self._run_once()
            except Exception:  # the database was away: try again at the next wake-up
                log.exception("job runner")
            self.wake_up.wait(IDLE_WAIT_SECONDS)


def app_runner() -> Any:
    """The running app's job runner (embedded, or the Redis queue's): what views and commands
    hand to a service that may run work elsewhere."""
    return current_app.extensions["jobs"]


def _wake_after_commit(session: Session) -> None:
    """Jobs queued by this transaction may run once it commits (one wake-up however many)."""
    if has_app_context():
        after_commit(session, app_runner().wake, key="jobs.wake")


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = EmbeddedRunner(app)
