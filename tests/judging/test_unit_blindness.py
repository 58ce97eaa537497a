"""Blindness at the unit (issue 14): the leak crawl of the province, run as each juror of a
district holding its own judging. Nothing a unit judge can reach carries an author's
identity before the unit finalises."""

from __future__ import annotations

import re

from sqlalchemy import select

from contest.documents.intake import extract_upload
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.text import fold
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from judging.models import Assignment
from judging.services import assigning, blinding
from tests.judging.test_blindness import AUTHOR, EMAIL, FILENAME, PHONE, crawl, leaky_docx
from tests.plugins.factories import NOW, PASSWORD
from tests.plugins.web import csrf_token, login


def test_no_identity_anywhere_a_unit_judge_can_reach(app, client, world, district):
    round_, contest, organiser = district["round"], district["contest"], district["organiser"]
    author = create_user(
        db.session,
        full_name=AUTHOR,
        email=EMAIL,
        phone=PHONE,
        password=PASSWORD,
        unit=world["units"]["MCH"],
    )
    data = leaky_docx()
    entry = create_entry(
        db.session,
        contest=contest,
        author=author,
        author_unit=author.unit,
        title="Người giữ rừng",
        subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
        essay=extract_upload(FILENAME, data, 10**7),
        original=(FILENAME, data),
        declarations_accepted=True,
        now=NOW,
        submit=True,
        files=file_store(),
    )
    db.session.commit()
    assert entry.round_id == round_.id and AUTHOR in entry.body_text
    blinding.prepare_blind_copies(db.session, file_store(), contest, organiser, round_)
    for flag in blinding.open_flags(db.session, contest, round_.id):
        if flag.kind in ("name", "signature", "phone", "email"):
            blinding.redact_flag(db.session, flag, organiser)
        else:
            blinding.clear_flag(db.session, flag, organiser, "Địa danh trong nội dung bài.")
    assigning.open_stage(db.session, file_store(), district["stage"], organiser)
    assigning.release_assignments(db.session, district["stage"], organiser, NOW)
    db.session.commit()
    judges = {
        a.judge
        for a in db.session.scalars(select(Assignment).where(Assignment.entry_id == entry.id))
    } | {district["head"]}
    needles = [
        AUTHOR,
        fold(AUTHOR),
        "Bi Mat",
        PHONE,
        PHONE.replace(" ", ""),
        EMAIL,
        FILENAME,
        f"/entries/{entry.id}",
        entry.storage_key,
        *(e.author.full_name for e in district["entries"]),
    ]
    unit = "/judging/son-la-2019/unit/MCH"
    for judge in judges:
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
        login(client, judge)
        pages = crawl(
            client,
            [
                "/",
                "/judging/son-la-2019/queue",
                f"/entries/{entry.id}",
                "/judging/son-la-2019/",
                "/judging/son-la-2019/key",
                f"{unit}/",
                f"{unit}/key",
                f"{unit}/forward",
                f"{unit}/flags",
                f"/rounds/{round_.id}",
            ],
        )
        reached = [u for u, text in pages.items() if text.startswith("200")]
        if judge is not district["head"]:
            assert any("/judging/son-la-2019/e/SL19-" in u for u in reached), reached
            assert any(re.search(r"/media/1\.(png|jpg)$", u) for u in reached), reached
        assert not any(u.startswith(unit) for u in reached), reached
        for url, text in pages.items():
            for needle in needles:
                assert needle.lower() not in text.lower(), f"{needle!r} leaks at {url}"
