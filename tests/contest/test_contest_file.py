"""A contest as a file, drafts and publishing, and each level's deadline enforced."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from contest.demo import demo_contest_data
from contest.errors import ContestProblems, DeadlinePassed
from contest.lifecycles import ContestPhase, EntryState
from contest.models import Contest, Entry, Round, Unit
from contest.platform import jobs
from contest.platform.db import db, utcnow
from contest.platform.errors import IllegalTransition
from contest.platform.models import Job
from contest.quotas import ContestLevel
from contest.services import contest_file, deadlines, forwarding, publishing, setup, units
from contest.services.entries import check_can_enter
from tests.plugins.factories import entrant
from tests.plugins.web import login

NOW = utcnow()


def small_tree() -> Unit:
    province = Unit(code="DB", name="Tỉnh Điện Biên", kind="province")
    district = Unit(code="DB-MN", name="Huyện Mường Nhé", kind="district", parent=province)
    commune = Unit(code="DB-MN-CH", name="Xã Chung Chải", kind="commune", parent=district)
    village = Unit(code="DB-MN-CH-1", name="Bản Chung Chải", kind="village", parent=commune)
    db.session.add_all([province, district, commune, village])
    db.session.flush()
    return province


def file_data(**changes) -> dict:
    data = demo_contest_data(NOW) | {"slug": "dien-bien-2025", "title": "Cuộc thi 2025"}
    return data | changes


def test_a_contest_goes_out_and_comes_back_the_same(app):
    small_tree()
    contest = contest_file.create_draft(db.session, file_data(), None)
    written = contest_file.to_toml(contest_file.dump(db.session, contest))
    again = contest_file.parse(written.encode())
    assert again == contest_file.dump(db.session, contest)
    assert again["judging"]["prizes"][0] == {
        "name": "Giải Nhất", "count": 1, "min_score": 80.0, "amount": 5_000_000
    }  # fmt: skip
    assert [c["code"] for c in again["categories"]][:2] == ["1.1", "1.2"]
    assert "70%" in next(c["criteria"] for c in again["categories"] if c["code"] == "1.3")
    # Rounds for the levels that take part, each sending to its nearest ancestor's round.
    rounds = {r.unit.code: r for r in contest.rounds}
    assert set(rounds) == {"DB", "DB-MN", "DB-MN-CH"}
    assert rounds["DB-MN-CH"].parent is rounds["DB-MN"]
    assert (rounds["DB-MN"].quota, rounds["DB-MN"].quota_min) == (10, 1)


def test_a_bad_file_is_refused_whole_with_every_problem_named(app):
    small_tree()
    data = file_data(slug="Sai Slug", opens="2025-01-01", max_words=0)
    data["levels"] = [*data["levels"], {"kind": "district", "quota_min": 5, "quota_max": 2}]
    data["judging"]["stages"][0]["criteria"][0]["max_points"] = 10.0
    data["judging"]["prizes"][0]["amount"] = -1
    data["categories"] = [{"code": "1.1", "group": "nobody", "name": ""}]
    with pytest.raises(ContestProblems) as refused:
        contest_file.create_draft(db.session, data, None)
    problems = "\n".join(refused.value.problems)
    for expected in (
        "slug phải gồm",
        "Ngày bắt đầu nhận bài (opens) phải là một ngày",
        "Số chữ tối đa",
        "cấp «district» bị trùng",
        "chỉ tiêu tối thiểu lớn hơn",
        "group phải là",
        "Cần có tên Lĩnh vực thứ 1",
        "cộng lại là 80, phải đúng 100",
        "Giải thứ 1",
    ):
        assert expected in problems
    assert db.session.scalar(select(func.count(Contest.id))) == 0
    with pytest.raises(ContestProblems, match="cú pháp TOML"):
        contest_file.parse(b'slug = "x"\ntitle = ')


def test_a_file_before_the_tree_and_a_second_slug_are_refused(app):
    with pytest.raises(ContestProblems, match="Chưa có cây đơn vị"):
        contest_file.create_draft(db.session, file_data(), None)
    small_tree()
    contest_file.create_draft(db.session, file_data(), None)
    with pytest.raises(ContestProblems, match="Đã có cuộc thi"):
        contest_file.create_draft(db.session, file_data(), None)


def test_an_inconsistent_draft_cannot_be_published(app):
    small_tree()
    data = file_data()
    data["judging"]["prizes"][-1]["count"] = 50  # more prizes than entries can arrive
    contest = contest_file.create_draft(db.session, data, None)
    with pytest.raises(ContestProblems, match="các đơn vị chỉ gửi lên tối đa 10 bài"):
        publishing.publish(db.session, contest, None, utcnow())
    assert contest.phase == ContestPhase.DRAFT


def test_a_draft_is_seen_by_the_organisers_only(app, client, world):
    contest = world["contest"]
    contest.phase = ContestPhase.DRAFT
    db.session.commit()
    assert client.get(f"/c/{contest.slug}/entries").status_code in (302, 404)
    login(client, world["users"]["entrant_a"])
    assert client.get(f"/c/{contest.slug}/entries").status_code == 404
    assert contest.title not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(client, world["users"]["province"])
    assert contest.title in client.get("/").get_data(as_text=True)
    assert client.get(f"/c/{contest.slug}/dashboard").status_code == 200


def test_nhan_ban_copies_the_settings_into_a_new_draft(app, world):
    source = world["contest"]
    source.levels = [ContestLevel(unit_kind="district", quota_min=1, quota_max=2, profile_quota=1)]
    copy = contest_file.new_draft(
        db.session,
        None,
        slug="son-la-2025",
        title="Cuộc thi 2025",
        opens=date(2025, 3, 1),
        closes=date(2025, 7, 31),
        source=source,
    )
    assert copy.is_draft and copy.min_words == source.min_words
    assert copy.categories == source.categories
    assert {r.unit.code for r in copy.rounds} == {"SL", "MCH", "YCH"}


def test_a_unit_added_later_gets_a_round(app):
    province = small_tree()
    contest = contest_file.create_draft(db.session, file_data(), None)
    added = units.add_unit(
        db.session, None, code="DB-TG", name="Huyện Tuần Giáo", kind="district", parent=province
    )
    round_ = db.session.scalar(
        select(Round).where(Round.contest_id == contest.id, Round.unit_id == added.id)
    )
    assert round_ is not None and round_.parent.unit is province


def deadline_world(world):
    """The small province's contest with a district level due yesterday."""
    contest = world["contest"]
    contest.levels = [
        ContestLevel(
            unit_kind="district",
            quota_min=0,
            quota_max=2,
            profile_quota=1,
            forward_by=NOW - timedelta(days=1),
        ),
        ContestLevel(
            unit_kind="commune",
            quota_min=0,
            quota_max=1,
            profile_quota=1,
            forward_by=NOW + timedelta(days=5),
        ),
    ]
    db.session.flush()
    return contest


def test_an_entrant_sees_and_meets_their_own_unit_s_deadline(app, world):
    deadline_world(world)
    author = world["users"]["entrant_b"]  # of Huyện Yên Châu, whose round is overdue
    with pytest.raises(DeadlinePassed, match="Huyện Yên Châu đã hết hạn nhận bài"):
        check_can_enter(db.session, world["contest"], author, NOW, by_organiser=False)
    # Huyện Mộc Châu's commune closes with its district, before its own later date.
    commune_round = world["rounds"]["MCH-CSO"]
    assert commune_round.entries_close_at == NOW - timedelta(days=1)


def test_an_overdue_round_closes_itself_and_tells_its_organiser(app, world, make_entry, mail_on):
    first = make_entry(author=entrant(world, "c@example.com", "YCH"))
    second = make_entry(author=entrant(world, "d@example.com", "YCH"))
    deadline_world(world)
    forwarding.mark_entry(db.session, world["rounds"]["YCH"], first, True)
    booked = deadlines.schedule(db.session, world["contest"])
    db.session.commit()
    assert booked == 2
    queued = db.session.scalars(select(Job).where(Job.kind == deadlines.DEADLINE_JOB)).all()
    # The passed deadline is due at once, the commune's waits for its day.
    assert sorted(j.run_after > NOW + timedelta(days=4) for j in queued) == [False, True]
    jobs.run_due()  # the runner is inline here: the due one already ran at the commit
    db.session.expire_all()
    round_ = db.session.get(Round, world["rounds"]["YCH"].id)
    assert round_.closed_at is not None
    assert db.session.get(Entry, first.id).state == EntryState.FORWARDED
    assert db.session.get(Entry, second.id).state == EntryState.NOT_SELECTED
    assert db.session.get(Round, world["rounds"]["MCH-CSO"].id).closed_at is None
    [told] = mail_on.to("tdkt.ych@sonla.gov.vn")
    assert "tự đóng" in told["Subject"] and "1 bài đã đánh dấu" in told.get_content()
    assert any("Huyện Yên Châu" in m["Subject"] for m in mail_on.to("btc@sonla.gov.vn"))
    # Huyện Mộc Châu is a district too: closed, with nothing ticked; its commune is not due.
    assert "0 bài đã đánh dấu" in mail_on.to("tdkt.mch@sonla.gov.vn")[0].get_content()
    assert not mail_on.to("tdkt.cso@sonla.gov.vn")
    with pytest.raises(DeadlinePassed):
        check_can_enter(
            db.session, world["contest"], world["users"]["entrant_b"], NOW, by_organiser=False
        )


def test_the_minimum_is_asked_of_an_organiser(app, world, make_entry):
    contest = world["contest"]
    contest.levels = [ContestLevel(unit_kind="district", quota_min=2, quota_max=2, profile_quota=0)]
    for n in range(3):
        make_entry(author=entrant(world, f"m{n}@example.com", "YCH"))
    with pytest.raises(Exception, match="cần gửi lên ít nhất 2 bài"):
        forwarding.forward_round(db.session, world["rounds"]["YCH"], None, NOW)


@pytest.mark.parametrize(
    "raw",
    [
        b"min_words = " + b"9" * 5000,  # more digits than Python turns into an int
        b"a = " + b"[" * 100_000,  # nested past the parser's recursion
    ],
)
def test_a_hostile_file_is_refused_not_crashed_on(app, raw):
    with pytest.raises(ContestProblems):
        contest_file.parse(raw)


def test_wrong_types_and_sizes_are_named_before_anything_is_written(app):
    small_tree()
    data = file_data()
    data["categories"] = [{"code": "1.1", "group": ["collective"], "name": "x"}]
    data["levels"][0]["kind"] = {"a": 1}
    stage = data["judging"]["stages"][0]
    stage["advance_top_n"] = "ba"
    stage["name"] = "V" * 101
    data["judging"]["prizes"][0]["count"] = 10**10
    data["judging"]["prizes"][1]["amount"] = True
    with pytest.raises(ContestProblems) as refused:
        contest_file.create_draft(db.session, data, None)
    problems = "\n".join(refused.value.problems)
    for expected in ("group phải là", "kind phải là", "advance_top_n", "không quá 100 ký tự"):
        assert expected in problems
    assert problems.count("Giải thứ") == 2
    assert db.session.scalar(select(func.count(Contest.id))) == 0


def test_a_copy_of_a_dated_contest_moves_its_deadlines_with_it(app):
    small_tree()
    source = contest_file.create_draft(db.session, file_data(), None)
    copy = contest_file.new_draft(
        db.session,
        None,
        slug="dien-bien-2026",
        title="Cuộc thi 2026",
        opens=date(2099, 3, 1),
        closes=date(2099, 5, 30),
        source=source,
    )
    gap = source.level_for("district").forward_by - source.opens_at
    assert copy.level_for("district").forward_by - copy.opens_at == gap


def test_a_late_job_leaves_the_parent_a_day_to_choose(app, world, make_entry):
    """Commune and district both overdue in one run: the commune sends up, its district
    closes a day later, not before its organiser can choose among what arrived."""
    author = world["users"]["entrant_a"]  # of Xã Chiềng Sơn, under Huyện Mộc Châu
    entry = make_entry(author=author)
    forwarding.mark_entry(db.session, world["rounds"]["MCH-CSO"], entry, True)
    contest = deadline_world(world)
    contest.level_for("commune").forward_by = NOW - timedelta(days=2)
    closed = deadlines.close_overdue(db.session, contest, NOW)
    assert world["rounds"]["MCH-CSO"] in closed and world["rounds"]["MCH"] not in closed
    assert entry.state == EntryState.FORWARDED and entry.round is world["rounds"]["MCH"]
    booked = db.session.scalars(select(Job).where(Job.kind == deadlines.DEADLINE_JOB)).all()
    assert [job.run_after.date() for job in booked] == [(NOW + timedelta(days=1)).date()]


def test_nothing_is_sent_into_a_round_that_has_closed(app, world):
    forwarding.forward_round(db.session, world["rounds"]["MCH"], None, NOW)
    with pytest.raises(IllegalTransition, match="Huyện Mộc Châu đã đóng vòng thi"):
        forwarding.forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW)


def test_a_quota_lowered_below_the_ticks_still_closes_at_the_deadline(app, world, make_entry):
    entries = [make_entry(author=entrant(world, f"q{n}@example.com", "YCH")) for n in range(2)]
    for entry in entries:
        forwarding.mark_entry(db.session, world["rounds"]["YCH"], entry, True)
    world["rounds"]["YCH"].quota = 1
    contest = deadline_world(world)
    assert world["rounds"]["YCH"] in deadlines.close_overdue(db.session, contest, NOW)
    assert [e.state for e in entries] == [EntryState.FORWARDED, EntryState.NOT_SELECTED]


def test_a_deadline_already_past_stops_publishing(app):
    small_tree()
    data = file_data()
    data["opens"] = NOW.date() - timedelta(days=30)
    data["levels"][0]["forward_by"] = NOW.date() - timedelta(days=1)
    contest = contest_file.create_draft(db.session, data, None)
    assert any("đã qua" in p for p in publishing.problems(db.session, contest, utcnow()))


def test_a_published_contest_s_categories_no_longer_change(app, world):
    with pytest.raises(IllegalTransition, match="lĩnh vực không đổi được nữa"):
        setup.set_categories(db.session, world["contest"], None, [])
