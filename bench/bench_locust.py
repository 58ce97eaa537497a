"""Many users at once against the production server: `make serve` (gunicorn, WEB_CONCURRENCY
sync workers) on a fresh demo, driven by locust (`bench/locustfile.py`) from this machine.

    .venv/bin/python -m bench.bench_locust postgresql --judges 50 --entrants 150 --seconds 60
    .venv/bin/python -m bench.bench_locust sqlite --judges 50 --entrants 0 --seconds 60

PostgreSQL is a throwaway server started here as the tests start theirs (`tests/postgres.py`,
Debian's postgresql). The demo is taken to open judging with the jury widened to `--judges`
accounts; entrants write drafts in a second contest still taking entries (a province running
two contests at once: one database, one writer lock). Prints, per request kind, the count,
failures, p50 and p95, then the checks of issue 13: no error, no "database is locked" in the
server's log, judge page p95 ≤ 3 × the static file's p95 under the same load."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import select

from bench.bench_load import free_port
from contest.categories import default_categories
from contest.demo import DEMO_PASSWORD, DEMO_SLUG
from contest.documents.intake import extract_typed
from contest.lifecycles import ContestPhase
from contest.models import Contest, Role, Round, Unit, User
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from judging import demo as judging_demo
from judging.models import Assignment, BlindCopy
from judging.services import panel, stages
from wsgi import create_app

DRAFTS_SLUG = "bench-drafts"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def prepare(env: dict, judges: int, entrants: int, plan_path: str) -> None:
    """Migrate, load the demo to the jury, widen the jury, open judging; the drafts contest
    and its entrants; write the plan the locust users read."""
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "--through", "forwarded"])
        assert result.exit_code == 0, (result.output, result.exception)
        with unit_of_work() as uow:
            contest = uow.session.scalar(select(Contest).where(Contest.slug == DEMO_SLUG))
            stage = stages.current_stage(uow.session, contest)
            have = len(stage.active_members)
            for n in range(have + 1, judges + 1):
                judge = create_user(
                    uow.session,
                    full_name=f"Giám khảo thử tải {n}",
                    email=f"giamkhao{n}@sonla.gov.vn",
                    phone=None,
                    password=DEMO_PASSWORD,
                    role=Role.JUDGE,
                )
                panel.add_judge(uow.session, stage, judge, min_load=0, max_load=40)
        with unit_of_work() as uow:
            judging_demo.open_judging(contest, 2019, file_store())
        drafts = _drafts_contest(entrants) if entrants else []
        stage = stages.current_stage(db.session, contest)
        codes: dict[str, list[str]] = {}
        for email, code in db.session.execute(
            select(User.email, BlindCopy.code)
            .join(Assignment, Assignment.judge_id == User.id)
            .join(BlindCopy, BlindCopy.entry_id == Assignment.entry_id)
            .where(Assignment.stage_id == stage.id, Assignment.is_active)
        ):
            codes.setdefault(email, []).append(code)
        plan = {
            "slug": DEMO_SLUG,
            "password": DEMO_PASSWORD,
            "criteria": [(c.id, c.max_points) for c in stage.criteria],
            "judges": sorted(codes.items())[:judges],
            "entrants": drafts,
        }
        db.session.remove()
    with open(plan_path, "w", encoding="utf-8") as out:
        json.dump(plan, out)
    print(
        f"plan: {len(plan['judges'])} judges holding "
        f"{sum(len(c) for _e, c in plan['judges'])} assignments, {len(drafts)} entrants"
    )


def _drafts_contest(entrants: int) -> list[tuple[str, int]]:
    """A second contest taking entries, a round for Huyện Vân Hồ, one draft per entrant."""
    now = utcnow()
    plan = []
    with unit_of_work() as uow:
        session = uow.session
        province = session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        unit = session.scalar(select(Unit).where(Unit.code == "VHO"))
        contest = Contest(
            slug=DRAFTS_SLUG,
            title="Cuộc thi thử tải: viết về người tốt, việc tốt",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            phase=ContestPhase.SUBMISSION,
        )
        contest.categories = default_categories()
        top = Round(contest=contest, unit=province)
        session.add_all([contest, top, Round(contest=contest, unit=unit, parent=top, quota=5)])
        session.flush()
        for n in range(entrants):
            author = create_user(
                session,
                full_name=f"Người viết thử {n}",
                email=f"thutai{n}@example.com",
                phone=None,
                password=DEMO_PASSWORD,
                unit=unit,
            )
            entry = create_entry(
                session,
                files=file_store(),
                contest=contest,
                author=author,
                author_unit=unit,
                title="Bản nháp",
                subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
                essay=extract_typed("Bản nháp đầu tiên."),
                original=None,
                declarations_accepted=True,
                now=now,
                submit=False,
            )
            plan.append((author.email, entry.id))
    return plan


def serve(env: dict, log_path: str) -> tuple[subprocess.Popen, str]:
    """`make serve` on a free port; waits for /login to answer."""
    port = free_port()
    log = open(log_path, "w", encoding="utf-8")  # handed to the server, closed with it
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(900):
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            return server, base
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"make serve stopped: see {log_path}") from None
            time.sleep(0.5)
    raise RuntimeError("the server did not start")


def stop(server: subprocess.Popen) -> None:
    """Stop make and the gunicorn it started (their own process group)."""
    os.killpg(server.pid, 15)
    server.wait(timeout=60)


def run_locust(base: str, plan_path: str, judges: int, entrants: int, seconds: int, out: str):
    """Run locust headless; its final figures per request kind, read from its JSON."""
    users = judges + entrants
    subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "locust"),
            "-f",
            os.path.join(ROOT, "bench", "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--json-file",
            out,
            "--only-summary",
            # Figures from the moment every user has started: the ramp's logins (one scrypt
            # hash each) are left out.
            "--reset-stats",
            "--loglevel",
            "WARNING",
        ],
        env={
            **os.environ,
            "GS_BENCH_PLAN": plan_path,
            "GS_BENCH_JUDGES": str(judges),
            "GS_BENCH_ENTRANTS": str(entrants),
        },
        check=False,
    )
    with open(out + ".json", encoding="utf-8") as fh:  # locust adds the suffix
        return json.load(fh)


def percentile(times: dict[int, int], share: float) -> float:
    """The response time (ms) below which `share` of the requests fall (locust keeps times
    rounded, as counts per value)."""
    ordered = sorted((float(ms), n) for ms, n in times.items())
    wanted, seen = share * sum(n for _ms, n in ordered), 0
    for ms, n in ordered:
        seen += n
        if seen >= wanted:
            return ms
    return 0.0


def report(entries: list[dict], server_log: str) -> None:
    """Each request kind, then the checks of issue 13."""
    by_name: dict[str, dict] = {}
    for entry in entries:
        kind = by_name.setdefault(entry["name"], {"n": 0, "failed": 0, "times": {}})
        kind["n"] += entry["num_requests"]
        kind["failed"] += entry["num_failures"]
        for ms, n in entry["response_times"].items():
            kind["times"][ms] = kind["times"].get(ms, 0) + n
    for name, kind in sorted(by_name.items()):
        print(
            f"{name:22} {kind['n']:>6} requests  {kind['failed']:>4} failed  "
            f"p50 {percentile(kind['times'], 0.5):>6.0f} ms  "
            f"p95 {percentile(kind['times'], 0.95):>6.0f} ms  "
            f"max {max(float(ms) for ms in kind['times']):>6.0f} ms"
        )
    with open(server_log, encoding="utf-8", errors="replace") as fh:
        log = fh.read()
    failures = sum(kind["failed"] for kind in by_name.values())
    judge = percentile(by_name["judge page"]["times"], 0.95)
    static = percentile(by_name["static file"]["times"], 0.95)
    print(
        f"requests: {sum(kind['n'] for kind in by_name.values())}, failed: {failures}; "
        f"tracebacks in the server's log: {log.count('Traceback')}; "
        f'"database is locked": {log.count("database is locked")}'
    )
    print(
        f"judge page p95 {judge:.0f} ms = {judge / static:.1f} × static file p95 {static:.0f} ms"
        f" (target ≤ 3 ×): {'met' if judge <= 3 * static else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", choices=("sqlite", "postgresql"))
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--entrants", type=int, default=150)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="gs-locust-")
    pg = None
    if args.database == "postgresql":
        from tests.postgres import Server

        pg = Server()
        pg.create("bench")
        url = pg.url("bench")
    else:
        url = f"sqlite:///{folder}/bench.sqlite"
    env = {
        "DATABASE_URL": url,
        "GUONGSANG_STORAGE_DIR": f"{folder}/storage",
        "GUONGSANG_SECRET_KEY": "bench",
    }
    try:
        plan_path = os.path.join(folder, "plan.json")
        prepare(env, args.judges, args.entrants, plan_path)
        log_path = os.path.join(folder, "server.log")
        server, base = serve(env, log_path)
        try:
            stats = run_locust(
                base,
                plan_path,
                args.judges,
                args.entrants,
                args.seconds,
                os.path.join(folder, "locust"),
            )
        finally:
            stop(server)
        print(
            f"{args.database}: {args.judges} judges + {args.entrants} entrants for "
            f"{args.seconds} s, make serve with {os.environ.get('WEB_CONCURRENCY', '4')} workers"
        )
        report(stats, log_path)
        print(f"(files kept in {folder})")
    finally:
        if pg is not None:
            pg.stop()


if __name__ == "__main__":
    main()
