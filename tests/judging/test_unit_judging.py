"""Issue 14: a district holds its own judging with the province's engine — its jury, blind
codes of its own, leak scan, discrepancy rule, prizes, key revealed at its finalisation — and
forwards by results; the province's judging over the forwarded entries stays apart."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import select

from contest.errors import QuotaExceeded
from contest.lifecycles import EntryState
from contest.platform.db import db
from contest.platform.errors import InvalidInput
from contest.platform.storage import file_store
from contest.services.forwarding import forward_round
from judging import policy
from judging.demo import DEMO_RUBRIC
from judging.errors import JudgingClosed, LeaksUnresolved
from judging.models import Assignment, Award, BlindCopy, LeakFlag
from judging.services import assigning, blinding, reports, results, scoring, stages, units
from judging.services import panel as panel_service
from judging.states import ResultState
from tests.plugins.factories import NOW, PASSWORD
from tests.plugins.panels import open_unit, score_unit_entry


def test_the_unit_jury_is_its_own_and_sits_on_no_other_panel(world, district, panel):
    round_, jurors = district["round"], district["jurors"]
    unit_accounts = panel_service.judge_accounts(db.session, round_.id)
    assert {u.id for u in unit_accounts} == {j.id for j in jurors} | {district["head"].id}
    assert all(u.unit_id == round_.unit_id for u in unit_accounts)
    province_accounts = {u.id for u in panel_service.judge_accounts(db.session)}
    assert province_accounts.isdisjoint({u.id for u in unit_accounts})
    assert world["users"]["judge"].id in province_accounts
    with pytest.raises(InvalidInput):
        panel_service.add_judge(db.session, panel["stage"], jurors[0])
    with pytest.raises(InvalidInput):
        panel_service.add_judge(db.session, district["stage"], world["users"]["judge"])
    with pytest.raises(InvalidInput):
        panel_service.set_head_judge(db.session, district["stage"], world["users"]["head_judge"])
    with pytest.raises(InvalidInput):
        units.switch_on(db.session, world["rounds"]["SL"], world["users"]["province"])
    db.session.rollback()


def test_a_juror_from_a_commune_never_judges_that_commune(world, district, make_entry):
    commune_round, round_ = world["rounds"]["MCH-CSO"], district["round"]
    from_commune = make_entry(world["users"]["entrant_a"], title="Bài của xã")
    forward_round(db.session, commune_round, None, NOW, entry_ids=[from_commune.id])
    commune_juror = units.add_juror(
        db.session,
        round_,
        district["organiser"],
        full_name="Giám khảo xã",
        email="gkx@chiengson.gov.vn",
        phone=None,
        password=PASSWORD,
        unit=world["units"]["MCH-CSO"],
    )
    panel_service.add_judge(db.session, district["stage"], commune_juror, 0, 5)
    db.session.commit()
    with pytest.raises(InvalidInput):
        units.add_juror(
            db.session,
            round_,
            district["organiser"],
            full_name="Giám khảo huyện khác",
            email="gky@yenchau.gov.vn",
            phone=None,
            password=PASSWORD,
            unit=world["units"]["YCH"],
        )
    db.session.rollback()
    open_unit(district)
    mine = db.session.scalars(
        select(Assignment.entry_id).where(Assignment.judge_id == commune_juror.id)
    ).all()
    theirs = db.session.scalars(
        select(Assignment.judge_id).where(Assignment.entry_id == from_commune.id)
    ).all()
    assert from_commune.id not in mine and len(theirs) == 2
    assert commune_juror.id not in theirs


def test_a_jury_needs_the_judging_switched_on(world):
    with pytest.raises(InvalidInput):
        units.add_juror(
            db.session,
            world["rounds"]["YCH"],
            world["users"]["organiser_d2"],
            full_name="Giám khảo",
            email="gk@yenchau.gov.vn",
            phone=None,
            password=PASSWORD,
        )
    db.session.rollback()


def test_unit_codes_and_flags_stay_in_the_unit(world, district, make_entry):
    contest, round_ = district["contest"], district["round"]
    leaky = make_entry(
        district["entries"][0].author,
        title="Bài có tên tác giả",
        text="Tôi là Tác giả Mộc Châu 0, viết về bác Pánh. " + "Bác chăm chỉ làm ăn. " * 12,
    )
    blinding.prepare_blind_copies(db.session, file_store(), contest, district["organiser"], round_)
    db.session.commit()
    copies = blinding.blind_copies(db.session, contest, round_.id)
    assert {c.entry_id for c in copies} == {e.id for e in [*district["entries"], leaky]}
    assert all(c.round_id == round_.id for c in copies)
    assert blinding.blind_copies(db.session, contest) == []
    code = copies[0].code
    assert blinding.blind_copy_by_code(db.session, contest, code) is None
    assert blinding.blind_copy_by_code(db.session, contest, code, round_.id) is copies[0]
    flags = blinding.open_flags(db.session, contest, round_.id)
    assert any(f.entry_id == leaky.id and f.kind == "name" for f in flags)
    assert blinding.open_flags(db.session, contest) == []
    with pytest.raises(LeaksUnresolved):
        assigning.open_stage(db.session, file_store(), district["stage"], district["organiser"])
    db.session.rollback()
    name_flag = next(f for f in flags if f.entry_id == leaky.id and f.kind == "name")
    blinding.redact_flag(db.session, name_flag, district["organiser"])
    unit_copy = blinding.codes_of_entries(db.session, [leaky.id], round_.id)[leaky.id]
    assert "Tác giả Mộc Châu 0" not in unit_copy.markdown
    assert "Tác giả Mộc Châu 0" in leaky.body_markdown


def test_a_unit_judges_blind_with_a_third_judge_and_finalises(world, district):
    contest, round_, stage = district["contest"], district["round"], district["stage"]
    entries = district["entries"]
    with pytest.raises(JudgingClosed):
        units.unit_key(db.session, round_, district["organiser"])
    db.session.rollback()
    open_unit(district)
    assert contest.phase == "submission"  # the province has not opened anything
    jurors = {j.id for j in district["jurors"]}
    held = db.session.scalars(select(Assignment).where(Assignment.stage_id == stage.id)).all()
    assert len(held) == 2 * len(entries) and {a.judge_id for a in held} <= jurors
    for entry, share in zip(entries[:4], [0.9, 0.7, 0.7, 0.5], strict=True):
        score_unit_entry(stage, entry, [share, share])
    score_unit_entry(stage, entries[4], [0.9, 0.35])
    result = scoring.result_of(db.session, stage, entries[4].id)
    assert result.state == ResultState.NEEDS_THIRD
    third = db.session.scalar(
        select(Assignment).where(Assignment.entry_id == entries[4].id, Assignment.is_third)
    )
    assert third.judge_id in jurors and third.stage_id == stage.id
    score_unit_entry(stage, entries[4], [0.9, 0.35, 0.35])
    prizes = units.finalise_unit(db.session, round_, district["organiser"], NOW)
    db.session.commit()
    assert prizes == 4  # A: 90; B: 70, 70; C: 50 (the third-judged 35 is under C's 40)
    ranking = units.awards(db.session, round_)
    assert [a.entry_id for a in ranking][:1] == [entries[0].id]
    assert {a.prize_level.name for a in ranking if a.prize_level} == {
        "Giải A cấp huyện",
        "Giải B cấp huyện",
        "Giải C cấp huyện",
    }
    assert not contest.is_finalised
    assert db.session.scalars(select(Award).where(Award.round_id.is_(None))).all() == []
    assert reports.awards(db.session, contest) == []  # the province's winners hold none
    assert reports.official_result(db.session, entries[0]) == (None, None)
    key = units.unit_key(db.session, round_, district["organiser"])
    assert {c.entry_id for c in key} == {e.id for e in entries}
    with pytest.raises(JudgingClosed):
        units.finalise_unit(db.session, round_, district["organiser"], NOW)
    db.session.rollback()


def _finalised(district, shares):
    open_unit(district)
    for entry, share in zip(district["entries"], shares, strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()


def test_forwarding_by_results_shows_the_tie_at_the_cut(world, district):
    round_, entries = district["round"], district["entries"]
    with pytest.raises(JudgingClosed):
        units.forward_by_results(db.session, round_, None, NOW, [entries[0].id])
    db.session.rollback()
    _finalised(district, [0.9, 0.7, 0.7, 0.5, 0.45])
    proposal = units.forward_proposal(db.session, round_)  # quota 2: one seat for a tie of two
    assert proposal.proposed == [entries[0].id]
    assert sorted(proposal.tied) == sorted([entries[1].id, entries[2].id])
    assert proposal.seats == 1
    chosen = [entries[0].id, entries[2].id]
    with pytest.raises(InvalidInput):
        units.forward_by_results(db.session, round_, district["organiser"], NOW, chosen)
    db.session.rollback()
    with pytest.raises(QuotaExceeded):
        units.forward_by_results(
            db.session, round_, district["organiser"], NOW, [e.id for e in entries[:3]], "Cả ba"
        )
    db.session.rollback()
    result = units.forward_by_results(
        db.session, round_, district["organiser"], NOW, chosen, "Bài 2 sát chủ đề hơn"
    )
    db.session.commit()
    assert sorted(e.id for e in result.forwarded) == sorted(chosen)
    assert entries[1].state == EntryState.NOT_SELECTED
    seen = units.unit_results_of(db.session, chosen)
    assert seen[entries[0].id][0].prize_level.name == "Giải A cấp huyện"
    assert seen[entries[2].id][0].round_id == round_.id


def test_the_cli_forwards_by_results_and_leaves_a_tie_to_the_organiser(runner, world, district):
    """`judging forward --unit`: the page's rule from the command line (issue 24)."""
    round_, entries = district["round"], district["entries"]
    _finalised(district, [0.9, 0.7, 0.7, 0.5, 0.45])  # quota 2: one seat for a tie of two
    tied = runner.invoke(args=["judging", "forward", "son-la-2019", "--unit", "mch"])
    assert tied.exit_code == 1 and "đồng hạng ở ranh giới" in tied.output
    chosen = f"{entries[0].id},{entries[2].id}"
    no_reason = runner.invoke(
        args=["judging", "forward", "son-la-2019", "--unit", "MCH", "--entries", chosen]
    )
    assert no_reason.exit_code == 1 and "cần ghi rõ lý do" in no_reason.output
    done = runner.invoke(
        args=["judging", "forward", "son-la-2019", "--unit", "MCH", "--entries", chosen,
              "--reason", "Bài 2 sát chủ đề hơn"]
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Đã gửi 2 bài và 0 hồ sơ lên Tỉnh Sơn La" in done.output
    db.session.expire_all()
    assert entries[1].state == EntryState.NOT_SELECTED and round_.closed_at is not None


def test_the_province_judges_forwarded_entries_under_codes_of_its_own(world, district):
    round_, contest = district["round"], district["contest"]
    _finalised(district, [0.9, 0.8, 0.7, 0.5, 0.45])
    proposal = units.forward_proposal(db.session, round_)
    assert proposal.tied == []
    units.forward_by_results(db.session, round_, None, NOW, proposal.proposed)
    db.session.commit()
    blinding.prepare_blind_copies(db.session, file_store(), contest, None)
    db.session.commit()
    province = {c.entry_id: c for c in blinding.blind_copies(db.session, contest)}
    unit = {c.entry_id: c for c in blinding.blind_copies(db.session, contest, round_.id)}
    assert set(province) == set(proposal.proposed)
    assert all(province[e].code != unit[e].code for e in province)
    assert blinding.blind_copy_by_code(db.session, contest, unit[proposal.proposed[0]].code) is None
    assert db.session.scalars(select(LeakFlag).where(LeakFlag.round_id.is_(None))).all() == (
        blinding.all_flags(db.session, contest)
    )
    copies = db.session.scalars(select(BlindCopy).where(BlindCopy.round_id.is_(None))).all()
    assert len(copies) == len(proposal.proposed)


def test_access_matrix_for_unit_judging(world, district, panel):
    users, round_ = world["users"], district["round"]
    juror, province_judge = district["jurors"][0], users["judge"]
    manage = {
        name: policy.can_manage_unit_judging(users[name], round_)
        for name in ("organiser_d1", "organiser_d2", "organiser_c1", "province", "judge")
    }
    assert manage == {
        "organiser_d1": True,
        "organiser_d2": False,
        "organiser_c1": False,
        "province": True,
        "judge": False,
    }
    assert not policy.can_manage_unit_judging(users["province"], world["rounds"]["SL"])
    assert not policy.can_manage_unit_judging(juror, round_)
    reach = {
        (who, where): policy.judge_may_reach(db.session, user, stage)
        for who, user in (("juror", juror), ("province_judge", province_judge))
        for where, stage in (("unit", district["stage"]), ("province", panel["stage"]))
    }
    assert reach == {
        ("juror", "unit"): True,
        ("juror", "province"): False,
        ("province_judge", "unit"): False,
        ("province_judge", "province"): True,
    }
    assert not policy.judge_may_reach(db.session, users["organiser_d1"], district["stage"])
    assert not policy.can_view_unit_key(db.session, users["organiser_d1"], round_)
    assert policy.sees_unit_results(users["province"])
    assert not policy.sees_unit_results(province_judge)
    assert not policy.sees_unit_results(users["organiser_d1"])


def test_cli_opens_reports_and_finalises_a_unit_judging(runner, world, district, tmp_path):
    slug, round_ = "son-la-2019", district["round"]
    not_on = runner.invoke(args=["judging", "open", slug, "--unit", "YCH"])
    assert not_on.exit_code != 0 and "chưa bật chấm thi riêng" in not_on.output
    unknown = runner.invoke(args=["judging", "open", slug, "--unit", "NOPE"])
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    entry = district["entries"][0]
    entry.body_markdown += "\n\nTác giả Mộc Châu 0\n"
    db.session.commit()
    refused = runner.invoke(args=["judging", "open", slug, "--unit", "MCH"])
    assert refused.exit_code != 0 and "cảnh báo lộ danh tính" in refused.output
    code = blinding.code_of_entry(db.session, entry.id, round_.id)
    assert code and f"{code}\tname\tTác giả Mộc Châu 0" in refused.output
    for flag in blinding.open_flags(db.session, district["contest"], round_.id):
        blinding.redact_flag(db.session, flag, district["organiser"])
    db.session.commit()
    opened = runner.invoke(args=["judging", "open", slug, "--unit", "MCH"])
    assert opened.exit_code == 0, opened.output
    assert "10 lượt chấm" in opened.output  # 5 entries × k = 2
    unit_status = json.loads(
        runner.invoke(args=["judging", "status", slug, "--unit", "MCH", "--json"]).output
    )
    province_status = json.loads(runner.invoke(args=["judging", "status", slug, "--json"]).output)
    assert unit_status.keys() == province_status.keys()
    assert unit_status["phase"] == "on" and unit_status["stage_state"] == "open"
    assert unit_status["results_by_state"] == {"pending": 5}
    assert {j["name"] for j in unit_status["judges"]} == {j.full_name for j in district["jurors"]}
    assert province_status["stage"] is None and province_status["phase"] == "submission"
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    done = runner.invoke(args=["judging", "finalise", slug, "--unit", "MCH"])
    assert done.exit_code == 0, done.output
    assert "Huyện Mộc Châu: 5 giải" in done.output
    after = json.loads(
        runner.invoke(args=["judging", "status", slug, "--unit", "MCH", "--json"]).output
    )
    assert after["phase"] == "finalised" and after["stage_state"] == "closed"
    assert not district["contest"].is_finalised
    out = tmp_path / "mch.xlsx"
    exported = runner.invoke(args=["results", "export", slug, "--unit", "MCH", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(openpyxl.load_workbook(out)["Kết quả"].iter_rows(values_only=True))[1:]
    assert {r[0] for r in rows} == {
        c.code for c in blinding.blind_copies(db.session, district["contest"], round_.id)
    }
    assert rows[0][2] == "Giải A cấp huyện" and rows[0][6] == "Tác giả Mộc Châu 0"
    province = runner.invoke(args=["results", "export", slug, "--out", str(tmp_path / "p.csv")])
    assert province.exit_code != 0 and "chưa có vòng chấm" in province.output


def test_a_unit_second_stage_judges_the_unit_top_only(world, district):
    contest, round_, stage = district["contest"], district["round"], district["stage"]
    stage.advance_top_n = 3
    second = stages.create_stage(
        db.session, contest, name="Chung khảo huyện", rubric=DEMO_RUBRIC, round_=round_
    )
    for judge in district["jurors"]:
        panel_service.add_judge(db.session, second, judge, 0, 5)
    db.session.commit()
    assert second.position == 2 and stages.stages(db.session, contest) == []
    open_unit(district)
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(stage, entry, [share, share])
    results.close_stage(db.session, stage, district["organiser"])
    db.session.commit()
    assert stages.current_stage(db.session, contest, round_.id) is second
    assert {e.id for e in stages.stage_entries(db.session, second)} == {
        e.id for e in district["entries"][:3]
    }
    assert assigning.open_stage(db.session, file_store(), second, district["organiser"]) == 6
    db.session.commit()
