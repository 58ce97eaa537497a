"""Verbs of blind judging. Each takes the session and model objects or plain values, may
flush, never commits. The pure modules (assignment, aggregation, reliability, leakscan) do
the computing; this module loads their inputs and stores their outputs."""

from __future__ import annotations

import json
import os
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from contest import storage
from contest.audit import record_legacy_event as record_event
from contest.errors import InvalidInput
from contest.intake import markdown_to_html, markdown_to_text
from contest.models import Contest, Entry, Unit, User
from contest.text import nfc
from judging import aggregation, assignment, blind, leakscan
from judging.errors import (
    ConflictOfInterest,
    JudgingClosed,
    LeaksUnresolved,
    ScoreInvalid,
    TiesUndecided,
)
from judging.export import ExportData
from judging.models import (
    Assignment,
    Award,
    BlindCopy,
    Conflict,
    Criterion,
    CriterionScore,
    LeakFlag,
    PanelMember,
    PrizeLevel,
    Score,
    Stage,
    StageResult,
    TieDecision,
)

DEMO_RUBRIC = [
    ("Tính chân thực, cụ thể", 30.0),
    ("Tính tiêu biểu, giá trị nêu gương", 30.0),
    ("Nội dung, bố cục", 20.0),
    ("Văn phong, ngôn ngữ", 20.0),
]
DEMO_PRIZES = [
    ("Giải Nhất", 1, 80.0),
    ("Giải Nhì", 2, 75.0),
    ("Giải Ba", 3, 70.0),
    ("Giải Khuyến khích", 10, 60.0),
]


# --- configuration ------------------------------------------------------------------------


def stages(session: Session, contest: Contest) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage).where(Stage.contest_id == contest.id).order_by(Stage.position)
        )
    )


def current_stage(session: Session, contest: Contest) -> Stage | None:
    """The open stage, else the last one that is not closed, else the last."""
    all_stages = stages(session, contest)
    for stage in all_stages:
        if stage.state == "open":
            return stage
    for stage in all_stages:
        if stage.state == "draft":
            return stage
    return all_stages[-1] if all_stages else None


def create_stage(
    session: Session,
    contest: Contest,
    *,
    name: str,
    judges_per_entry: int = 2,
    rubric: list[tuple[str, float]] = DEMO_RUBRIC,
    step: float = 0.5,
    seed: int = 2019,
    advance_top_n: int | None = None,
    advance_min_score: float | None = None,
) -> Stage:
    """A stage with its rubric; stages are numbered in the order they are created."""
    if not rubric:
        raise InvalidInput("Thang điểm cần ít nhất một tiêu chí.")
    position = len(stages(session, contest)) + 1
    stage = Stage(
        contest=contest,
        position=position,
        name=nfc(name),
        judges_per_entry=judges_per_entry,
        seed=seed,
        advance_top_n=advance_top_n,
        advance_min_score=advance_min_score,
    )
    for index, (criterion, max_points) in enumerate(rubric, start=1):
        stage.criteria.append(
            Criterion(position=index, name=nfc(criterion), max_points=max_points, step=step)
        )
    session.add(stage)
    session.flush()
    return stage


def configure_stage(
    session: Session,
    stage: Stage,
    *,
    name: str,
    judges_per_entry: int,
    agree_gap: float,
    head_gap: float,
    three_mean_gap: float,
    advance_top_n: int | None,
    advance_min_score: float | None,
    rubric: list[tuple[str, float, float]],
) -> Stage:
    """Change a stage before it opens: its rules and its rubric (name, max points, step)."""
    if stage.state != "draft":
        raise JudgingClosed("Vòng chấm đã mở: không thể đổi thang điểm và quy tắc.")
    if not 0 <= agree_gap <= head_gap or three_mean_gap < 0:
        raise InvalidInput("Các mức chênh lệch phải tăng dần: lấy trung bình ≤ trưởng ban.")
    if any(points <= 0 or step <= 0 for _name, points, step in rubric):
        raise InvalidInput("Điểm tối đa và bước chấm phải lớn hơn 0.")
    stage.name, stage.judges_per_entry = nfc(name.strip()), judges_per_entry
    stage.agree_gap, stage.head_gap, stage.three_mean_gap = agree_gap, head_gap, three_mean_gap
    stage.advance_top_n, stage.advance_min_score = advance_top_n, advance_min_score
    stage.criteria.clear()
    session.flush()
    for index, (criterion, points, step) in enumerate(rubric, start=1):
        stage.criteria.append(
            Criterion(position=index, name=nfc(criterion), max_points=points, step=step)
        )
    session.flush()
    return stage


def set_prize_ladder(
    session: Session, contest: Contest, ladder: list[tuple[str, int, float]]
) -> list[PrizeLevel]:
    """Replace the ladder (before finalisation): name, how many, minimum score."""
    if contest.is_finalised:
        raise JudgingClosed("Kết quả đã công bố, không thể đổi cơ cấu giải.")
    for level in session.scalars(select(PrizeLevel).where(PrizeLevel.contest_id == contest.id)):
        session.delete(level)
    session.flush()
    levels = [
        PrizeLevel(
            contest_id=contest.id, position=i, name=nfc(name), quota=quota, min_score=min_score
        )
        for i, (name, quota, min_score) in enumerate(ladder, start=1)
    ]
    session.add_all(levels)
    session.flush()
    return levels


def prize_levels(session: Session, contest: Contest) -> list[PrizeLevel]:
    return list(
        session.scalars(
            select(PrizeLevel)
            .where(PrizeLevel.contest_id == contest.id)
            .order_by(PrizeLevel.position)
        )
    )


def add_judge(
    session: Session, stage: Stage, judge: User, min_load: int = 0, max_load: int = 50
) -> PanelMember:
    """Put a judge on the stage's panel with load bounds."""
    if not judge.is_judge:
        raise InvalidInput("Chỉ tài khoản giám khảo mới được đưa vào hội đồng chấm.")
    if not 0 <= min_load <= max_load:
        raise InvalidInput("Mức chấm tối thiểu phải từ 0 đến mức tối đa.")
    member = session.scalar(
        select(PanelMember).where(
            PanelMember.stage_id == stage.id, PanelMember.judge_id == judge.id
        )
    )
    if member is None:
        member = PanelMember(stage=stage, judge=judge)
        session.add(member)
    member.min_load, member.max_load, member.is_withdrawn = min_load, max_load, False
    session.flush()
    return member


def set_head_judge(session: Session, stage: Stage, judge: User) -> None:
    if judge.role != "head_judge":
        raise InvalidInput("Trưởng ban giám khảo phải là tài khoản trưởng ban.")
    stage.head_judge = judge
    session.flush()


def active_members(stage: Stage) -> list[PanelMember]:
    return [m for m in stage.members if not m.is_withdrawn]


def declare_conflict(
    session: Session, judge: User, entry: Entry, reason: str, actor: User | None
) -> Conflict:
    conflict = session.scalar(
        select(Conflict).where(Conflict.judge_id == judge.id, Conflict.entry_id == entry.id)
    )
    if conflict is None:
        conflict = Conflict(judge_id=judge.id, entry_id=entry.id, reason=nfc(reason.strip()))
        session.add(conflict)
        session.flush()
        record_event(
            session,
            actor,
            entry,
            "conflict",
            "",
            "",
            f"giám khảo #{judge.id}",
            contest_id=entry.contest_id,
        )
    return conflict


# --- who is in the provincial round -------------------------------------------------------


def province_entries(session: Session, contest: Contest) -> list[Entry]:
    """Entries that reached the provincial round and are still in the running."""
    province_round = contest.province_round(session)
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.round_id == province_round.id, Entry.state == "forwarded")
            .order_by(Entry.id)
        )
    )


def stage_entries(session: Session, stage: Stage) -> list[Entry]:
    """Stage 1 judges every entry at the province; later stages those advanced to them."""
    if stage.position == 1:
        return province_entries(session, stage.contest)
    previous = session.scalar(
        select(Stage).where(
            Stage.contest_id == stage.contest_id, Stage.position == stage.position - 1
        )
    )
    return list(
        session.scalars(
            select(Entry)
            .join(StageResult, StageResult.entry_id == Entry.id)
            .where(StageResult.stage_id == previous.id, StageResult.is_advanced.is_(True))
            .order_by(Entry.id)
        )
    )


# --- rọc phách: codes, judges' copies, leak scan -------------------------------------------


def blind_dir(media_key: str) -> str:
    return os.path.join(storage.root(), "blind", media_key)


def code_prefix(slug: str) -> str:
    """`son-la-2019` → `SL19`: the initials of the words and the year's last two digits."""
    words = [w for w in slug.split("-") if w]
    letters = "".join(w[0] for w in words if not w.isdigit())[:3].upper() or "GS"
    years = [w for w in words if w.isdigit()]
    return letters + (years[-1][-2:] if years else "")


def prepare_blind_copies(session: Session, contest: Contest, actor: User | None) -> int:
    """Give every provincial entry a code and a judges' copy, and scan it for leaks.

    Entries that already have a copy are left as they are. Returns the number of new flags."""
    entries = province_entries(session, contest)
    copies = {
        c.entry_id: c
        for c in session.scalars(select(BlindCopy).where(BlindCopy.contest_id == contest.id))
    }
    taken = {c.code for c in copies.values()}
    prefix = code_prefix(contest.slug)
    new_flags = 0
    for entry in entries:
        if entry.id in copies:
            continue
        code = blind.new_code(prefix, taken)
        taken.add(code)
        key = secrets.token_hex(16)
        markdown = blind.copy_pictures(
            entry.body_markdown,
            storage.entry_dir(entry.storage_key),
            os.path.join(blind_dir(key), "media"),
        )
        copy = BlindCopy(
            entry_id=entry.id,
            contest_id=contest.id,
            code=code,
            title=entry.title,
            markdown=markdown,
            html=markdown_to_html(markdown),
            media_key=key,
        )
        session.add(copy)
        new_flags += _scan(session, entry, copy)
    session.flush()
    record_event(
        session, actor, contest, "scan", "", "", f"{new_flags} cảnh báo", contest_id=contest.id
    )
    return new_flags


def _scan(session: Session, entry: Entry, copy: BlindCopy) -> int:
    author = entry.author
    units = tuple(
        {
            u.name
            for u in [entry.author_unit, *([author.unit] if author.unit else [])]
            if u.kind != "province"
        }
    )
    flags = leakscan.scan(
        markdown_to_text(copy.markdown),
        title=copy.title,
        author_name=author.full_name,
        phone=author.phone,
        email=author.email,
        unit_names=units,
        subject_name=entry.subject_name,
    )
    for flag in flags:
        session.add(LeakFlag(entry_id=entry.id, kind=flag.kind, snippet=flag.snippet))
    return len(flags)


def open_flags(session: Session, contest: Contest) -> list[LeakFlag]:
    return list(
        session.scalars(
            select(LeakFlag)
            .join(Entry, Entry.id == LeakFlag.entry_id)
            .where(Entry.contest_id == contest.id, LeakFlag.state == "open")
            .order_by(LeakFlag.entry_id, LeakFlag.id)
        )
    )


def redact_flag(session: Session, flag: LeakFlag, actor: User, snippet: str | None = None) -> None:
    """Replace the flagged words with "[…]" in the judges' copy; the original stays intact."""
    if flag.entry.contest.phase != "submission":
        raise JudgingClosed("Đã mở chấm, không thể sửa bản chấm.")
    copy = session.scalar(select(BlindCopy).where(BlindCopy.entry_id == flag.entry_id))
    text = nfc((snippet or flag.snippet).strip())
    if not text:
        raise InvalidInput("Cần ghi đoạn chữ cần che.")
    copy.markdown = leakscan.redact(copy.markdown, text)
    copy.title = leakscan.redact(copy.title, text)
    copy.html = markdown_to_html(copy.markdown)
    flag.state, flag.resolution, flag.resolved_by_id = "redacted", f"Che: {text}", actor.id
    record_event(session, actor, flag.entry, "redact", "open", "redacted", flag.kind)
    session.flush()


def clear_flag(session: Session, flag: LeakFlag, actor: User, reason: str) -> None:
    """Keep the text as it is, with the organiser's reason on record."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do giữ nguyên.")
    flag.state, flag.resolution, flag.resolved_by_id = "cleared", reason, actor.id
    record_event(session, actor, flag.entry, "clear_flag", "open", "cleared", reason)
    session.flush()


def blind_copy_by_code(session: Session, contest: Contest, code: str) -> BlindCopy | None:
    return session.scalar(
        select(BlindCopy).where(BlindCopy.contest_id == contest.id, BlindCopy.code == code)
    )


# --- assignment ----------------------------------------------------------------------------


def judge_unit_conflicts(entries: list[Entry], members: list[PanelMember]) -> set[tuple[int, int]]:
    """A judge never scores an entry whose author belongs to the judge's unit or below it.

    A judge attached to the province itself is not in conflict with every author."""
    pairs = set()
    for member in members:
        unit: Unit | None = member.judge.unit
        if unit is None or unit.kind == "province":
            continue
        for entry in entries:
            if entry.author_unit.is_within(unit):
                pairs.add((entry.id, member.judge_id))
    return pairs


def _conflicts(
    session: Session, stage: Stage, entries: list[Entry], members: list[PanelMember]
) -> set[tuple[int, int]]:
    declared = session.execute(
        select(Conflict.entry_id, Conflict.judge_id).where(
            Conflict.entry_id.in_([e.id for e in entries])
        )
    ).all()
    return judge_unit_conflicts(entries, members) | {(e, j) for e, j in declared}


def _assignments(session: Session, stage: Stage) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.stage_id == stage.id)
            .options(selectinload(Assignment.score))
        )
    )


def assign_stage(session: Session, stage: Stage, actor: User | None) -> int:
    """Give every entry of the stage its k judges (keeping existing ones). Returns how many
    new assignments were made."""
    entries = stage_entries(session, stage)
    members = active_members(stage)
    if not entries:
        raise InvalidInput("Chưa có bài nào ở vòng chấm này.")
    current = _assignments(session, stage)
    existing: dict[int, set[int]] = defaultdict(set)
    blocked = _conflicts(session, stage, entries, members)
    for a in current:
        if a.state == "active":
            existing[a.entry_id].add(a.judge_id)
        else:
            blocked.add((a.entry_id, a.judge_id))
    slots = [assignment.JudgeSlot(m.judge_id, m.min_load, m.max_load) for m in members]
    result = assignment.assign(
        [e.id for e in entries],
        slots,
        stage.judges_per_entry,
        blocked,
        {e: js & {m.judge_id for m in members} for e, js in existing.items()},
        seed=stage.seed,
    )
    made = 0
    for entry_id, judge_ids in result.items():
        for judge_id in judge_ids:
            session.add(Assignment(stage_id=stage.id, entry_id=entry_id, judge_id=judge_id))
            made += 1
    session.flush()
    record_event(
        session,
        actor,
        stage.contest,
        "assign",
        "",
        "",
        f"{made} lượt chấm",
        contest_id=stage.contest_id,
    )
    return made


def _active_loads(session: Session, stage: Stage) -> dict[int, int]:
    """How many active assignments each judge holds in the stage, counted by the database."""
    rows = session.execute(
        select(Assignment.judge_id, func.count(Assignment.id))
        .where(Assignment.stage_id == stage.id, Assignment.state == "active")
        .group_by(Assignment.judge_id)
    ).all()
    return defaultdict(int, {judge: count for judge, count in rows})


def add_one_judge(session: Session, stage: Stage, entry: Entry, *, is_third: bool) -> Assignment:
    """One more judge for an entry (a third marking, or a replacement): eligible, not yet on
    it, the least loaded within their maximum; over the maximum only if nobody else can."""
    on_entry = set(
        session.scalars(
            select(Assignment.judge_id).where(
                Assignment.stage_id == stage.id, Assignment.entry_id == entry.id
            )
        )
    )
    members = active_members(stage)
    blocked = _conflicts(session, stage, [entry], members)
    load = _active_loads(session, stage)
    candidates = [
        m for m in members if m.judge_id not in on_entry and (entry.id, m.judge_id) not in blocked
    ]
    if not candidates:
        raise ConflictOfInterest(
            "Không còn giám khảo nào đủ điều kiện (không vướng xung đột) để chấm thêm bài này."
        )
    within = [m for m in candidates if load[m.judge_id] < m.max_load] or candidates
    rng = random.Random(f"{stage.seed}-{entry.id}-{len(on_entry)}")
    chosen = min(within, key=lambda m: (load[m.judge_id], rng.random()))
    new = Assignment(
        stage_id=stage.id, entry_id=entry.id, judge_id=chosen.judge_id, is_third=is_third
    )
    session.add(new)
    session.flush()
    return new


def release_assignments(session: Session, stage: Stage, actor: User | None, now: datetime) -> None:
    if stage.state != "open":
        raise JudgingClosed("Vòng chấm chưa mở.")
    stage.released_at = now
    record_event(
        session, actor, stage.contest, "release", "", "", stage.name, contest_id=stage.contest_id
    )
    session.flush()


def open_stage(session: Session, stage: Stage, actor: User | None, now: datetime) -> int:
    """Check the leak flags are settled, the rubric and the panel ready; then assign."""
    contest = stage.contest
    if stage.state != "draft":
        raise JudgingClosed("Vòng chấm này đã mở hoặc đã kết thúc.")
    if stage.position == 1:
        prepare_blind_copies(session, contest, actor)
        unresolved = open_flags(session, contest)
        if unresolved:
            raise LeaksUnresolved(
                f"Còn {len(unresolved)} cảnh báo lộ danh tính chưa xử lý "
                f"(ở {len({f.entry_id for f in unresolved})} bài). "
                "Hãy che hoặc giữ nguyên có lý do "
                "trước khi mở chấm."
            )
    if not stage.criteria:
        raise InvalidInput("Vòng chấm chưa có thang điểm.")
    if len(active_members(stage)) < stage.judges_per_entry:
        raise InvalidInput(f"Hội đồng cần ít nhất {stage.judges_per_entry} giám khảo cho vòng này.")
    made = assign_stage(session, stage, actor)
    stage.state = "open"
    contest.phase = "judging"
    for entry in stage_entries(session, stage):
        session.add(StageResult(stage_id=stage.id, entry_id=entry.id))
    record_event(
        session, actor, contest, "open_stage", "draft", "open", stage.name, contest_id=contest.id
    )
    session.flush()
    return made


# --- scoring ---------------------------------------------------------------------------------


def judge_assignments(session: Session, stage: Stage, judge: User) -> list[Assignment]:
    """A judge's queue: their active assignments, once released."""
    if stage.released_at is None:
        return []
    return list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.judge_id == judge.id,
                Assignment.state == "active",
            )
            .options(selectinload(Assignment.score))
            .order_by(Assignment.id)
        )
    )


def save_score(
    session: Session,
    assign_: Assignment,
    marks: dict[int, float],
    comment: str,
    *,
    submit: bool,
    now: datetime,
) -> Score:
    """Save a draft or submit; a submitted score is locked. Checks range and step."""
    stage = assign_.stage
    if stage.state != "open" or assign_.state != "active":
        raise JudgingClosed("Không thể chấm: vòng chấm đã đóng hoặc bài không còn giao cho bạn.")
    score = assign_.score
    if score is not None and score.is_submitted:
        raise JudgingClosed("Điểm đã nộp và đã khóa.")
    criteria = stage.criteria
    for criterion in criteria:
        value = marks.get(criterion.id)
        if value is None:
            if submit:
                raise ScoreInvalid(f"Chưa cho điểm tiêu chí «{criterion.name}».")
            continue
        if not 0 <= value <= criterion.max_points:
            raise ScoreInvalid(f"Điểm «{criterion.name}» phải từ 0 đến {criterion.max_points:g}.")
        if not aggregation.on_step(value, criterion.step):
            raise ScoreInvalid(
                f"Điểm «{criterion.name}» phải chia hết cho bước {criterion.step:g}."
            )
    if score is None:
        score = Score(assignment=assign_)
        session.add(score)
    by_criterion = {m.criterion_id: m for m in score.marks}
    for criterion in criteria:
        value = marks.get(criterion.id)
        if value is None:
            continue
        if criterion.id in by_criterion:
            by_criterion[criterion.id].points = value
        else:
            score.marks.append(CriterionScore(criterion=criterion, points=value))
    session.flush()
    given = {m.criterion_id: m.points for m in score.marks}
    score.total = aggregation.judge_total(
        [given.get(c.id, 0.0) for c in criteria], [c.weight for c in criteria]
    )
    score.comment = nfc(comment.strip())
    score.updated_at = now
    if submit:
        score.submitted_at = now
        session.flush()
        evaluate_entry(session, stage, assign_.entry)
    session.flush()
    return score


def reopen_score(session: Session, score: Score, actor: User, reason: str) -> None:
    """An organiser unlocks a submitted score, with a reason on record."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do mở lại điểm.")
    if score.assignment.stage.state != "open":
        raise JudgingClosed("Vòng chấm đã đóng.")
    score.submitted_at = None
    result = _result(session, score.assignment.stage, score.assignment.entry)
    if result.state != "decided":
        result.state, result.official_score, result.rule = "pending", None, ""
    record_event(
        session, actor, score.assignment.entry, "reopen_score", "submitted", "draft", reason
    )
    session.flush()


def _result(session: Session, stage: Stage, entry: Entry) -> StageResult:
    result = session.scalar(
        select(StageResult).where(
            StageResult.stage_id == stage.id, StageResult.entry_id == entry.id
        )
    )
    if result is None:
        result = StageResult(stage_id=stage.id, entry_id=entry.id)
        session.add(result)
    return result


def rule_of(stage: Stage) -> aggregation.DiscrepancyRule:
    return aggregation.DiscrepancyRule(stage.agree_gap, stage.head_gap, stage.three_mean_gap)


def evaluate_entry(session: Session, stage: Stage, entry: Entry) -> StageResult:
    """When every active judge of the entry has submitted, apply the discrepancy rule; a gap
    too wide brings a third judge automatically."""
    active = [
        a
        for a in session.scalars(
            select(Assignment).where(
                Assignment.stage_id == stage.id,
                Assignment.entry_id == entry.id,
                Assignment.state == "active",
            )
        )
    ]
    result = _result(session, stage, entry)
    if result.state == "decided":
        return result
    if not active or any(a.score is None or not a.score.is_submitted for a in active):
        result.state = "pending"
        return result
    totals = [a.score.total for a in active]
    if len(totals) < 2:
        result.state = "pending"
        return result
    decision = aggregation.decide(totals[:3], rule_of(stage))
    result.rule = decision.rule
    result.official_score = decision.score
    result.state = decision.state
    if decision.state == "needs_third":
        add_one_judge(session, stage, entry, is_third=True)
        record_event(session, None, entry, "third_judge", "", "", decision.rule)
    session.flush()
    return result


def head_decide(
    session: Session, result: StageResult, actor: User, score: float, reason: str
) -> None:
    """The head judge confirms or sets the score of an entry sent to them, with a reason."""
    stage = result.stage
    if result.state != "needs_head":
        raise InvalidInput("Bài này không chờ trưởng ban quyết định.")
    if stage.head_judge_id != actor.id:
        raise ConflictOfInterest("Chỉ trưởng ban giám khảo của vòng này được quyết định.")
    if not 0 <= score <= stage.max_total:
        raise ScoreInvalid(f"Điểm phải từ 0 đến {stage.max_total:g}.")
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do quyết định.")
    result.official_score = round(score, 2)
    result.head_reason = reason
    result.state = "decided"
    record_event(
        session,
        actor,
        result.entry,
        "head_decision",
        "needs_head",
        "decided",
        f"{score:g}: {reason}",
    )
    session.flush()


def recuse(session: Session, assign_: Assignment, reason: str) -> Assignment:
    """A judge steps back from an entry; the entry gets another judge."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do xin không chấm bài này.")
    if assign_.score is not None and assign_.score.is_submitted:
        raise JudgingClosed("Đã nộp điểm bài này, không thể xin rút.")
    assign_.state, assign_.recuse_reason = "recused", reason
    declare_conflict(session, assign_.judge, assign_.entry, reason, assign_.judge)
    return add_one_judge(session, assign_.stage, assign_.entry, is_third=assign_.is_third)


def withdraw_judge(session: Session, stage: Stage, judge: User, actor: User) -> int:
    """A judge leaves the panel: unscored entries go to others, submitted scores are kept."""
    member = session.scalar(
        select(PanelMember).where(
            PanelMember.stage_id == stage.id, PanelMember.judge_id == judge.id
        )
    )
    if member is None:
        raise InvalidInput("Giám khảo không thuộc hội đồng vòng này.")
    member.is_withdrawn = True
    moved = 0
    for a in _assignments(session, stage):
        if (
            a.judge_id == judge.id
            and a.state == "active"
            and not (a.score and a.score.is_submitted)
        ):
            a.state = "withdrawn"
            add_one_judge(session, stage, a.entry, is_third=a.is_third)
            moved += 1
    record_event(
        session,
        actor,
        stage.contest,
        "withdraw_judge",
        "",
        "",
        f"giám khảo #{judge.id}: {moved} bài giao lại",
        contest_id=stage.contest_id,
    )
    session.flush()
    return moved


# --- results --------------------------------------------------------------------------------


@dataclass
class EntryResult:
    entry: Entry
    code: str
    result: StageResult
    totals: list[float]
    calibrated: float | None
    tiebreak: tuple[float, ...]


def stage_results(session: Session, stage: Stage) -> list[EntryResult]:
    """Every entry of the stage with its judges' totals, official and calibrated scores."""
    results = {
        r.entry_id: r
        for r in session.scalars(
            select(StageResult)
            .where(StageResult.stage_id == stage.id)
            .options(selectinload(StageResult.entry))
        )
    }
    codes = dict(
        session.execute(
            select(BlindCopy.entry_id, BlindCopy.code).where(
                BlindCopy.contest_id == stage.contest_id
            )
        ).all()
    )
    assignments = [
        a
        for a in session.scalars(
            select(Assignment)
            .where(Assignment.stage_id == stage.id, Assignment.state == "active")
            .options(selectinload(Assignment.score).selectinload(Score.marks))
        )
    ]
    submitted = [
        (a.entry_id, a.judge_id, a.score)
        for a in assignments
        if a.score is not None and a.score.is_submitted
    ]
    calibrated = aggregation.calibrate([(e, j, s.total) for e, j, s in submitted])
    criteria = sorted(stage.criteria, key=lambda c: (-c.weight * c.max_points, c.position))
    per_entry: dict[int, list[Score]] = defaultdict(list)
    per_entry_cal: dict[int, list[float]] = defaultdict(list)
    for e, j, s in submitted:
        per_entry[e].append(s)
        per_entry_cal[e].append(calibrated[(e, j)])
    out = []
    for entry_id, result in results.items():
        scores = per_entry.get(entry_id, [])
        tiebreak = tuple(
            sum(m.points for s in scores for m in s.marks if m.criterion_id == c.id)
            / max(len(scores), 1)
            for c in criteria
        )
        cal = per_entry_cal.get(entry_id)
        out.append(
            EntryResult(
                result.entry,
                codes.get(entry_id, ""),
                result,
                [s.total for s in scores],
                round(sum(cal) / len(cal), 2) if cal else None,
                tiebreak,
            )
        )
    out.sort(key=lambda r: (-(r.result.official_score or -1), r.code))
    return out


def unresolved(results: list[EntryResult]) -> list[EntryResult]:
    return [r for r in results if r.result.state in ("pending", "needs_head", "needs_third")]


def close_stage(session: Session, stage: Stage, actor: User | None) -> list[int]:
    """Close a stage once every entry has an official score; mark who advances."""
    results = stage_results(session, stage)
    waiting = unresolved(results)
    if waiting:
        raise JudgingClosed(f"Còn {len(waiting)} bài chưa có điểm chính thức.")
    ranked = [aggregation.Ranked(r.entry.id, r.result.official_score, r.tiebreak) for r in results]
    advanced: list[int] = []
    if stage.advance_top_n is not None or stage.advance_min_score is not None:
        advanced = aggregation.advance(ranked, stage.advance_top_n, stage.advance_min_score)
        for r in results:
            r.result.is_advanced = r.entry.id in advanced
    stage.state = "closed"
    record_event(
        session,
        actor,
        stage.contest,
        "close_stage",
        "open",
        "closed",
        f"{stage.name}: {len(advanced)} bài vào vòng sau",
        contest_id=stage.contest_id,
    )
    session.flush()
    return advanced


def final_stage(session: Session, contest: Contest) -> Stage | None:
    all_stages = stages(session, contest)
    return all_stages[-1] if all_stages else None


@dataclass
class PrizeView:
    allocation: aggregation.Allocation
    levels: list[PrizeLevel]
    results: list[EntryResult]
    calibration_changes: dict[int, tuple[int | None, int | None]]
    decisions: dict[int, TieDecision]


def _level_of(allocation: aggregation.Allocation) -> dict[int, int]:
    return {e: level for level, ids in allocation.prizes.items() for e in ids}


def compute_prizes(session: Session, contest: Contest) -> PrizeView:
    """Prizes by the ladder on the final stage's official scores, ties shown, and which
    entries would change prize under the advisory calibration."""
    stage = final_stage(session, contest)
    results = [r for r in stage_results(session, stage) if r.result.official_score is not None]
    levels = prize_levels(session, contest)
    ladder = [aggregation.Level(lv.id, lv.quota, lv.min_score) for lv in levels]
    decisions = {
        d.prize_level_id: d
        for d in session.scalars(select(TieDecision).where(TieDecision.contest_id == contest.id))
    }
    allocation = aggregation.allocate(
        [aggregation.Ranked(r.entry.id, r.result.official_score, r.tiebreak) for r in results],
        ladder,
        {lv: (d.decision, json.loads(d.chosen_entry_ids or "[]")) for lv, d in decisions.items()},
    )
    calibrated = aggregation.allocate(
        [
            aggregation.Ranked(
                r.entry.id,
                r.calibrated if r.calibrated is not None else r.result.official_score,
                r.tiebreak,
            )
            for r in results
        ],
        ladder,
        {lv: ("share", []) for lv in (x.level_id for x in ladder)},
    )
    official_level, calibrated_level = _level_of(allocation), _level_of(calibrated)
    changes = {
        r.entry.id: (official_level.get(r.entry.id), calibrated_level.get(r.entry.id))
        for r in results
        if official_level.get(r.entry.id) != calibrated_level.get(r.entry.id)
    }
    return PrizeView(allocation, levels, results, changes, decisions)


def decide_tie(
    session: Session,
    contest: Contest,
    level: PrizeLevel,
    actor: User,
    decision: str,
    chosen: list[int],
    reason: str,
) -> TieDecision:
    """The organiser settles a tie at a prize boundary: share the prize, or choose."""
    if contest.is_finalised:
        raise JudgingClosed("Kết quả đã công bố.")
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do.")
    view = compute_prizes(session, contest)
    tied = view.allocation.ties.get(level.id)
    existing = view.decisions.get(level.id)
    if tied is None and existing is None:
        raise InvalidInput("Không có bài đồng điểm ở ranh giới giải này.")
    if decision == "choose":
        seats = view.allocation.tie_seats.get(level.id, 0)
        if not chosen or (
            tied is not None and (not set(chosen) <= set(tied) or len(chosen) > seats)
        ):
            raise InvalidInput(f"Hãy chọn tối đa {seats} bài trong số các bài đồng điểm.")
    elif decision != "share":
        raise InvalidInput("Quyết định không hợp lệ.")
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
    record_event(
        session,
        actor,
        contest,
        "tie_decision",
        "",
        decision,
        f"{level.name}: {reason}",
        contest_id=contest.id,
    )
    session.flush()
    return record


def share_all_ties(session: Session, contest: Contest, actor: User | None, reason: str) -> int:
    """Share every prize tied at a boundary, one level at a time (a shared prize can move
    the next boundary). Returns how many decisions were recorded."""
    decided = 0
    while True:
        view = compute_prizes(session, contest)
        tied = [level for level in view.levels if level.id in view.allocation.ties]
        if not tied:
            return decided
        decide_tie(session, contest, tied[0], actor, "share", [], reason)
        decided += 1


def finalise(session: Session, contest: Contest, actor: User | None, now: datetime) -> int:
    """Lock scores and prizes, rejoin codes to names (ghép phách). Returns the prize count."""
    if contest.is_finalised:
        raise JudgingClosed("Kết quả đã công bố.")
    stage = final_stage(session, contest)
    if stage is None:
        raise InvalidInput("Cuộc thi chưa có vòng chấm.")
    if stage.state == "open":
        close_stage(session, stage, actor)
    elif stage.state != "closed":
        raise JudgingClosed("Vòng chấm cuối chưa mở.")
    view = compute_prizes(session, contest)
    if view.allocation.ties:
        names = ", ".join(lv.name for lv in view.levels if lv.id in view.allocation.ties)
        raise TiesUndecided(f"Còn bài đồng điểm ở ranh giới giải chưa được quyết định: {names}.")
    level_of = _level_of(view.allocation)
    shared = {lv for lv, d in view.decisions.items() if d.decision == "share"}
    for r in view.results:
        r.result.calibrated_score = r.calibrated  # kept with the locked result
        level = level_of.get(r.entry.id)
        session.add(
            Award(
                contest_id=contest.id,
                entry_id=r.entry.id,
                rank=view.allocation.ranks[r.entry.id],
                prize_level_id=level,
                is_shared=level in shared,
            )
        )
    contest.phase, contest.finalised_at = "finalised", now
    record_event(
        session,
        actor,
        contest,
        "finalise",
        "judging",
        "finalised",
        f"{len(level_of)} giải",
        contest_id=contest.id,
    )
    session.flush()
    return len(level_of)


def awards(session: Session, contest: Contest) -> list[Award]:
    """The final ranking, prize winners first (after finalisation only)."""
    return list(
        session.scalars(
            select(Award)
            .where(Award.contest_id == contest.id)
            .options(selectinload(Award.entry), selectinload(Award.prize_level))
            .order_by(Award.prize_level_id.is_(None), Award.rank)
        )
    )


def official_result(session: Session, entry: Entry) -> tuple[Award | None, float | None]:
    """The entry's award and official score in the final stage (after finalisation)."""
    award = session.scalar(select(Award).where(Award.entry_id == entry.id))
    stage = final_stage(session, entry.contest)
    score = (
        session.scalar(
            select(StageResult.official_score).where(
                StageResult.stage_id == stage.id, StageResult.entry_id == entry.id
            )
        )
        if stage
        else None
    )
    return award, score


def progress(session: Session, stage: Stage) -> list[dict]:
    """Per judge: assigned, submitted, drafts — who is behind."""
    rows = session.execute(
        select(
            Assignment.judge_id,
            func.count(Assignment.id),
            func.count(Score.submitted_at),
            func.count(Score.id),
        )
        .outerjoin(Score, Score.assignment_id == Assignment.id)
        .where(Assignment.stage_id == stage.id, Assignment.state == "active")
        .group_by(Assignment.judge_id)
    ).all()
    names = {m.judge_id: m.judge.full_name for m in stage.members}
    out = [
        {
            "judge_id": j,
            "name": names.get(j, str(j)),
            "assigned": n,
            "submitted": s,
            "drafts": d - s,
            "share": s / n if n else 0.0,
        }
        for j, n, s, d in rows
    ]
    return sorted(out, key=lambda r: (r["share"], r["name"]))


def score_triples(session: Session, stage: Stage) -> list[tuple[int, int, float]]:
    """(entry, judge, total) of every submitted score: the input of the reliability figures."""
    return [
        tuple(row)
        for row in session.execute(
            select(Assignment.entry_id, Assignment.judge_id, Score.total)
            .join(Score, Score.assignment_id == Assignment.id)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.state == "active",
                Score.submitted_at.is_not(None),
            )
        ).all()
    ]


def export_data(session: Session, contest: Contest):
    """Rows for the results export; authors and units only once the contest is finalised."""
    stage = final_stage(session, contest)
    view = compute_prizes(session, contest)
    level_name = {lv.id: lv.name for lv in view.levels}
    prize_of = _level_of(view.allocation)
    revealed = contest.is_finalised
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
                entry.title,
                entry.author.full_name if revealed else "",
                entry.author_unit.name if revealed else "",
            ]
        )
    criteria = stage.criteria
    judge_rows = []
    codes = {r.entry.id: r.code for r in view.results}
    for a in session.scalars(
        select(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.state == "active")
        .options(
            selectinload(Assignment.score).selectinload(Score.marks), selectinload(Assignment.judge)
        )
        .order_by(Assignment.entry_id, Assignment.id)
    ):
        if a.score is None or not a.score.is_submitted:
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


def code_of_entry(session: Session, entry_id: int) -> str:
    return session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == entry_id)) or ""
