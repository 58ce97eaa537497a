"""Pages at scale: each list page of a large demo timed through the whole Flask stack (the
test client, no network), several runs each; prints the median and the worst, the bytes and
the SQL statements of one answer.

Load a large demo first, then point this at its database:

    DATABASE_URL=sqlite:////tmp/big.sqlite .venv/bin/flask --app wsgi db upgrade
    DATABASE_URL=sqlite:////tmp/big.sqlite .venv/bin/flask --app wsgi demo --entries 20000 \\
        --through awarded
    DATABASE_URL=sqlite:////tmp/big.sqlite .venv/bin/python -m bench.bench_pages [runs]

Target (issue 13): every page ≤ 300 ms at 20,000 entries."""

from __future__ import annotations

import re
import statistics
import sys
import time

from sqlalchemy import event, func, select

from contest.demo import DEMO_PASSWORD, DEMO_SLUG
from contest.models import Entry, Round
from contest.platform.db import db
from wsgi import create_app

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BOARD = "btc@sonla.gov.vn"
JUDGE = "giamkhao1@sonla.gov.vn"
PAGES = (
    (BOARD, "province dashboard", "/c/{slug}/dashboard"),
    (BOARD, "dashboard, page 200 by title", "/c/{slug}/dashboard?page=200&sort=-title"),
    (BOARD, "dashboard, searched", "/c/{slug}/dashboard?q=nguyen&state=not_selected"),
    (BOARD, "busiest unit round", "/rounds/{unit_round}"),
    (BOARD, "busiest unit round, decided page 5", "/rounds/{unit_round}?dpage=5"),
    (BOARD, "province round", "/rounds/{province_round}"),
    (BOARD, "judging overview", "/judging/{slug}/"),
    (BOARD, "results", "/judging/{slug}/results"),
    (BOARD, "audit log", "/c/{slug}/audit"),
    (BOARD, "audit log, page 100, one action", "/c/{slug}/audit?page=100&action=submitted"),
    (BOARD, "book page", "/anthology/{slug}/"),
    (JUDGE, "judge queue", "/judging/{slug}/queue"),
)
TARGET_MS = 300


def log_in(client, login: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    answer = client.post(
        "/login",
        data={"login": login, "password": DEMO_PASSWORD, "csrf_token": TOKEN.search(page)[1]},
    )
    assert answer.status_code == 302, f"login {login}: {answer.status_code}"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    app = create_app()
    with app.app_context():
        busiest = (
            select(Entry.round_id)
            .join(Round, Round.id == Entry.round_id)
            .group_by(Entry.round_id)
            .order_by(func.count().desc(), Entry.round_id)
        )
        places = {
            "slug": DEMO_SLUG,
            "unit_round": db.session.scalars(busiest.where(Round.parent_id.is_not(None))).first(),
            "province_round": db.session.scalar(select(Round.id).where(Round.parent_id.is_(None))),
        }
        entries = db.session.scalar(select(func.count(Entry.id)))
        engine = db.engine
        db.session.remove()
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    clients = {}
    for login in (BOARD, JUDGE):
        clients[login] = app.test_client()
        log_in(clients[login], login)
    print(f"{entries} entries; {runs} runs per page (the first, warming up, not counted)")
    for login, name, url in PAGES:
        address = url.format(**places)
        times, size, queries = [], 0, 0
        for run in range(runs + 1):
            statements[0] = 0
            began = time.perf_counter()
            answer = clients[login].get(address)
            took = (time.perf_counter() - began) * 1000
            assert answer.status_code == 200, (address, answer.status_code)
            if run:
                times.append(took)
            size, queries = len(answer.data), statements[0]
        verdict = "met" if max(times) <= TARGET_MS else "MISSED"
        print(
            f"{name:36} median {statistics.median(times):6.0f} ms  worst {max(times):6.0f} ms"
            f"  {size / 1024:6.1f} KB  {queries:3d} SQL  {verdict}   {address}"
        )


if __name__ == "__main__":
    main()
