"""Judging models: stages with rubrics, panels, blind codes, assignments, scores, results."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.models import Contest, Entry, Round, User
from contest.platform.db import EnumColumn, created_at, db, intpk, utcnow
from judging.states import (
    AssignmentState,
    FlagState,
    ResultState,
    StageState,
    TieChoice,
    UnitJudgingState,
)
from judging.wording import leak_rule_text, rule_text


def in_judging(column, round_id: int | None):
    """`column` names this judging: the province's (NULL) or unit round `round_id`'s. Not
    `IS :value`, which PostgreSQL refuses for a number."""
    return column.is_(None) if round_id is None else column == round_id


def province_unique(name: str, *columns: str) -> Index:
    """Unique among the province's rows (round_id NULL): a unique constraint that includes a
    nullable round_id never compares two NULLs, so the province needs this partial index."""
    where = db.text("round_id IS NULL")
    return Index(name, *columns, unique=True, sqlite_where=where, postgresql_where=where)


class Stage(db.Model):
    """One marking stage of the provincial round (sơ khảo, chung khảo), with its own panel."""

    __tablename__ = "stage"
    __table_args__ = (
        # Positions are unique within one judging: the province's (round NULL) or a unit's.
        UniqueConstraint("contest_id", "round_id", "position"),
        province_unique("uq_stage_province_position", "contest_id", "position"),
        CheckConstraint("judges_per_entry >= 1", name="k"),
        CheckConstraint("agree_gap <= head_gap AND three_mean_gap >= 0", name="gaps"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    # A unit's own judging (issue 14) names its round; NULL is the province's judging, so
    # every province query keeps its meaning by asking for `round_id IS NULL`.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(100))
    judges_per_entry: Mapped[int] = mapped_column(default=2)
    state: Mapped[StageState] = mapped_column(EnumColumn(StageState, 10), default=StageState.DRAFT)
    # Seeds the assignment's tie-breaks: random unless an organiser fixes it to replay one.
    seed: Mapped[int] = mapped_column(default=lambda: secrets.randbelow(1_000_000))
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    head_judge_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    advance_top_n: Mapped[int | None] = mapped_column()
    advance_min_score: Mapped[float | None] = mapped_column(Float)
    # The discrepancy rule, on this stage's total (default: the 100-point rules of the issue).
    agree_gap: Mapped[float] = mapped_column(Float, default=10.0)
    head_gap: Mapped[float] = mapped_column(Float, default=15.0)
    three_mean_gap: Mapped[float] = mapped_column(Float, default=25.0)

    contest: Mapped[Contest] = relationship()
    round: Mapped[Round | None] = relationship()
    head_judge: Mapped[User | None] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="stage", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    members: Mapped[list[PanelMember]] = relationship(back_populates="stage")

    @property
    def max_total(self) -> float:
        return sum(c.weight * c.max_points for c in self.criteria)

    @property
    def audit_name(self) -> str:
        return self.name

    @property
    def active_members(self) -> list[PanelMember]:
        """The panel as it stands: judges who have not withdrawn, on accounts not switched
        off (an entry given to someone who cannot log in would wait for ever)."""
        return [m for m in self.members if not m.is_withdrawn and m.judge.is_active_account]


class Criterion(db.Model):
    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("stage_id", "position"),
        CheckConstraint("max_points > 0 AND step > 0 AND weight > 0", name="positive"),
    )

    id: Mapped[intpk]
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    max_points: Mapped[float] = mapped_column(Float)
    step: Mapped[float] = mapped_column(Float, default=0.5)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    stage: Mapped[Stage] = relationship(back_populates="criteria")


class PanelMember(db.Model):
    """A judge on a stage's panel, with the load bounds the assignment must respect."""

    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("stage_id", "judge_id"),
        CheckConstraint("min_load >= 0 AND max_load >= min_load", name="loads"),
    )

    id: Mapped[intpk]
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    min_load: Mapped[int] = mapped_column(default=0)
    max_load: Mapped[int] = mapped_column(default=50)
    is_withdrawn: Mapped[bool] = mapped_column(default=False)

    stage: Mapped[Stage] = relationship(back_populates="members")
    judge: Mapped[User] = relationship()


class Conflict(db.Model):
    """A declared conflict: this judge never scores this entry."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("judge_id", "entry_id"),)

    id: Mapped[intpk]
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]


class BlindCopy(db.Model):
    """The judges' copy of an entry: its code and its text after redaction (rọc phách)."""

    __tablename__ = "blind_copy"
    # One copy per entry and judging: a unit's copy has its own code, so a district code
    # tells a province judge nothing.
    __table_args__ = (
        UniqueConstraint("entry_id", "round_id"),
        province_unique("uq_blind_copy_province_entry", "entry_id"),
    )

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # Whom the essay is about, as judges see it (redacted with the text when it names the author).
    subject_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    media_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]

    entry: Mapped[Entry] = relationship()


class LeakFlag(db.Model):
    """Something in an entry that may reveal its author, waiting for an organiser."""

    __tablename__ = "leak_flag"
    __table_args__ = (
        CheckConstraint("state != 'cleared' OR length(resolution) > 0", name="cleared_reason"),
    )

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    # The judging whose copy was scanned: the province's (NULL) or a unit round's.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    snippet: Mapped[str] = mapped_column(Text)
    # How the scan found it (`leakscan.Flag.rule`), shown through `rule_text`.
    rule: Mapped[str] = mapped_column(String(80), default="", server_default="")
    state: Mapped[FlagState] = mapped_column(EnumColumn(FlagState, 10), default=FlagState.OPEN)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]

    entry: Mapped[Entry] = relationship()
    round: Mapped[Round | None] = relationship()

    @property
    def rule_text(self) -> str:
        """How the scan found the snippet, in the interface's language."""
        return leak_rule_text(self.rule)


class Assignment(db.Model):
    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("stage_id", "entry_id", "judge_id"),
        Index("ix_assignment_stage_judge", "stage_id", "judge_id"),
    )

    id: Mapped[intpk]
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    is_third: Mapped[bool] = mapped_column(default=False)
    state: Mapped[AssignmentState] = mapped_column(
        EnumColumn(AssignmentState, 10), default=AssignmentState.ACTIVE
    )
    recuse_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]

    stage: Mapped[Stage] = relationship()
    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship()
    score: Mapped[Score | None] = relationship(back_populates="assignment")

    @hybrid_property
    def is_active(self) -> bool:
        """The one rule for "an active assignment": the judge still holds it (not recused,
        not withdrawn). Usable in Python and in queries (`Assignment.is_active`)."""
        return self.state == AssignmentState.ACTIVE

    @property
    def is_submitted(self) -> bool:
        return self.score is not None and self.score.is_submitted


class Score(db.Model):
    """A judge's marks on one entry: a draft until submitted, then locked."""

    __tablename__ = "score"

    id: Mapped[intpk]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), unique=True)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    assignment: Mapped[Assignment] = relationship(back_populates="score")
    marks: Mapped[list[CriterionScore]] = relationship(
        back_populates="score", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class CriterionScore(db.Model):
    __tablename__ = "criterion_score"
    __table_args__ = (
        UniqueConstraint("score_id", "criterion_id"),
        CheckConstraint("points >= 0", name="points"),
    )

    id: Mapped[intpk]
    score_id: Mapped[int] = mapped_column(ForeignKey("score.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    points: Mapped[float] = mapped_column(Float)

    score: Mapped[Score] = relationship(back_populates="marks")
    criterion: Mapped[Criterion] = relationship()


class StageResult(db.Model):
    """Where an entry stands in a stage: the rule applied and the official score."""

    __tablename__ = "stage_result"
    __table_args__ = (
        UniqueConstraint("stage_id", "entry_id"),
        CheckConstraint("state != 'decided' OR length(head_reason) > 0", name="head_reason"),
    )

    id: Mapped[intpk]
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"))
    state: Mapped[ResultState] = mapped_column(
        EnumColumn(ResultState, 12), default=ResultState.PENDING
    )
    # Which branch of the discrepancy rule applied, as JSON {"code": …, params…}; shown
    # translated through `rule_text`, never stored as prose.
    rule: Mapped[str] = mapped_column(Text, default="")
    official_score: Mapped[float | None] = mapped_column(Float)
    calibrated_score: Mapped[float | None] = mapped_column(Float)
    head_reason: Mapped[str] = mapped_column(Text, default="")
    is_advanced: Mapped[bool] = mapped_column(default=False)

    stage: Mapped[Stage] = relationship()
    entry: Mapped[Entry] = relationship()

    @property
    def rule_text(self) -> str:
        """The rule that decided the score, in the interface's language ("" if none yet)."""
        return rule_text(self.rule)


class PrizeLevel(db.Model):
    """A rung of the prize ladder: Nhất, Nhì, Ba, Khuyến khích."""

    __tablename__ = "prize_level"
    __table_args__ = (
        UniqueConstraint("contest_id", "round_id", "position"),
        province_unique("uq_prize_level_province_position", "contest_id", "position"),
        CheckConstraint("quota >= 0", name="quota"),
        CheckConstraint("amount >= 0", name="amount"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    # A unit's own ladder ("giải A cấp huyện") names its round; NULL is the province's.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    quota: Mapped[int] = mapped_column()
    min_score: Mapped[float] = mapped_column(Float, default=0.0)
    # What each winner of this rung receives, in đồng (0: a certificate only).
    amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    @property
    def audit_name(self) -> str:
        return self.name


class Award(db.Model):
    """An entry's place in the final ranking, and its prize if any."""

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("contest_id", "round_id", "entry_id"),
        province_unique("uq_award_province_entry", "contest_id", "entry_id"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"))
    rank: Mapped[int] = mapped_column()
    prize_level_id: Mapped[int | None] = mapped_column(ForeignKey("prize_level.id"))
    is_shared: Mapped[bool] = mapped_column(default=False)
    # How equal scores were parted around this entry (`wording.tie_breaks_json`).
    tie_breaks: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")

    entry: Mapped[Entry] = relationship()
    round: Mapped[Round | None] = relationship()
    prize_level: Mapped[PrizeLevel | None] = relationship()


class TieDecision(db.Model):
    """How the organiser settled a tie at a prize boundary, with the reason recorded."""

    __tablename__ = "tie_decision"
    __table_args__ = (
        UniqueConstraint("contest_id", "prize_level_id"),
        CheckConstraint("length(reason) > 0", name="reason"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"))
    prize_level_id: Mapped[int] = mapped_column(ForeignKey("prize_level.id"))
    decision: Mapped[TieChoice] = mapped_column(EnumColumn(TieChoice, 10))
    chosen_entry_ids: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]


class UnitJudging(db.Model):
    """A unit round that holds its own judging (issue 14): its stages, ladder, codes and
    awards carry its round_id. Without this row the round stays tick-and-forward."""

    __tablename__ = "unit_judging"
    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    state: Mapped[UnitJudgingState] = mapped_column(
        EnumColumn(UnitJudgingState, 10), default=UnitJudgingState.ON
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)

    round: Mapped[Round] = relationship()

    @property
    def is_finalised(self) -> bool:
        return self.state == UnitJudgingState.FINALISED

    @property
    def audit_name(self) -> str:
        return self.round.unit.name


class UnitJuror(db.Model):
    """A judge account created by a unit's organiser for that unit's jury: it sits on that
    round's panels only, never on the province's nor another unit's."""

    __tablename__ = "unit_juror"

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]

    round: Mapped[Round] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id])
