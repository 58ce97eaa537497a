"""The build job: one build at a time, progress through its own units of work, every failure
ends the build as failed with its reason and leaves no file; the last good book stays."""

from __future__ import annotations

import os

import pytest

from anthology import render, tasks
from anthology.errors import BuildRunning
from anthology.models import AnthologyBuild, BuildState, BuildStep
from anthology.render import fonts
from anthology.services import builds, settings
from contest.platform.audit import sentence
from contest.platform.db import db
from contest.platform.errors import IllegalTransition
from contest.platform.models import AuditEvent
from contest.platform.states import advance
from contest.platform.storage import file_store
from tests.plugins.books import last_good_build


def _queue(contest, actor) -> AnthologyBuild:
    build = builds.start_build(db.session, contest, actor)
    db.session.commit()
    return build


def test_background_build_keeps_the_last_good_book(app, finalised, world, monkeypatch):
    contest, actor = finalised["contest"], world["users"]["province"]
    first = _queue(contest, actor)
    with pytest.raises(BuildRunning):
        builds.start_build(db.session, contest, actor)
    db.session.rollback()
    app.config["JOBS_RUNNER"] = "inline"
    app.extensions["jobs"].wake()  # the job queued with the build runs in a thread of its own
    app.config["JOBS_RUNNER"] = "manual"
    db.session.rollback()  # end this session's snapshot: the thread committed in its own
    assert (first.state, first.step, first.percent) == (BuildState.DONE, BuildStep.DONE, 100)
    assert builds.build_file(file_store(), first, contest.slug, "epub")
    queued = db.session.query(AuditEvent).filter_by(action="anthology_build").one()
    assert sentence(queued).endswith("đã cho dựng tuyển tập Cuộc thi viết 2019 (docx,epub,pdf)")

    second = _queue(contest, actor)
    monkeypatch.setattr(fonts, "FONT_FILES", ("/nonexistent/NotoSerif-Regular.ttf",))
    tasks.run_build(second.id)
    db.session.expire_all()
    assert second.state == BuildState.FAILED and "fonts-noto-core" in second.error
    assert second.finished_at is not None
    assert last_good_build(contest) is first
    assert not os.path.exists(os.path.join(app.config["STORAGE_DIR"], second.folder))
    assert builds.build_file(
        file_store(), first, contest.slug, "docx"
    )  # the good book is still offered


def test_an_unexpected_error_fails_the_build_and_frees_the_next(app, finalised, world, monkeypatch):
    contest, actor = finalised["contest"], world["users"]["province"]
    failing = _queue(contest, actor)

    def broken(*args, **kwargs):
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(render, "write_epub", broken)
    tasks.run_build(failing.id)
    db.session.expire_all()
    assert failing.state == BuildState.FAILED and "the writer broke" in failing.error
    assert failing.error.startswith("Bản EPUB chưa dựng được.")  # which step stopped
    folder = os.path.join(app.config["STORAGE_DIR"], failing.folder)
    assert not os.path.exists(folder)  # not even the DOCX written before the EPUB failed
    assert _queue(contest, actor).state == BuildState.QUEUED  # the next build is allowed


def test_a_failure_to_record_success_fails_the_build_and_removes_its_files(
    app, finalised, world, monkeypatch
):
    contest, actor = finalised["contest"], world["users"]["province"]
    build = _queue(contest, actor)
    real_finish = tasks._finish

    def finish(build_id, state, error="", notes=()):
        if state == BuildState.DONE:
            raise RuntimeError("database went away")
        real_finish(build_id, state, error, notes)

    monkeypatch.setattr(tasks, "_finish", finish)
    tasks.run_build(build.id)
    db.session.expire_all()
    assert build.state == BuildState.FAILED and build.error == "database went away"
    assert not os.path.exists(os.path.join(app.config["STORAGE_DIR"], build.folder))


def test_a_pandoc_overrun_fails_the_build(app, finalised, world):
    app.config["ANTHOLOGY_PANDOC_TIMEOUT_SECONDS"] = 0.001
    build = _queue(finalised["contest"], world["users"]["province"])
    tasks.run_build(build.id)
    db.session.expire_all()
    assert build.state == BuildState.FAILED and "Pandoc chạy quá" in build.error


def test_a_build_only_moves_forward(finalised, world):
    build = _queue(finalised["contest"], world["users"]["province"])
    with pytest.raises(IllegalTransition):
        advance(build, BuildState.DONE)  # never done without running
    advance(build, BuildState.RUNNING)
    advance(build, BuildState.FAILED)
    with pytest.raises(IllegalTransition):
        advance(build, BuildState.RUNNING)
    assert BuildState.FAILED.label == "lỗi"


def test_the_inline_build_from_the_page(app, client, finalised, world):
    from tests.plugins.web import csrf_token, login

    app.config["JOBS_RUNNER"] = "inline"
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    client.post("/anthology/son-la-2019/build", data={"csrf_token": csrf_token(page)})
    build = last_good_build(finalised["contest"])
    assert build is not None and build.step == BuildStep.DONE
    settings.settings_for(db.session, finalised["contest"])  # the session is still usable


def test_a_build_killed_with_its_worker_fails_at_the_next_start(app, finalised, world, app_folder):
    """SIGKILL mid-build: the next process marks the build failed, removes its folder and
    lets the next build start, instead of refusing every build for ever."""
    import socket

    from contest.platform.models import Job, JobState
    from tests.contest.platform.test_mail_and_jobs import _dead_pid
    from tests.plugins.apps import make_app

    contest, actor = finalised["contest"], world["users"]["province"]
    build = _queue(contest, actor)
    job = db.session.query(Job).filter_by(kind=builds.BUILD_JOB).one()  # not the reminders
    advance(build, BuildState.RUNNING)
    job.state, job.owner = JobState.RUNNING, f"{socket.gethostname()}:{_dead_pid()}"
    db.session.commit()
    folder = os.path.join(app.config["STORAGE_DIR"], build.folder)
    os.makedirs(folder)
    make_app(app_folder)  # the restart
    db.session.rollback()  # a new snapshot: the restart committed in its own
    assert job.state == JobState.FAILED
    assert build.state == BuildState.FAILED and "khởi động lại" in build.error
    assert not os.path.exists(folder)
    assert _queue(contest, actor).state == BuildState.QUEUED


def test_two_builds_started_at_once_make_one_build_and_no_error(app, finalised, world):
    from sqlalchemy import func, select

    from tests.plugins.races import run_together
    from tests.plugins.web import csrf_token, login

    email = world["users"]["province"].email
    db.session.commit()

    def start(ready):
        client = app.test_client()
        login(client, email)
        token = csrf_token(client.get("/anthology/son-la-2019/").get_data(as_text=True))
        ready()
        status = client.post("/anthology/son-la-2019/build", data={"csrf_token": token})
        return [] if status.status_code == 302 else [str(status.status_code)]

    assert run_together([start, start]) == []
    db.session.rollback()  # a new snapshot: the threads committed in their own sessions
    assert db.session.scalar(select(func.count(AnthologyBuild.id))) == 1


def test_a_build_from_the_page_runs_on_an_rq_worker(app, client, finalised, world, redis_url):
    """With REDIS_URL the page only queues the build; a worker builds it and the page's
    progress (the jobs table and the build row) tells the outcome."""
    from contest.platform.job_queue import RedisRunner
    from tests.plugins.web import csrf_token, login

    runner = app.extensions["jobs"] = RedisRunner(redis_url)
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    client.post("/anthology/son-la-2019/build", data={"csrf_token": csrf_token(page)})
    [build] = builds.builds(db.session, finalised["contest"])
    assert build.state == BuildState.QUEUED and runner.queue.count == 1
    build_id = build.id
    runner.work(burst=True)
    build = db.session.get(AnthologyBuild, build_id)
    assert (build.state, build.step, build.percent) == (BuildState.DONE, BuildStep.DONE, 100)
    assert builds.build_file(file_store(), build, "son-la-2019", "pdf")


def test_a_build_killed_on_an_rq_worker_fails_at_the_next_call(app, finalised, world, redis_url):
    import socket

    from contest.models import Contest, User
    from contest.platform.job_queue import RedisRunner
    from contest.platform.models import Job, JobState
    from tests.contest.platform.test_mail_and_jobs import _dead_pid

    contest, actor = finalised["contest"], world["users"]["province"]
    build = _queue(contest, actor)
    job = db.session.query(Job).filter_by(kind=builds.BUILD_JOB).one()  # not the reminders
    advance(build, BuildState.RUNNING)
    job.state, job.owner = JobState.RUNNING, f"{socket.gethostname()}:{_dead_pid()}"
    db.session.commit()
    ids = build.id, contest.id, actor.id
    app.extensions["jobs"] = RedisRunner(redis_url)  # the worker, restarted by systemd
    app.extensions["jobs"].work(burst=True)
    build = db.session.get(AnthologyBuild, ids[0])
    assert build.state == BuildState.FAILED and "khởi động lại" in build.error
    contest, actor = db.session.get(Contest, ids[1]), db.session.get(User, ids[2])
    assert _queue(contest, actor).state == BuildState.QUEUED
