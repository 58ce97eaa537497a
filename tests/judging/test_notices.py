"""Judging's mail: judges hear of their work by code only, authors hear their result once it
is published, and no message names an author to a judge or a judge to an author."""

from __future__ import annotations

from sqlalchemy import select

from anthology.services import publication
from contest.platform.db import db
from judging.models import Assignment
from judging.services import blinding, scoring
from judging.services.lifecycle import finalise
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging


def _authors_and_titles(panel) -> set[str]:
    names = {e.author.full_name for e in panel["entries"]} | {e.title for e in panel["entries"]}
    return names | {e.author.email for e in panel["entries"]}


def test_judges_are_told_their_work_by_code_and_authors_their_result(world, panel, mail_on):
    province = world["users"]["province"]
    mail_on.messages.clear()  # receipts of the fixture's entries
    open_for_judging(panel, province)
    judges = {j.email: j for j in panel["judges"]}
    assigned = [m for m in mail_on.messages if m["To"] in judges]
    assert {m["To"] for m in assigned} == set(judges)
    for message in assigned:
        body = message.get_content()
        count = db.session.scalar(
            select(db.func.count(Assignment.id)).where(
                Assignment.judge_id == judges[message["To"]].id
            )
        )
        assert f"chấm {count} bài" in body and "/judging/son-la-2019/queue" in body
        assert not any(secret in body for secret in _authors_and_titles(panel))

    stage = panel["stage"]
    shares = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65]
    for entry, share in zip(panel["entries"], shares, strict=True):
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.state == "active")
        ):
            scoring.save_score(
                db.session, assign_, marks_for(stage, share), "", submit=True, now=NOW
            )
    db.session.commit()
    first = db.session.scalars(select(Assignment)).first()
    mail_on.messages.clear()
    scoring.reopen_score(db.session, first.score, province, "Nhập nhầm tiêu chí 2", NOW)
    db.session.commit()
    [reopened] = mail_on.messages
    code = blinding.code_of_entry(db.session, first.entry_id)
    assert reopened["To"] == first.judge.email and code in reopened["Subject"]
    assert "Nhập nhầm tiêu chí 2" in reopened.get_content()
    assert not any(secret in reopened.get_content() for secret in _authors_and_titles(panel))
    scoring.save_score(db.session, first, marks_for(stage, 0.9), "", submit=True, now=NOW)

    mail_on.messages.clear()
    finalise(db.session, panel["contest"], province, NOW)
    db.session.commit()
    assert not mail_on.messages  # final is not public: authors hear when the board publishes
    publication.publish_results(db.session, panel["contest"], province, NOW)
    db.session.commit()
    results = [m for m in mail_on.messages if m["Subject"].startswith("Kết quả cuộc thi")]
    assert len(results) == len(panel["entries"])
    top = next(m for m in results if "«Bài viết 0»" in m["Subject"])
    assert "xếp thứ 1" in top.get_content() and "Giải Nhất" in top.get_content()
    judge_names = {j.full_name for j in panel["judges"]} | {world["users"]["head_judge"].full_name}
    for message in results:
        assert not any(name in message.get_content() for name in judge_names)
