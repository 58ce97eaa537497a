"""Locust users for `bench.bench_locust` (which prepares the accounts and starts the server):
judges scoring their blind entries and entrants reading and saving their drafts, each with
a think time, each also fetching the stylesheet now and then — the static file whose p95 is
the floor the judge page is compared with.

The plan (accounts, codes, entry ids) comes from the JSON file named by GS_BENCH_PLAN; how
many users of each kind run comes from GS_BENCH_JUDGES and GS_BENCH_ENTRANTS."""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
with open(os.environ["GS_BENCH_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
NEXT_JUDGE = itertools.count()
NEXT_ENTRANT = itertools.count()
JUDGE_PAGE = "judge page"
STATIC = "static file"


class Browser(HttpUser):
    abstract = True

    def log_in(self, login: str) -> None:
        page = self.client.get("/login", name="login page").text
        with self.client.post(
            "/login",
            {"login": login, "password": PLAN["password"], "csrf_token": TOKEN.search(page)[1]},
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login {login}: {answer.status_code}")

    @task(1)
    def stylesheet(self) -> None:
        self.client.get("/static/style.css", name=STATIC)


class Judge(Browser):
    """Opens one of their entries, reads it, saves draft marks (the save redirects back to
    the judge page, which is timed again)."""

    fixed_count = int(os.environ.get("GS_BENCH_JUDGES", "0"))
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.login, self.codes = PLAN["judges"][next(NEXT_JUDGE) % len(PLAN["judges"])]
        self.rng = random.Random(self.login)
        self.log_in(self.login)
        self.client.get(f"/judging/{PLAN['slug']}/queue", name="judge queue")

    @task(4)
    def score(self) -> None:
        code = self.rng.choice(self.codes)
        url = f"/judging/{PLAN['slug']}/e/{code}"
        page = self.client.get(url, name=JUDGE_PAGE).text
        marks = {
            f"c{cid}": str(self.rng.randrange(int(top * 2) + 1) / 2)
            for cid, top in PLAN["criteria"]
        }
        with self.client.post(
            url,
            {**marks, "csrf_token": TOKEN.search(page)[1], "save": "1"},
            name="judge saves marks",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"save: {answer.status_code}")
        self.client.get(url, name=JUDGE_PAGE)


class Entrant(Browser):
    """Reads their entry, opens the edit form, saves the draft (typed text: pandoc runs)."""

    fixed_count = int(os.environ.get("GS_BENCH_ENTRANTS", "0"))
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.login, self.entry_id = PLAN["entrants"][next(NEXT_ENTRANT) % len(PLAN["entrants"])]
        self.saves = 0
        self.log_in(self.login)

    @task(2)
    def read(self) -> None:
        self.client.get(f"/entries/{self.entry_id}", name="entrant reads entry")

    @task(3)
    def save_draft(self) -> None:
        url = f"/entries/{self.entry_id}/edit"
        page = self.client.get(url, name="entrant edit form").text
        self.saves += 1
        with self.client.post(
            url,
            {
                "csrf_token": TOKEN.search(page)[1],
                "version": VERSION.search(page)[1],
                "title": f"Bản nháp, lần sửa {self.saves}",
                "subject_profile_id": "0",
                "subject_name": "Lò Văn Pánh",
                "subject_address": "Bản Mòng, xã Chiềng Sơn",
                "subject_kind": "individual",
                "subject_category": "2.4",
                "body": f"Người tốt việc tốt ở bản, lần sửa thứ {self.saves}. " * 40,
            },
            name="entrant saves draft",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"draft: {answer.status_code}")
