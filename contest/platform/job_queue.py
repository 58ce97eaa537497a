"""Background jobs on RQ workers when REDIS_URL is set, for several web processes or machines.

The `job` table stays the record of every job (state, attempts, last error, progress): Redis
only carries wake-up calls. After a commit that queued jobs, the web process puts one call on
the queue; a worker (`flask --app wsgi worker`) takes it and runs every due job of the table
exactly as the embedded runner does, then asks to be woken for the next retry and, in any
case, within a minute. A lost call loses nothing: the jobs wait in the table for that sweep.

A call someone waits for (an entrant's old Word file converted by LibreOffice) runs on a worker
too, on a queue served first (`call_soon`): LibreOffice runs on the workers' machines."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import InvalidJobOperation
from rq.job import JobStatus
from sqlalchemy import func, select

from contest.platform import jobs
from contest.platform.db import db, utcnow
from contest.platform.models import Job, JobState

log = logging.getLogger(__name__)

QUEUE_NAME = "guong-sang"
# Old Word files an entrant is waiting for: a queue of their own, served first, so that no
# conversion waits behind a book build.
CONVERSIONS_QUEUE_NAME = "guong-sang-conversions"
RUN_DUE = "contest.platform.job_queue.run_due_jobs"
# One call runs every due job in turn: room for several book builds of ten minutes each.
CALL_TIMEOUT_SECONDS = 4 * 3600
# How long an entrant's upload waits for a free worker before LibreOffice's own time limit.
CONVERSION_WAIT_SECONDS = 20
# A call that failed (the database away) stays in RQ's failed list this long, not RQ's year:
# the job table keeps the record that matters. A failed conversion holds an entrant's file:
# it goes sooner.
FAILED_CALL_TTL_SECONDS = 24 * 3600
FAILED_CONVERSION_TTL_SECONDS = 600
# Whatever else happens, a worker looks at the table again within this time (the embedded
# runner does every 30 s): a call lost while Redis was away loses no job.
SWEEP_SECONDS = 60
# Set while a "run what is due" call waits on the queue: with the workers away, a thousand
# commits put one call there, not a thousand. It lapses after a sweep's time, so a call lost
# with it cannot hold the next one back for long.
WAKE_PENDING_KEY = f"{QUEUE_NAME}:wake-pending"
# Each worker process holds a lease in Redis while it lives (renewed every third of its
# time): a job "running" in a worker whose lease lapsed — its machine gone for good — is
# settled by any other worker, not only by its own machine's next start.
ALIVE_KEY_PREFIX = f"{QUEUE_NAME}:alive:"
LEASE_SECONDS = 90


class Worker(SimpleWorker):
    """RQ's worker in this process, whose stop never waits out its command channel's poll:
    redis-py 8.2's `PubSubWorkerThread.stop()` joins the thread without a limit while RQ
    polls every 60 s, so a worker (and a test) could hang a minute on its way out (rq#1613).
    The thread is a daemon: given a second, it is left to end by itself."""

    def unsubscribe(self) -> None:
        if self.pubsub_thread:
            self.pubsub.unsubscribe()
            self.pubsub_thread.stop(timeout=1)
            if not self.pubsub_thread.is_alive():
                self.pubsub.close()


class RedisRunner:
    """Wake-up calls on an RQ queue, in place of the embedded runner's thread. `clock` says
    what time it is (UTC, naive): the sweeps are booked by it (tests pass a fixed one)."""

    def __init__(self, url: str, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock
        self.connection = Redis.from_url(url)
        self.queue = Queue(QUEUE_NAME, connection=self.connection)
        self.conversions = Queue(CONVERSIONS_QUEUE_NAME, connection=self.connection)

    def wake(self, when: datetime | None = None) -> None:
        """Ask a worker to run the jobs due now (or at `when`, UTC). With Redis away the
        action that queued the jobs still succeeds: they wait in the table (logged)."""
        try:
            if when is None or when <= self.clock():
                if not self.connection.set(WAKE_PENDING_KEY, 1, nx=True, ex=SWEEP_SECONDS):
                    return  # a call already waits: it will read the table after this commit
                self.queue.enqueue(
                    RUN_DUE,
                    job_timeout=CALL_TIMEOUT_SECONDS,
                    result_ttl=0,
                    failure_ttl=FAILED_CALL_TTL_SECONDS,
                )
            else:  # one call per moment, however many calls asked for it
                moment = when.replace(tzinfo=UTC)
                self.queue.enqueue_at(
                    moment,
                    RUN_DUE,
                    job_id=f"guong-sang-wake-{int(moment.timestamp())}",
                    job_timeout=CALL_TIMEOUT_SECONDS,
                    result_ttl=0,
                    failure_ttl=FAILED_CALL_TTL_SECONDS,
                )
        except RedisError as error:
            log.warning("job queue unreachable, jobs wait in the table: %r", error)

    def call_soon(self, function: Callable[..., Any], *args: Any, timeout: int) -> Any:
        """`function(*args)` run by a worker while the caller waits, on the queue served
        first (an entrant's upload waits for it). No worker free in time: WorkersBusy; the
        call failed on the worker: CallFailed; Redis away: run here instead (logged)."""
        try:
            call = self.conversions.enqueue(
                function,
                *args,
                job_timeout=timeout + 30,
                ttl=CONVERSION_WAIT_SECONDS + 5,  # not taken by then: dropped from the queue
                result_ttl=60,
                failure_ttl=FAILED_CONVERSION_TTL_SECONDS,
            )
        except RedisError as error:
            log.warning("job queue unreachable, running the call in this process: %r", error)
            return function(*args)
        started_by = time.monotonic() + CONVERSION_WAIT_SECONDS
        done_by = started_by + timeout + 30  # a worker that died mid-way never answers
        while time.monotonic() < done_by:
            try:
                status = call.get_status(refresh=True)
            except InvalidJobOperation:  # dropped from Redis: its wait ran out
                break
            if status == JobStatus.FINISHED:
                return call.return_value()
            if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                raise jobs.CallFailed(function.__name__)
            if status == JobStatus.QUEUED and time.monotonic() > started_by:
                call.cancel()  # no worker was free
                break
            time.sleep(0.1)
        raise jobs.WorkersBusy(function.__name__)

    def work(self, *, burst: bool = False, conversions_only: bool = False) -> None:
        """Run the worker in this process (no fork: the app, its database engine and its
        app context serve every call), conversions first, holding its lease meanwhile. A
        first call picks up the jobs that waited in the table. A conversions-only worker
        never starts a book build, so an entrant's old Word file never waits behind one."""
        stop = threading.Event()
        lease = threading.Thread(target=self._hold_lease, args=(stop,), daemon=True)
        lease.start()
        try:
            if conversions_only:
                worker = Worker([self.conversions], connection=self.connection)
                worker.work(burst=burst, logging_level="WARNING")
                return
            self.wake()
            worker = Worker([self.conversions, self.queue], connection=self.connection)
            worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
        finally:
            stop.set()
            lease.join(timeout=5)  # the lease is given up before the worker returns

    def _hold_lease(self, stop: threading.Event) -> None:
        """Renew this process's lease until `stop` (Redis away: retried), then give it up."""
        key = ALIVE_KEY_PREFIX + jobs.this_worker()
        while not stop.is_set():
            try:
                self.connection.set(key, 1, ex=LEASE_SECONDS)
            except RedisError as error:
                log.warning("job queue unreachable, lease not renewed: %r", error)
            stop.wait(LEASE_SECONDS / 3)
        try:
            self.connection.delete(key)
        except RedisError:
            pass  # it lapses on its own

    def is_alive(self, owner: str) -> bool:
        """Whether the worker process `owner` (host:pid) still holds its lease."""
        return bool(self.connection.exists(ALIVE_KEY_PREFIX + owner))


def next_sweep(now: datetime) -> datetime:
    """The next full minute at least a moment after `now`: every call books the same one,
    so the sweeps stay a single chain however many calls ran."""
    later = now + timedelta(seconds=SWEEP_SECONDS)
    return later.replace(second=0, microsecond=0)


def run_due_jobs() -> int:
    """The task behind every wake-up call (needs the worker's app context): jobs that a dead
    worker of this machine left running are settled, every due job runs, and the next call
    is booked: the next retry if it comes first, and the next sweep. Returns how many jobs
    ran."""
    runner = jobs.app_runner()
    runner.connection.delete(WAKE_PENDING_KEY)  # commits from now on need a call of their own
    jobs.settle_abandoned(runner.is_alive)
    count = jobs.run_due()
    upcoming = db.session.scalar(
        select(func.min(Job.run_after)).where(Job.state == JobState.QUEUED)
    )
    db.session.remove()
    sweep = next_sweep(runner.clock())
    if upcoming is not None and upcoming < sweep:
        runner.wake(upcoming)
    runner.wake(sweep)
    return count


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option(
    "--conversions-only",
    is_flag=True,
    help="Convert entrants' old Word files only, never a book build or a mail.",
)
@with_appcontext
def worker_command(burst: bool, conversions_only: bool) -> None:
    """Run background jobs from the Redis queue (REDIS_URL)."""
    runner = jobs.app_runner()
    if not isinstance(runner, RedisRunner):
        raise click.ClickException(
            _("Chưa đặt REDIS_URL: việc nền đang chạy ngay trong tiến trình web.")
        )
    runner.work(burst=burst, conversions_only=conversions_only)


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    if app.config["REDIS_URL"]:
        app.extensions["jobs"] = RedisRunner(app.config["REDIS_URL"])
