"""Mail leaves only after the commit, through a real SMTP server; jobs keep their state,
attempts and last error in the database, are retried, and a process that died mid-job leaves
a failed job with the reason at the next start-up."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest.platform import jobs
from contest.platform.db import db, utcnow
from contest.platform.mail import MAIL
from contest.platform.models import Job, JobState
from contest.platform.uow import unit_of_work
from contest.services import notifications
from contest.services.forwarding import forward_round
from tests.plugins.apps import make_app
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login


def test_a_submission_gets_a_receipt(world, make_entry, mail_on):
    entry = make_entry(world["users"]["entrant_a"], title="Người giữ rừng")
    [message] = mail_on.to("a@example.com")
    assert message["Subject"] == "Đã nhận bài dự thi «Người giữ rừng»"
    body = message.get_content()
    assert "Quàng Văn Hặc" in body and "Xã Chiềng Sơn" in body
    assert f"https://thi.example.vn/entries/{entry.id}" in body
    job = db.session.scalar(select(Job))
    assert (job.kind, job.state, job.attempts) == (MAIL, JobState.DONE, 1)


def test_a_long_vietnamese_subject_keeps_every_space(world, make_entry, mail_on):
    """Python 3.11 folds a long subject between encoded words and drops the space there
    ("cấp tỉnhSơn La"); the mail policy's encoded words carry their own spaces (see
    test_mail_subjects)."""
    title = "Người giữ rừng bản Mòng của xã Chiềng Sơn huyện Mộc Châu tỉnh Sơn La năm hai nghìn"
    make_entry(world["users"]["entrant_a"], title=title)
    [message] = mail_on.to("a@example.com")
    assert message["Subject"] == f"Đã nhận bài dự thi «{title}»"


def test_forwarding_tells_each_author_their_entry_s_fate(world, make_entry, mail_on):
    chosen = make_entry(world["users"]["entrant_a"], title="Được chọn")
    left = make_entry(world["users"]["entrant_a"], title="Không được chọn")
    mail_on.messages.clear()
    with unit_of_work() as uow:
        forward_round(uow.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[chosen.id])
    subjects = sorted(m["Subject"] for m in mail_on.messages)
    assert subjects == [
        "Bài «Được chọn» được gửi lên Huyện Mộc Châu",
        "Kết quả xét chọn bài «Không được chọn»",
    ]
    assert left.state == "not_selected"


def test_nothing_is_sent_for_a_change_that_was_rolled_back(world, mail_on):
    with pytest.raises(RuntimeError):
        with unit_of_work() as uow:
            notifications.password_reset(uow.session, world["users"]["judge"])
            raise RuntimeError("the action failed after queueing its mail")
    assert db.session.scalar(select(func.count(Job.id))) == 0
    assert mail_on.messages == []


def test_no_job_at_all_when_mail_is_off(world, make_entry):
    make_entry(world["users"]["entrant_a"])
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_dead_mail_server_delays_then_fails_and_the_page_retries(app, client, world, mail_on):
    app.config["MAIL_PORT"] = _closed_port()
    with unit_of_work() as uow:
        notifications.password_reset(uow.session, world["users"]["judge"])
    job = db.session.scalar(select(Job))
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.last_error and job.run_after > utcnow() + timedelta(seconds=30)
    for _ in range(job.max_attempts - 1):  # later attempts, as the runner would make them
        job.run_after = utcnow()
        db.session.commit()
        jobs.run_due()
        db.session.expire_all()
    assert (job.state, job.attempts) == (JobState.FAILED, job.max_attempts)
    # The server is back; the organiser retries from the jobs page.
    app.config["MAIL_PORT"] = mail_on.port
    login(client, world["users"]["province"])
    page = client.get("/jobs").get_data(as_text=True)
    assert "Gửi thư điện tử" in page and "Chạy lại" in page
    client.post(f"/jobs/{job.id}/retry", data={"csrf_token": csrf_token(page)})
    db.session.expire_all()
    assert job.state == JobState.DONE and len(mail_on.to(world["users"]["judge"].email)) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _running_job(owner: str) -> Job:
    job = jobs.enqueue(db.session, MAIL, {"to": "x@example.com", "subject": "s", "body": "b"})
    job.state, job.owner, job.attempts = JobState.RUNNING, owner, 1
    db.session.commit()
    return job


def test_start_up_takes_back_the_jobs_of_a_dead_process_only(app, app_folder, world):
    host = socket.gethostname()
    dead = _running_job(f"{host}:{_dead_pid()}")  # a mail with attempts left: queued again
    spent = _running_job(f"{host}:{_dead_pid()}")
    spent.attempts = spent.max_attempts  # its last attempt died with the process: failed
    db.session.commit()
    alive = _running_job(f"{host}:{os.getppid()}")
    elsewhere = _running_job(f"another-machine:{_dead_pid()}")
    make_app(app_folder)  # a restart: the next process starts on the same database
    db.session.rollback()  # a new snapshot: the restart committed in its own
    assert dead.state == JobState.QUEUED and "khởi động lại" in dead.last_error
    assert spent.state == JobState.FAILED and spent.finished_at is not None
    assert (alive.state, elsewhere.state) == (JobState.RUNNING, JobState.RUNNING)
