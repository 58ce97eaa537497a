"""What organisers, the CLI and the other packages read: progress per judge, the figures of
agreement, the results export, the official result of an entry and the awards."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from contest.models import Contest, Entry, Round, User
from contest.platform.audit import record_event
from contest.platform.text import vietnamese_key
from judging.audit import JudgingAction
from judging.export import ExportData
from judging.models import Assignment, Award, BlindCopy, Score, Stage, StageResult, in_judging
from judging.rules.reliability import reliability
from judging.services.blinding import blind_copies, open_flags
from judging.services.prizes import compute_prizes
from judging.services.results import stage_results
from judging.services.stages import current_stage, final_stage, is_finalised, unit_judging
from judging.states import ResultState


def progress(session: Session, stage: Stage) -> list[dict]:
    """Per judge: assigned, submitted, drafts — who is behind (one query, names included)."""
    rows = session.execute(
        select(
            Assignment.judge_id,
            User.full_name,
            func.count(Assignment.id),
            func.count(Score.submitted_at),
            func.count(Score.id),
        )
        .join(User, User.id == Assignment.judge_id)
        .outerjoin(Score, Score.assignment_id == Assignment.id)
        .where(Assignment.stage_id == stage.id, Assignment.is_active)
        .group_by(Assignment.judge_id, User.full_name)
    ).all()
    out = [
        {
            "judge_id": j,
            "name": name,
            "assigned": n,
            "submitted": s,
            "drafts": d - s,
            "share": s / n if n else 0.0,
        }
        for j, name, n, s, d in rows
    ]
    return sorted(out, key=lambda r: (r["share"], vietnamese_key(r["name"])))


def judging_status(session: Session, contest: Contest, round_: Round | None = None) -> dict:
    """Where the province's judging (or a unit round's own) stands: its current stage, leak
    flags still open, results by state, third markings, head-judge decisions, agreement and
    each judge's progress — what `flask judging status --json` prints and the summary report
    carries, so the two always agree."""
    round_id = round_.id if round_ is not None else None
    stage = current_stage(session, contest, round_id)
    found = stage_results(session, stage) if stage else []
    phase = contest.phase if round_ is None else unit_judging(session, round_id).state
    figures = reliability(score_triples(session, stage), stage.agree_gap) if stage else None
    return {
        "contest": contest.slug,
        "phase": str(phase),
        "stage": stage.name if stage else None,
        "stage_state": str(stage.state) if stage else None,
        "open_flags": len(open_flags(session, contest, round_id)),
        "entries": len(found),
        "results_by_state": dict(Counter(str(r.result.state) for r in found)),
        "third_judges": sum(1 for r in found if len(r.totals) > stage.judges_per_entry),
        "head_decisions": sum(1 for r in found if r.result.state == ResultState.DECIDED),
        "scores_submitted": sum(len(r.totals) for r in found),
        "agreement": {
            "alpha": figures.alpha if figures else None,
            "within_gap": figures.within_share if figures else None,
            "pairs": figures.pairs if figures else 0,
        },
        "judges": [
            {k: v for k, v in p.items() if k != "judge_id"}
            for p in (progress(session, stage) if stage else [])
        ],
    }


def score_triples(session: Session, stage: Stage) -> list[tuple[int, int, float]]:
    """(entry, judge, total) of every submitted score: the input of the reliability figures."""
    return [
        tuple(row)
        for row in session.execute(
            select(Assignment.entry_id, Assignment.judge_id, Score.total)
            .join(Score, Score.assignment_id == Assignment.id)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.is_active,
                Score.submitted_at.is_not(None),
            )
        ).all()
    ]


def judge_names(session: Session, stage: Stage) -> dict[int, str]:
    """The panel's names by judge id, in one query."""
    return dict(
        session.execute(
            select(User.id, User.full_name).where(
                User.id.in_(select(Assignment.judge_id).where(Assignment.stage_id == stage.id))
            )
        ).all()
    )


def export_data(session: Session, contest: Contest, round_id: int | None = None) -> ExportData:
    """Rows for the results export of the province's judging (or unit round `round_id`'s);
    titles, authors and units only once that judging is finalised: a title next to a code
    is the key, which a unit's organiser gets only then (the round page names its authors)."""
    stage = final_stage(session, contest, round_id)
    view = compute_prizes(session, contest, round_id=round_id)
    level_name = {lv.id: lv.name for lv in view.levels}
    prize_of = view.level_of
    revealed = is_finalised(session, contest, round_id)
    rows = []
    for r in view.results:
        entry = r.entry
        rows.append(
            [
                r.code,
                view.allocation.ranks.get(entry.id),
                level_name.get(prize_of.get(entry.id), ""),
                r.result.official_score,
                r.calibrated,
                entry.title if revealed else "",
                entry.author.full_name if revealed else "",
                entry.author_unit.name if revealed else "",
                " ".join(view.tie_texts(entry.id)),
            ]
        )
    criteria = stage.criteria
    judge_rows = []
    # Every scored entry's code, those still without an official score too: the organiser
    # reopens a score by judge and code before anything is final.
    codes = dict(
        session.execute(
            select(BlindCopy.entry_id, BlindCopy.code).where(
                BlindCopy.contest_id == contest.id, in_judging(BlindCopy.round_id, round_id)
            )
        ).all()
    )
    for a in session.scalars(
        select(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.is_active)
        .options(
            selectinload(Assignment.score).selectinload(Score.marks), selectinload(Assignment.judge)
        )
        .order_by(Assignment.entry_id, Assignment.id)
    ):
        if not a.is_submitted:
            continue
        points = {m.criterion_id: m.points for m in a.score.marks}
        judge_rows.append(
            [
                codes.get(a.entry_id, ""),
                a.judge.full_name,
                *[points.get(c.id) for c in criteria],
                a.score.total,
            ]
        )
    return ExportData(rows, [c.name for c in criteria], judge_rows)


def exported_results(
    session: Session, actor: User, contest: Contest, fmt: str, round_: Round | None = None
) -> ExportData:
    """The results (the province's, or `round_`'s own) for a download, read in the same unit
    of work that records the download in the audit log."""
    record_event(
        session,
        actor,
        round_ or contest,
        JudgingAction.RESULTS_EXPORTED,
        contest_id=contest.id,
        format=fmt,
    )
    return export_data(session, contest, round_.id if round_ else None)


def opened_key(session: Session, actor: User, contest: Contest) -> list[BlindCopy]:
    """The code → entry key, its opening recorded in the same unit of work."""
    record_event(session, actor, contest, JudgingAction.KEY_VIEWED)
    return blind_copies(session, contest)


def awards(session: Session, contest: Contest, *, prize_winners_only: bool = False) -> list[Award]:
    """The final ranking, prize winners first (after finalisation only); with
    `prize_winners_only`, the winners alone, read without the ranking below them."""
    query = (
        select(Award)
        .where(Award.contest_id == contest.id, Award.round_id.is_(None))
        .options(selectinload(Award.entry), selectinload(Award.prize_level))
    )
    if prize_winners_only:
        query = query.where(Award.prize_level_id.is_not(None))
    found = session.scalars(query)
    # Equal ranks (shared prizes) are listed by author in Vietnamese order.
    return sorted(
        found,
        key=lambda a: (
            a.prize_level_id is None,
            a.rank,
            vietnamese_key(a.entry.author.full_name),
        ),
    )


def prize_order(award: Award) -> tuple:
    """Prize winners by prize, then rank, equal ranks by author in Vietnamese order: the
    order of a winners list and of the certificates' numbers."""
    return (award.prize_level.position, award.rank, vietnamese_key(award.entry.author.full_name))


def official_result(session: Session, entry: Entry) -> tuple[Award | None, float | None]:
    """The entry's award and official score in the final stage (after finalisation)."""
    award = session.scalar(
        select(Award).where(Award.entry_id == entry.id, Award.round_id.is_(None))
    )
    stage = final_stage(session, entry.contest)
    if stage is None:
        return award, None
    score = session.scalar(
        select(StageResult.official_score).where(
            StageResult.stage_id == stage.id, StageResult.entry_id == entry.id
        )
    )
    return award, score


def submitted_scores(session: Session, stage: Stage) -> list[tuple[str, str, float]]:
    """(code, judge, total) of every submitted score of the stage, by code: which judge to
    name when a score is reopened, which only the organisers see."""
    rows = session.execute(
        select(BlindCopy.code, User.full_name, Score.total)
        .join(Assignment, Assignment.id == Score.assignment_id)
        .join(User, User.id == Assignment.judge_id)
        .join(
            BlindCopy,
            (BlindCopy.entry_id == Assignment.entry_id)
            & (
                BlindCopy.round_id.is_(None)
                if stage.round_id is None
                else BlindCopy.round_id == stage.round_id
            ),
        )
        .where(Assignment.stage_id == stage.id, Score.submitted_at.is_not(None))
        .order_by(BlindCopy.code, User.full_name)
    )
    return [(code, name, total) for code, name, total in rows]
