"""The demo's judging side: the jury, then blind scoring that is plausible and uneven enough
that discrepancies, a third judge and the head judge's step all occur."""

from __future__ import annotations

import math
import random

from sqlalchemy import select

from contest.demo import (
    DEMO_PASSWORD,
    JUDGED_AT_UNIT,
    STAFF_DOMAIN,
    demo_contest_data,
    forward_kept_open_rounds,
)
from contest.demo.text import person_name
from contest.lifecycles import Role
from contest.models import Contest, Round, User
from contest.platform.db import db, utcnow
from contest.platform.storage import FileStore
from contest.services.forwarding import pending_entries
from judging.models import Assignment, StageResult
from judging.services import (
    assigning,
    blinding,
    lifecycle,
    panel,
    prizes,
    scoring,
    stages,
    units,
)
from judging.states import ResultState

# The demo's rubric (criterion, max points, step), as its contest file gives the province's
# stage: the unit jury of Huyện Mộc Châu scores on it too.
DEMO_RUBRIC = [
    (c["name"], c["max_points"], c["step"])
    for c in demo_contest_data()["judging"]["stages"][0]["criteria"]
]

JUDGE_TEMPER = {1: -4.0, 2: 3.0, 3: 0.0, 4: -1.5, 5: 5.0, 6: -6.0}  # severity of giamkhao1..6
# Huyện Mộc Châu's own jury (title, login before ".mch@…"), the head judge last; its ladder,
# and its judges' severity: gaps of about 18 (a third judge), 11 (the head judge) and 7 points.
UNIT_JURY = [
    ("Giám khảo", "giamkhao1"),
    ("Giám khảo", "giamkhao2"),
    ("Giám khảo", "giamkhao3"),
    ("Trưởng ban giám khảo", "truongban"),
]
UNIT_PRIZES = [
    ("Giải A cấp huyện", 1, 80.0),
    ("Giải B cấp huyện", 1, 75.0),
    ("Giải C cấp huyện", 2, 70.0),
]
UNIT_TEMPER = {1: -9.0, 2: 2.0, 3: 9.0}
LEAK_KEPT_REASON = "Địa danh, từ ngữ thuộc nội dung bài, không chỉ ra tác giả."
TIE_REASON = "Các bài ngang nhau ở mọi tiêu chí; Hội đồng quyết định đồng giải."


def _organiser() -> User:
    return db.session.scalar(select(User).where(User.role == Role.PROVINCE_ORGANISER))


def setup_jury(contest: Contest, seed: int, files: FileStore) -> None:
    """Before judging (the stage, its rubric and the prize ladder came with the contest's
    file): the panel, the head judge, and the leak scan settled, so that `flask judging open`
    can run straight away."""
    stage = stages.current_stage(db.session, contest)
    stage.seed = seed
    accounts = sorted(panel.judge_accounts(db.session), key=lambda u: u.id)  # no unit jury
    for judge in (u for u in accounts if u.role == Role.JUDGE):
        panel.add_judge(db.session, stage, judge, min_load=0, max_load=40)
    head = next(u for u in accounts if u.role == Role.HEAD_JUDGE)
    panel.set_head_judge(db.session, stage, head)
    settle_leaks(contest, files)


def settle_leaks(contest: Contest, files: FileStore) -> None:
    """Rọc phách as the secretariat would do it before opening: codes, scan, every flag
    settled (names, phones, signatures hidden; place names kept with a reason)."""
    organiser = _organiser()
    blinding.prepare_blind_copies(db.session, files, contest, organiser)
    for flag in blinding.open_flags(db.session, contest):
        if flag.kind in ("unit", "self_reference"):
            blinding.clear_flag(db.session, flag, organiser, LEAK_KEPT_REASON)
        else:
            blinding.redact_flag(db.session, flag, organiser)


def judge_units(contest: Contest, seed: int, files: FileStore) -> None:
    """Each round the demo leaves to a unit jury (Huyện Mộc Châu) judges what it received;
    its organiser then forwards by results (`open_judging`, or live)."""
    for code in JUDGED_AT_UNIT:
        round_ = _unit_round(contest, code)
        if stages.unit_judging(db.session, round_.id) is None and pending_entries(
            db.session, round_
        ):
            _judge_unit(contest, round_, random.Random(f"{seed}-{code}"), files)


def _judge_unit(contest: Contest, round_: Round, rng: random.Random, files: FileStore) -> None:
    """The round switches its own judging on, appoints a jury of three and a head judge,
    sets its ladder, settles its rọc phách, scores blind (one severe and one lenient judge:
    a third marking and the head judge's step occur) and finalises with prizes."""
    organiser = _unit_organiser(round_)
    code = round_.unit.code
    units.switch_on(db.session, round_, organiser)
    jurors = [
        units.add_juror(
            db.session,
            round_,
            organiser,
            full_name=f"{title} {person_name(rng)}",
            email=f"{local}.{code.lower()}{STAFF_DOMAIN}",
            phone=None,
            password=DEMO_PASSWORD,
            is_head=title.startswith("Trưởng"),
        )
        for title, local in UNIT_JURY
    ]
    stage = stages.create_stage(
        db.session,
        contest,
        name="Chấm cấp huyện",
        judges_per_entry=2,
        rubric=DEMO_RUBRIC,
        seed=rng.randrange(1_000_000),
        round_=round_,
    )
    for juror in jurors[:-1]:
        panel.add_judge(db.session, stage, juror, min_load=0, max_load=40)
    panel.set_head_judge(db.session, stage, jurors[-1])
    stages.set_prize_ladder(db.session, contest, UNIT_PRIZES, round_.id)
    blinding.prepare_blind_copies(db.session, files, contest, organiser, round_)
    for flag in blinding.open_flags(db.session, contest, round_.id):
        if flag.kind in ("unit", "self_reference"):
            blinding.clear_flag(db.session, flag, organiser, LEAK_KEPT_REASON)
        else:
            blinding.redact_flag(db.session, flag, organiser)
    make_room(stage)
    assigning.open_stage(db.session, files, stage, organiser)
    assigning.release_assignments(db.session, stage, organiser, utcnow())
    score_stage(stage, rng, UNIT_TEMPER)
    prizes.share_all_ties(db.session, contest, organiser, TIE_REASON, round_.id)
    units.finalise_unit(db.session, round_, organiser, utcnow())


def forward_judged_units(contest: Contest, seed: int, files: FileStore) -> None:
    """The unit juries' rounds (judged first if the demo did not yet) send up their
    proposal by results; a tie at the quota's cut takes its first entries, with a reason."""
    judge_units(contest, seed, files)
    for code in JUDGED_AT_UNIT:
        round_ = _unit_round(contest, code)
        if round_.closed_at is not None or not stages.is_finalised(db.session, contest, round_.id):
            continue
        proposal = units.forward_proposal(db.session, round_)
        chosen = proposal.proposed + proposal.tied[: proposal.seats]
        reason = "Bài đồng hạng ở ngưỡng: chọn theo thứ tự nộp bài." if proposal.tied else ""
        units.forward_by_results(
            db.session, round_, _unit_organiser(round_), utcnow(), chosen, reason
        )


def _unit_round(contest: Contest, code: str) -> Round:
    return next(r for r in contest.rounds if r.unit.code == code)


def _unit_organiser(round_: Round) -> User:
    return db.session.scalar(
        select(User).where(User.role == Role.UNIT_ORGANISER, User.unit_id == round_.unit_id)
    )


def open_judging(contest: Contest, seed: int, files: FileStore) -> None:
    """Send up the rounds judged at their unit and those kept open for live use, then open
    the stage and release the assignments (entries forwarded since the leak scan are
    scanned too)."""
    organiser = _organiser()
    forward_judged_units(contest, seed, files)
    forward_kept_open_rounds(db.session, contest, utcnow(), seed)
    settle_leaks(contest, files)
    stage = stages.current_stage(db.session, contest)
    make_room(stage)
    assigning.open_stage(db.session, files, stage, organiser)
    assigning.release_assignments(db.session, stage, organiser, utcnow())


def make_room(stage) -> None:
    """A large demo (`--entries 20000`) sends more entries up than 40 each can judge: only
    then is every judge's load widened, third markings included; the default demo keeps 40."""
    members = stage.active_members
    count = stages.count_stage_entries(db.session, stage)
    if count * stage.judges_per_entry > sum(member.max_load for member in members):
        max_load = math.ceil(count * (stage.judges_per_entry + 1) / len(members))
        for member in members:
            panel.add_judge(db.session, stage, member.judge, member.min_load, max_load)


def score_all(contest: Contest, seed: int, files: FileStore) -> None:  # noqa: ARG001
    """Every province judge scores every entry given to them, third markings included; then
    the head judge settles the gaps sent to them."""
    score_stage(stages.current_stage(db.session, contest), random.Random(seed), JUDGE_TEMPER)


def score_stage(stage, rng: random.Random, temper: dict[int, float]) -> None:
    """Every judge of the stage scores what they hold until nothing waits (third markings
    included), then its head judge settles the gaps. `temper` is the severity of the panel's
    judges in the order they were created (1 the first); a head judge marking has none."""
    quality: dict[int, float] = {}
    judges = sorted(m.judge_id for m in stage.members if m.judge.role == Role.JUDGE)
    order = {judge_id: number for number, judge_id in enumerate(judges, start=1)}
    while True:
        waiting = [
            a
            for a in db.session.scalars(
                select(Assignment)
                .where(Assignment.stage_id == stage.id, Assignment.is_active)
                .order_by(Assignment.id)
            )
            if not a.is_submitted
        ]
        if not waiting:
            break
        for assign_ in waiting:
            base = quality.setdefault(assign_.entry_id, rng.uniform(0.55, 0.92))
            severity = temper.get(order.get(assign_.judge_id, 0), 0)
            wobble = rng.gauss(0, 0.09) if rng.random() < 0.25 else rng.gauss(0, 0.025)
            marks = {}
            for criterion in stage.criteria:
                # Criteria differ a little, so equal totals rarely tie on every criterion.
                share = base + severity / 100 + wobble + rng.gauss(0, 0.02)
                points = max(0.0, min(criterion.max_points, share * criterion.max_points))
                marks[criterion.id] = round(points / criterion.step) * criterion.step
            scoring.save_score(
                db.session,
                assign_,
                marks,
                "Bài viết có nhiều chi tiết cảm động.",
                submit=True,
                now=utcnow(),
            )
        db.session.flush()
    settle_gaps(stage)


def settle_gaps(stage) -> None:
    """The head judge's step: every gap the rule sends to them, decided with a reason."""
    head = stage.head_judge
    for result in db.session.scalars(
        select(StageResult).where(
            StageResult.stage_id == stage.id, StageResult.state == ResultState.NEEDS_HEAD
        )
    ):
        scoring.head_decide(
            db.session,
            result,
            head,
            result.official_score,
            "Hội ý với hai giám khảo, thống nhất giữ điểm trung bình.",
        )


def award(contest: Contest, seed: int, files: FileStore) -> None:  # noqa: ARG001
    """The organiser shares any prize tied at a boundary, then finalises."""
    organiser = _organiser()
    prizes.share_all_ties(db.session, contest, organiser, TIE_REASON)
    lifecycle.finalise(db.session, contest, organiser, utcnow())


def forwarded(contest: Contest, seed: int, files: FileStore) -> None:
    """The demo's "forwarded": the unit juries have judged (waiting to forward by results),
    the province's jury is set up."""
    judge_units(contest, seed, files)
    setup_jury(contest, seed, files)


HANDLERS = {"forwarded": forwarded, "judging": open_judging, "scored": score_all, "awarded": award}
