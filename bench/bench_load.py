"""Load on the embedded default: `flask run` (Werkzeug, threaded) on SQLite, as `make run` serves
it. Two scenarios, each on a fresh demo instance served by a separate process:

- judges: up to 20 judges (one thread per assignment) saving draft marks for DURATION seconds;
- drafts: 50 entrants editing their draft essays (typed text, so every save converts it).

Counts requests, errors (anything but the redirect after a save) and latency, then checks that
the last save of every client is what the database holds. Run:
`.venv/bin/python -m bench.bench_load [seconds]`; figures go into bench/README.md by hand."""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from flask_migrate import upgrade
from sqlalchemy import select

from contest.demo import DEMO_PASSWORD
from contest.documents.intake import extract_typed
from contest.models import Contest, Entry, Role, Unit, User
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from judging.models import Assignment, BlindCopy
from judging.services import stages
from wsgi import create_app

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, no automatic redirects (a save answers 302)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def log_in(self, login: str) -> None:
        _, page = self.request("/login")
        status, _ = self.request(
            "/login",
            {"csrf_token": TOKEN.search(page).group(1), "login": login, "password": DEMO_PASSWORD},
        )
        assert status == 302, f"login {login}: {status}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instance(folder: str, through: str) -> dict:
    """A demo database in `folder`, taken `through` a stage; the settings to serve it."""
    env = {
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite",
        "GUONGSANG_STORAGE_DIR": f"{folder}/storage",
        "GUONGSANG_SECRET_KEY": "bench",
    }
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "--through", through])
        assert result.exit_code == 0, (result.output, result.exception)
        db.session.remove()
    return {"app": app, "env": env}


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def hammer(clients, duration: float) -> dict:
    """Run every client's loop for `duration` seconds; latencies, errors, last saves."""
    latencies: list[float] = []
    errors: list[str] = []
    last: dict = {}
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def run(client_work):
        setup, save = client_work
        state = setup()
        start.wait()
        end = time.monotonic() + duration
        while time.monotonic() < end:
            began = time.perf_counter()
            key, value, status = save(state)
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                if status == 302:
                    last[key] = value
                else:
                    errors.append(str(status))

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "last": last}


def report(name: str, outcome: dict, duration: float, kept: int) -> None:
    lat = sorted(outcome["latencies"])
    p95 = lat[int(len(lat) * 0.95) - 1] if lat else 0
    print(
        f"{name}: {len(lat)} saves in {duration:.0f} s ({len(lat) / duration:.1f}/s), "
        f"errors {len(outcome['errors'])} {sorted(set(outcome['errors']))}, "
        f"latency p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {lat[-1] * 1000:.0f} ms; last save kept for {kept}/{len(outcome['last'])} clients"
    )


def judges_scenario(folder: str, duration: float) -> None:
    demo = instance(folder, "judging")
    with demo["app"].app_context():
        contest = db.session.scalar(select(Contest))
        stage = stages.current_stage(db.session, contest)
        criteria = [(c.id, c.max_points) for c in stage.criteria]
        rows = db.session.execute(
            select(Assignment.id, BlindCopy.code, User.email)
            .join(BlindCopy, BlindCopy.entry_id == Assignment.entry_id)
            .join(User, User.id == Assignment.judge_id)
            .where(Assignment.state == "active")
            .order_by(Assignment.id)
        ).all()
        # Round robin over the judges: as many different judges as there are, then more tabs.
        nth: dict[str, int] = {}
        ranked = []
        for assignment_id, code, email in rows:
            nth[email] = nth.get(email, 0) + 1
            ranked.append((nth[email], assignment_id, code, email))
        plan = [(a, c, e) for _, a, c, e in sorted(ranked)[:20]]
        slug = contest.slug
        db.session.remove()
    server, base = serve(demo["env"])
    try:

        def client(assignment_id, code, email):
            def setup():
                browser = Client(base)
                browser.log_in(email)
                _, page = browser.request(f"/judging/{slug}/e/{code}")
                return browser, TOKEN.search(page).group(1), random.Random(assignment_id)

            def save(state):
                browser, token, rng = state
                marks = {cid: rng.randrange(int(top * 2) + 1) / 2 for cid, top in criteria}
                data = {f"c{cid}": str(v) for cid, v in marks.items()}
                status, _ = browser.request(
                    f"/judging/{slug}/e/{code}", {**data, "csrf_token": token, "save": "1"}
                )
                return assignment_id, marks, status

            return setup, save

        outcome = hammer([client(*row) for row in plan], duration)
    finally:
        server.terminate()
        server.wait()
    with demo["app"].app_context():
        from judging.models import Score

        kept = 0
        for assignment_id, marks in outcome["last"].items():
            score = db.session.scalar(select(Score).where(Score.assignment_id == assignment_id))
            kept += {m.criterion_id: m.points for m in score.marks} == marks
        db.session.remove()
    report(f"{len(plan)} judges saving", outcome, duration, kept)


def drafts_scenario(folder: str, duration: float, writers: int = 50) -> None:
    demo = instance(folder, "submitted")
    with demo["app"].app_context():
        contest = db.session.scalar(select(Contest))
        unit = db.session.scalar(select(Unit).where(Unit.code == "VHO"))
        plan = []
        for n in range(writers):
            author = create_user(
                db.session,
                full_name=f"Người viết thử {n}",
                email=f"taidraft{n}@example.com",
                phone=None,
                password=DEMO_PASSWORD,
                role=Role.ENTRANT,
                unit=unit,
            )
            entry = create_entry(
                db.session,
                files=file_store(),
                contest=contest,
                author=author,
                author_unit=unit,
                title="Bản nháp",
                subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
                essay=extract_typed("Bản nháp đầu tiên."),
                original=None,
                declarations_accepted=True,
                now=utcnow(),
                submit=False,
            )
            plan.append((entry.id, author.email))
        db.session.commit()
        db.session.remove()
    server, base = serve(demo["env"])
    try:

        def client(entry_id, email):
            def setup():
                browser = Client(base)
                browser.log_in(email)
                return browser, [0]

            def save(state):
                browser, counter = state
                counter[0] += 1
                _, page = browser.request(f"/entries/{entry_id}/edit")
                title = f"Bản sửa {counter[0]}"
                status, _ = browser.request(
                    f"/entries/{entry_id}/edit",
                    {
                        "csrf_token": TOKEN.search(page).group(1),
                        "version": VERSION.search(page).group(1),
                        "title": title,
                        "subject_profile_id": "0",
                        "subject_name": "Lò Văn Pánh",
                        "subject_address": "Bản Mòng",
                        "subject_kind": "individual",
                        "subject_category": "2.4",
                        "body": f"Người tốt việc tốt ở bản, lần sửa thứ {counter[0]}.",
                    },
                )
                return entry_id, title, status

            return setup, save

        outcome = hammer([client(*row) for row in plan], duration)
    finally:
        server.terminate()
        server.wait()
    with demo["app"].app_context():
        kept = sum(
            db.session.get(Entry, entry_id).title == title
            for entry_id, title in outcome["last"].items()
        )
        db.session.remove()
    report(f"{writers} entrants editing drafts", outcome, duration, kept)


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    with tempfile.TemporaryDirectory() as judges, tempfile.TemporaryDirectory() as drafts:
        judges_scenario(judges, duration)
        drafts_scenario(drafts, duration)


if __name__ == "__main__":
    main()
