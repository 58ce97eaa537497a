"""The demo's judging side: the jury, then blind scoring that is plausible and uneven enough
that discrepancies, a third judge and the head judge's step all occur."""

from __future__ import annotations

import random

from sqlalchemy import select

from contest.db import db, utcnow
from contest.models import Contest, User
from judging import services
from judging.models import Assignment, StageResult

JUDGE_TEMPER = {1: -4.0, 2: 3.0, 3: 0.0, 4: -1.5, 5: 5.0, 6: -6.0}  # severity of giamkhao1..6


def _organiser() -> User:
    return db.session.scalar(select(User).where(User.role == "province_organiser"))


def setup_jury(contest: Contest, seed: int) -> None:
    """Before judging: the stage and its rubric, the panel, the head judge, the prize ladder,
    and the leak scan settled, so that `flask judging open` can run straight away."""
    stage = services.create_stage(
        db.session, contest, name="Chung khảo", judges_per_entry=2, seed=seed
    )
    judges = db.session.scalars(select(User).where(User.role == "judge").order_by(User.id)).all()
    for judge in judges:
        services.add_judge(db.session, stage, judge, min_load=0, max_load=40)
    head = db.session.scalar(select(User).where(User.role == "head_judge"))
    services.set_head_judge(db.session, stage, head)
    services.set_prize_ladder(db.session, contest, services.DEMO_PRIZES)
    settle_leaks(contest)


def settle_leaks(contest: Contest) -> None:
    """Rọc phách as the secretariat would do it before opening: codes, scan, every flag
    settled (names, phones, signatures hidden; place names kept with a reason)."""
    organiser = _organiser()
    services.prepare_blind_copies(db.session, contest, organiser)
    for flag in services.open_flags(db.session, contest):
        if flag.kind in ("unit", "self_reference"):
            services.clear_flag(
                db.session,
                flag,
                organiser,
                "Địa danh, từ ngữ thuộc nội dung bài, không chỉ ra tác giả.",
            )
        else:
            services.redact_flag(db.session, flag, organiser)


def open_judging(contest: Contest, seed: int) -> None:
    """Open the stage and release the assignments (entries forwarded since are scanned too)."""
    organiser = _organiser()
    settle_leaks(contest)
    stage = services.current_stage(db.session, contest)
    services.open_stage(db.session, stage, organiser, utcnow())
    services.release_assignments(db.session, stage, organiser, utcnow())


def score_all(contest: Contest, seed: int) -> None:
    """Every judge scores every entry given to them, third markings included; then the head
    judge settles the gaps sent to them."""
    rng = random.Random(seed)
    stage = services.current_stage(db.session, contest)
    quality: dict[int, float] = {}
    emails = {u.id: u.email for u in db.session.scalars(select(User).where(User.role == "judge"))}
    while True:
        waiting = [
            a
            for a in db.session.scalars(
                select(Assignment)
                .where(Assignment.stage_id == stage.id, Assignment.state == "active")
                .order_by(Assignment.id)
            )
            if a.score is None or not a.score.is_submitted
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
            services.save_score(
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
            StageResult.stage_id == stage.id, StageResult.state == "needs_head"
        )
    ):
        services.head_decide(
            db.session,
            result,
            head,
            result.official_score,
            "Hội ý với hai giám khảo, thống nhất giữ điểm trung bình.",
        )


def award(contest: Contest, seed: int) -> None:
    """The organiser shares any prize tied at a boundary, then finalises."""
    organiser = _organiser()
    services.share_all_ties(
        db.session,
        contest,
        organiser,
        "Các bài ngang nhau ở mọi tiêu chí; Hội đồng quyết định đồng giải.",
    )
    services.finalise(db.session, contest, organiser, utcnow())


HANDLERS = {"forwarded": setup_jury, "judging": open_judging, "scored": score_all, "awarded": award}
