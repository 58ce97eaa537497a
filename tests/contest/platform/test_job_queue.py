"""Jobs through a real Redis (REDIS_URL): the web process only puts a wake-up call on the
queue after its commit; an RQ worker runs the jobs of the table with their state, attempts and
errors recorded as the embedded runner does; retries are booked on the queue; a worker that
died mid-job, a queue that was away and a worker started later lose nothing."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from contest.documents import office
from contest.documents.intake import IntakeNotice, extract_upload
from contest.platform import job_queue, jobs
from contest.platform.db import db, utcnow
from contest.platform.errors import IntakeError
from contest.platform.job_queue import QUEUE_NAME, RedisRunner
from contest.platform.mail import MAIL
from contest.platform.models import Job, JobState
from contest.platform.uow import unit_of_work
from tests.contest.platform.test_mail_and_jobs import _closed_port, _dead_pid, _running_job
from tests.plugins.apps import database_url, make_app


def _reread(job_id: int) -> Job:
    """The row as the worker left it (its call ends by removing the thread's session)."""
    return db.session.get(Job, job_id)


def _queue(url: str) -> Queue:
    return Queue(QUEUE_NAME, connection=Redis.from_url(url))


def _on_redis(app, url: str) -> RedisRunner:
    """The app as `REDIS_URL` makes it (see test_redis_url_chooses_the_queue), on a clock
    stopped early in this minute: sweeps are booked at the next full minute, so a test
    counting the calls booked never straddles a minute's turn (two honest sweeps)."""
    stopped = utcnow().replace(second=1, microsecond=0)
    runner = app.extensions["jobs"] = RedisRunner(url, clock=lambda: stopped)
    return runner


def _upload_as_the_web_does(doc: bytes):
    """A .doc sent through the form: converted by the app's job runner (`read_essay`)."""
    return extract_upload("bai.doc", doc, 10**7, 60, office.converter_through(jobs.app_runner()))


def test_redis_url_chooses_the_queue_and_shares_the_throttle(tmp_path, redis_url):
    app = make_app(tmp_path / "other", REDIS_URL=redis_url, RATELIMIT_STORAGE_URI="")
    assert isinstance(app.extensions["jobs"], RedisRunner)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    plain = make_app(tmp_path / "plain", RATELIMIT_STORAGE_URI="")
    assert isinstance(plain.extensions["jobs"], jobs.EmbeddedRunner)
    assert plain.config["RATELIMIT_STORAGE_URI"].startswith("sqlite-file://")


def test_a_submission_s_receipt_goes_through_the_queue_to_a_worker(
    app, world, make_entry, mail_on, redis_url
):
    runner = _on_redis(app, redis_url)
    make_entry(world["users"]["entrant_a"], title="Người giữ rừng")
    job = db.session.scalar(select(Job))
    assert (job.kind, job.state) == (MAIL, JobState.QUEUED)  # nothing ran in the web process
    assert mail_on.to("a@example.com") == [] and _queue(redis_url).count == 1
    job_id = job.id
    runner.work(burst=True)
    job = _reread(job_id)
    assert (job.state, job.attempts, job.last_error) == (JobState.DONE, 1, "")
    [message] = mail_on.to("a@example.com")
    assert message["Subject"] == "Đã nhận bài dự thi «Người giữ rừng»"
    assert _queue(redis_url).count == 0


def test_failures_are_recorded_and_the_retry_is_booked_on_the_queue(app, world, mail_on, redis_url):
    runner = _on_redis(app, redis_url)
    app.config["MAIL_PORT"] = _closed_port()
    payload = {"to": "x@example.com", "subject": "Thư", "body": "Nội dung"}
    with unit_of_work() as uow:
        last_try = jobs.enqueue(uow.session, MAIL, payload, max_attempts=1)
        retried = jobs.enqueue(uow.session, MAIL, payload, max_attempts=3)
    ids = last_try.id, retried.id
    runner.work(burst=True)
    last_try, retried = (_reread(i) for i in ids)
    assert last_try.state == JobState.FAILED and last_try.last_error
    assert retried.state == JobState.QUEUED and retried.run_after > utcnow()
    assert "refused" in retried.last_error.lower() or "111" in retried.last_error
    booked = _queue(redis_url).scheduled_job_registry
    assert booked.count == 1  # one call: the next sweep, which comes before the retry is due


def test_a_job_left_running_by_a_dead_worker_is_settled_by_the_next_call(
    app, world, mail_on, redis_url
):
    runner = _on_redis(app, redis_url)
    host = socket.gethostname()
    dead = _running_job(f"{host}:{_dead_pid()}")
    alive = _running_job(f"{host}:{os.getppid()}")
    ids = dead.id, alive.id
    runner.work(burst=True)  # started with no call waiting: its first call sweeps the table
    dead, alive = (_reread(i) for i in ids)
    assert dead.state == JobState.DONE and dead.attempts == 2  # a mail can simply run again
    assert alive.state == JobState.RUNNING  # its process still lives


def test_a_job_of_another_machine_is_settled_once_its_worker_s_lease_lapsed(
    app, world, mail_on, redis_url
):
    """A worker machine gone for good: any other worker settles what it left running, while
    a worker elsewhere that still renews its lease keeps its job."""
    runner = _on_redis(app, redis_url)
    gone = _running_job("worker-machine-2:4242")
    alive = _running_job("worker-machine-3:4242")
    Redis.from_url(redis_url).set(job_queue.ALIVE_KEY_PREFIX + alive.owner, 1, ex=3600)
    ids = gone.id, alive.id
    runner.work(burst=True)
    gone, alive = (_reread(i) for i in ids)
    assert gone.state == JobState.DONE and gone.attempts == 2  # a mail simply runs again
    assert alive.state == JobState.RUNNING
    # The worker gave its own lease up when it stopped.
    assert Redis.from_url(redis_url).keys(job_queue.ALIVE_KEY_PREFIX + "*") == [
        (job_queue.ALIVE_KEY_PREFIX + alive.owner).encode()
    ]


def test_redis_away_the_action_succeeds_and_the_job_waits_for_the_worker(
    app, world, make_entry, mail_on, redis_url, caplog
):
    _on_redis(app, f"redis://127.0.0.1:{_closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="contest.platform.job_queue"):
        make_entry(world["users"]["entrant_a"])
    job = db.session.scalar(select(Job))
    assert job.state == JobState.QUEUED and "jobs wait in the table" in caplog.text
    job_id = job.id
    _on_redis(app, redis_url).work(burst=True)  # Redis back, a worker starts
    job = _reread(job_id)
    assert job.state == JobState.DONE and len(mail_on.to("a@example.com")) == 1


def _wait_for(condition, what: str, seconds: float = 120) -> None:
    """A condition waited on with a generous deadline, never a fixed sleep."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def _holds_lease(redis_url: str, worker: subprocess.Popen) -> bool:
    assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
    key = f"{job_queue.ALIVE_KEY_PREFIX}{socket.gethostname()}:{worker.pid}"
    return bool(Redis.from_url(redis_url).exists(key))


def _stop(worker: subprocess.Popen) -> str:
    """Stop a worker process (a warm shutdown lets a conversion under way finish); one that
    will not stop is killed, so no worker outlives its test to serve the next one's Redis."""
    worker.terminate()
    try:
        _, errors = worker.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        worker.kill()
        _, errors = worker.communicate()
        raise
    return errors.decode(errors="replace")


def _worker_environment(app_folder, redis_url: str, **extra: str) -> dict[str, str]:
    """A worker process on the test's database, storage and Redis."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(app_folder),
        "REDIS_URL": redis_url,
        "GUONGSANG_SECRET_KEY": "test",
        "GUONGSANG_STORAGE_DIR": str(app_folder / "storage"),
        **extra,
    }


def test_flask_worker_runs_the_jobs_in_a_process_of_its_own(
    app, app_folder, world, make_entry, mail_on, redis_url
):
    _on_redis(app, redis_url)
    make_entry(world["users"]["entrant_a"])
    env = _worker_environment(
        app_folder,
        redis_url,
        GUONGSANG_MAIL_SERVER="127.0.0.1",
        GUONGSANG_MAIL_PORT=str(mail_on.port),
    )
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    db.session.expire_all()
    job = db.session.scalar(select(Job))
    assert (job.state, job.owner) == (JobState.DONE, "")
    assert len(mail_on.to("a@example.com")) == 1


def test_flask_worker_without_redis_says_why(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "Chưa đặt REDIS_URL" in result.output


@pytest.mark.parametrize("options", [[], ["--conversions-only"]])
def test_an_old_word_upload_is_converted_by_a_worker(
    app, app_folder, redis_url, office_samples, options
):
    runner = _on_redis(app, redis_url)
    runner.wake()  # a call for the jobs waits too
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *options],
        env=_worker_environment(app_folder, redis_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # A loaded machine may take many seconds to start the worker: the upload waits for a
        # worker only once one holds its lease (its wait for a free worker is the product's).
        _wait_for(lambda: _holds_lease(redis_url, worker), what="the worker's lease")
        essay = _upload_as_the_web_does(office_samples["doc"])
    finally:
        errors = _stop(worker)
    assert IntakeNotice.OLD_WORD_FORMAT in essay.notices and essay.word_count > 20, errors
    assert runner.conversions.finished_job_registry.count == 1  # done by the worker
    if options:  # a conversions-only worker leaves the jobs' call to others (never a book build)
        assert _queue(redis_url).count == 1


def test_many_commits_while_the_workers_are_away_put_one_call(app, world, mail_on, redis_url):
    runner = _on_redis(app, redis_url)
    payload = {"to": "x@example.com", "subject": "Thư", "body": "Nội dung"}
    for _ in range(20):
        with unit_of_work() as uow:
            jobs.enqueue(uow.session, MAIL, payload)
    assert _queue(redis_url).count == 1
    runner.work(burst=True)
    assert {j.state for j in db.session.scalars(select(Job))} == {JobState.DONE}
    assert len(mail_on.to("x@example.com")) == 20
    with unit_of_work() as uow:  # the call ran: the next commit puts a call of its own
        jobs.enqueue(uow.session, MAIL, payload)
    assert _queue(redis_url).count == 1


def test_no_free_worker_gives_a_message_and_leaves_nothing_queued(
    app, redis_url, office_samples, monkeypatch
):
    runner = _on_redis(app, redis_url)
    monkeypatch.setattr(job_queue, "CONVERSION_WAIT_SECONDS", 1)
    with pytest.raises(IntakeError, match="đang bận"):
        _upload_as_the_web_does(office_samples["doc"])
    assert runner.conversions.count == 0


def test_redis_away_an_old_word_upload_is_converted_here(app, office_samples, caplog):
    _on_redis(app, f"redis://127.0.0.1:{_closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="contest.platform.job_queue"):
        essay = _upload_as_the_web_does(office_samples["doc"])
    assert IntakeNotice.OLD_WORD_FORMAT in essay.notices
    assert "running the call in this process" in caplog.text


def test_a_worker_keeps_one_sweep_booked_so_a_lost_call_loses_no_job(
    app, world, mail_on, redis_url
):
    """Redis away when the job was queued (its call lost): the sweep each call books runs it
    within a minute, and many calls still book one sweep."""
    runner = _on_redis(app, redis_url)
    runner.work(burst=True)
    runner.work(burst=True)  # two calls, one sweep
    booked = _queue(redis_url).scheduled_job_registry
    [call] = booked.get_job_ids()
    moment = booked.get_scheduled_time(call).replace(tzinfo=None)
    now = runner.clock()
    assert now < moment <= now + timedelta(seconds=job_queue.SWEEP_SECONDS)
    _on_redis(app, f"redis://127.0.0.1:{_closed_port()}/0")
    with unit_of_work() as uow:
        job = jobs.enqueue(uow.session, MAIL, {"to": "x@example.com", "subject": "s", "body": "b"})
    job_id = job.id
    with app.test_request_context():  # the sweep's call, as the scheduler would make it
        app.extensions["jobs"] = RedisRunner(redis_url)
        job_queue.run_due_jobs()
    assert _reread(job_id).state == JobState.DONE


def test_redis_away_logins_still_answer(app, app_folder):
    """The throttle's counters live in the same Redis; with it away they are kept in memory
    and the login page answers instead of failing."""
    from tests.plugins.web import csrf_token

    down = make_app(
        app_folder, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", RATELIMIT_STORAGE_URI=""
    )
    client = down.test_client()
    with down.app_context():
        page = client.get("/login").get_data(as_text=True)
        response = client.post(
            "/login",
            data={"csrf_token": csrf_token(page), "login": "ai@example.com", "password": "sai"},
        )
    assert response.status_code == 200  # the form again, with its message
