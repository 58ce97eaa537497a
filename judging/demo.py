"""The demo's judging side: the jury, then blind scoring that is plausible and uneven enough
that discrepancies, a third judge and the head judge's step all occur."""

from __future__ import annotations

import math
import random

from sqlalchemy import select

from contest.db import db, utcnow
from contest.demo import forward_kept_open_rounds
from contest.lifecycles import Role
from contest.models import Contest, User
from judging.models import Assignment, StageResult
from judging.services import assigning, blinding, lifecycle, panel, prizes, scoring, stages
from judging.states import ResultState

# The demo's rubric (criterion, max points, step) and prize ladder (name, how many, minimum
# score): the Sơn La 2019 rules. A real contest fills in its own on the setup page.
DEMO_RUBRIC = [
    ("Tính chân thực, cụ thể", 30.0, 0.5),
    ("Tính tiêu biểu, giá trị nêu gương", 30.0, 0.5),
    ("Nội dung, bố cục", 20.0, 0.5),
    ("Văn phong, ngôn ngữ", 20.0, 0.5),
]
DEMO_PRIZES = [
    ("Giải Nhất", 1, 80.0),
    ("Giải Nhì", 2, 75.0),
    ("Giải Ba", 3, 70.0),
    ("Giải Khuyến khích", 10, 60.0),
]

JUDGE_TEMPER = {1: -4.0, 2: 3.0, 3: 0.0, 4: -1.5, 5: 5.0, 6: -6.0}  # severity of giamkhao1..6


def _organiser() -> User:
    return db.session.scalar(select(User).where(User.role == Role.PROVINCE_ORGANISER))


def setup_jury(contest: Contest, seed: int) -> None:
    """Before judging: the stage and its rubric, the panel, the head judge, the prize ladder,
    and the leak scan settled, so that `flask judging open` can run straight away."""
    stage = stages.create_stage(
        db.session, contest, name="Chung khảo", judges_per_entry=2, rubric=DEMO_RUBRIC, seed=seed
    )
    judges = db.session.scalars(select(User).where(User.role == Role.JUDGE).order_by(User.id)).all()
    for judge in judges:
        panel.add_judge(db.session, stage, judge, min_load=0, max_load=40)
    head = db.session.scalar(select(User).where(User.role == Role.HEAD_JUDGE))
    panel.set_head_judge(db.session, stage, head)
    stages.set_prize_ladder(db.session, contest, DEMO_PRIZES)
    settle_leaks(contest)


def settle_leaks(contest: Contest) -> None:
    """Rọc phách as the secretariat would do it before opening: codes, scan, every flag
    settled (names, phones, signatures hidden; place names kept with a reason)."""
    organiser = _organiser()
    blinding.prepare_blind_copies(db.session, contest, organiser)
    for flag in blinding.open_flags(db.session, contest):
        if flag.kind in ("unit", "self_reference"):
            blinding.clear_flag(
                db.session,
                flag,
                organiser,
                "Địa danh, từ ngữ thuộc nội dung bài, không chỉ ra tác giả.",
            )
        else:
            blinding.redact_flag(db.session, flag, organiser)


def open_judging(contest: Contest, seed: int) -> None:
    """Send up the rounds kept open for live use, then open the stage and release the
    assignments (entries forwarded since the leak scan are scanned too)."""
    organiser = _organiser()
    forward_kept_open_rounds(db.session, contest, utcnow(), seed)
    settle_leaks(contest)
    stage = stages.current_stage(db.session, contest)
    make_room(stage)
    assigning.open_stage(db.session, stage, organiser)
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


def score_all(contest: Contest, seed: int) -> None:
    """Every judge scores every entry given to them, third markings included; then the head
    judge settles the gaps sent to them."""
    rng = random.Random(seed)
    stage = stages.current_stage(db.session, contest)
    quality: dict[int, float] = {}
    emails = {
        u.id: u.email for u in db.session.scalars(select(User).where(User.role == Role.JUDGE))
    }
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
            number = int((emails.get(assign_.judge_id) or "giamkhao3")[8:].split("@")[0] or 3)
            wobble = rng.gauss(0, 0.09) if rng.random() < 0.25 else rng.gauss(0, 0.025)
            marks = {}
            for criterion in stage.criteria:
                # Criteria differ a little, so equal totals rarely tie on every criterion.
                share = base + JUDGE_TEMPER.get(number, 0) / 100 + wobble + rng.gauss(0, 0.02)
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


def award(contest: Contest, seed: int) -> None:
    """The organiser shares any prize tied at a boundary, then finalises."""
    organiser = _organiser()
    prizes.share_all_ties(
        db.session,
        contest,
        organiser,
        "Các bài ngang nhau ở mọi tiêu chí; Hội đồng quyết định đồng giải.",
    )
    lifecycle.finalise(db.session, contest, organiser, utcnow())


HANDLERS = {"forwarded": setup_jury, "judging": open_judging, "scored": score_all, "awarded": award}
