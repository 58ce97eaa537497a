"""Prizes by the ladder on the final stage's official scores: ties at a boundary shown and
settled by the organiser (share the prize, or choose), with what the advisory calibration
would have changed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.models import Contest, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.text import nfc
from judging import wording
from judging.audit import JudgingAction
from judging.errors import JudgingClosed
from judging.models import PrizeLevel, TieDecision
from judging.rules import aggregation
from judging.services.results import EntryResult, stage_results, tiebreak_criteria
from judging.services.stages import final_stage, is_finalised, prize_levels
from judging.states import TieChoice


@dataclass
class PrizeView:
    allocation: aggregation.Allocation
    levels: list[PrizeLevel]
    results: list[EntryResult]
    calibration_changes: dict[int, tuple[int | None, int | None]]
    decisions: dict[int, TieDecision]
    tie_notes: dict[int, list[dict]]  # entry → how equal scores were parted around it

    def tie_lines(self) -> list[str]:
        """Each pair of equal scores the tie-break parted, once, naming both codes."""
        return [
            text
            for notes in self.tie_notes.values()
            for note, text in zip(notes, wording.tie_break_texts(notes), strict=True)
            if note["above"]
        ]

    def tie_texts(self, entry_id: int) -> list[str]:
        """How the entry's equal score was parted from its neighbours', in words."""
        return wording.tie_break_texts(self.tie_notes.get(entry_id, []))

    @property
    def level_of(self) -> dict[int, int]:
        """Entry → the prize level it gets."""
        return level_of(self.allocation)


def level_of(allocation: aggregation.Allocation) -> dict[int, int]:
    return {e: level for level, ids in allocation.prizes.items() for e in ids}


def tie_notes(
    allocation: aggregation.Allocation, results: Sequence[EntryResult], criteria: Sequence[str]
) -> dict[int, list[dict]]:
    """For each entry whose equal score a tie-break key parted from a neighbour's: the score,
    the deciding criterion, both averages, and the neighbour's code and rank, from the entry's
    side (what `wording.tie_break_texts` says and an award keeps)."""
    codes = {r.entry.id: r.code for r in results}
    notes: dict[int, list[dict]] = {}
    for tie in aggregation.broken_ties([r.ranked for r in results]):
        pair = (
            (tie.above, tie.below, tie.above_value, tie.below_value, True),
            (tie.below, tie.above, tie.below_value, tie.above_value, False),
        )
        for entry_id, other_id, mine, theirs, above in pair:
            notes.setdefault(entry_id, []).append(
                {
                    "score": tie.score,
                    "criterion": criteria[tie.key_index],
                    "mine": mine,
                    "theirs": theirs,
                    "above": above,
                    "other_code": codes[other_id],
                    "other_rank": allocation.ranks[other_id],
                }
            )
    return notes


def _official(
    results: Sequence[EntryResult], levels: Sequence[PrizeLevel], decisions: dict
) -> aggregation.Allocation:
    return aggregation.allocate(
        [r.ranked for r in results],
        [aggregation.Level(lv.id, lv.quota, lv.min_score) for lv in levels],
        {lv: (d.decision, json.loads(d.chosen_entry_ids or "[]")) for lv, d in decisions.items()},
    )


def compute_prizes(
    session: Session,
    contest: Contest,
    results: list[EntryResult] | None = None,
    round_id: int | None = None,
) -> PrizeView:
    """The prize view of the contest's judging (or of unit round `round_id`'s); `results`
    (the final stage's) when already loaded."""
    stage = final_stage(session, contest, round_id)
    if results is None:
        results = stage_results(session, stage)
    results = [r for r in results if r.result.official_score is not None]
    levels = prize_levels(session, contest, round_id)
    decisions = {
        d.prize_level_id: d
        for d in session.scalars(
            select(TieDecision).where(TieDecision.prize_level_id.in_([lv.id for lv in levels]))
        )
    }
    allocation = _official(results, levels, decisions)
    calibrated = aggregation.allocate(
        [
            aggregation.Ranked(
                r.entry.id,
                r.calibrated if r.calibrated is not None else r.result.official_score,
                r.tiebreak,
            )
            for r in results
        ],
        [aggregation.Level(lv.id, lv.quota, lv.min_score) for lv in levels],
        {lv.id: (TieChoice.SHARE, []) for lv in levels},
    )
    official_level, calibrated_level = level_of(allocation), level_of(calibrated)
    changes = {
        r.entry.id: (official_level.get(r.entry.id), calibrated_level.get(r.entry.id))
        for r in results
        if official_level.get(r.entry.id) != calibrated_level.get(r.entry.id)
    }
    # Listed in rank order (equal keys share a rank; equal totals are ordered by the criteria
    # tie-break, as the rules say), then by code.
    results.sort(key=lambda r: (allocation.ranks.get(r.entry.id, len(results) + 1), r.code))
    criteria = [c.name for c in tiebreak_criteria(stage)]
    notes = tie_notes(allocation, results, criteria)
    return PrizeView(allocation, levels, results, changes, decisions, notes)


def decide_tie(
    session: Session,
    contest: Contest,
    level: PrizeLevel,
    actor: User | None,
    decision: str,
    chosen: list[int],
    reason: str,
    view: PrizeView | None = None,
) -> TieDecision:
    """The organiser settles a tie at a prize boundary: share the prize, or choose. `view`
    (updated in place) spares recomputing the prizes when the caller has them."""
    view = view if view is not None else compute_prizes(session, contest, round_id=level.round_id)
    if is_finalised(session, contest, level.round_id):
        raise JudgingClosed(_l("Kết quả đã công bố."))
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do."))
    tied = view.allocation.ties.get(level.id)
    existing = view.decisions.get(level.id)
    if tied is None and existing is None:
        raise InvalidInput(_l("Không có bài đồng điểm ở ranh giới giải này."))
    if decision == TieChoice.CHOOSE:
        seats = view.allocation.tie_seats.get(level.id, 0)
        if not chosen or (
            tied is not None and (not set(chosen) <= set(tied) or len(chosen) > seats)
        ):
            raise InvalidInput(_l("Hãy chọn tối đa %(n)s bài trong số các bài đồng điểm.", n=seats))
    elif decision != TieChoice.SHARE:
        raise InvalidInput(_l("Quyết định không hợp lệ."))
    if existing is not None:
        session.delete(existing)
        session.flush()
    record = TieDecision(
        contest_id=contest.id,
        prize_level_id=level.id,
        decision=decision,
        chosen_entry_ids=json.dumps(sorted(chosen)),
        reason=reason,
        decided_by_id=actor.id if actor else None,
    )
    session.add(record)
    view.decisions[level.id] = record
    codes = {r.entry.id: r.code for r in view.results}
    record_event(
        session,
        actor,
        level,
        JudgingAction.TIE_SHARED if decision == TieChoice.SHARE else JudgingAction.TIE_CHOSEN,
        contest_id=contest.id,
        reason=reason,
        codes=", ".join(codes.get(e, "") for e in sorted(chosen)),
    )
    session.flush()
    return record


def share_all_ties(
    session: Session,
    contest: Contest,
    actor: User | None,
    reason: str,
    round_id: int | None = None,
) -> int:
    """Share every prize tied at a boundary, one level at a time (a shared prize can move
    the next boundary). The scores are loaded once; only the allocation is recomputed.
    Returns how many decisions were recorded."""
    view = compute_prizes(session, contest, round_id=round_id)
    decided = 0
    while True:
        tied = [level for level in view.levels if level.id in view.allocation.ties]
        if not tied:
            return decided
        decide_tie(session, contest, tied[0], actor, TieChoice.SHARE, [], reason, view)
        view.allocation = _official(view.results, view.levels, view.decisions)
        decided += 1
