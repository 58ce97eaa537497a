"""Core models: units, users, contests, rounds, exemplar profiles, entries, forwardings."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from contest.categories import Category, SubjectKind, parsed_categories
from contest.lifecycles import (
    PENDING_ENTRY_STATES,
    ContestPhase,
    EntryState,
    ProfileState,
    Role,
    UnitKind,
)
from contest.platform.db import EnumColumn, created_at, db, intpk

if TYPE_CHECKING:  # defined beside the forwardings, in `contest.quotas`
    from contest.quotas import ContestLevel

JURY_OR_BOARD_ROLES = (Role.UNIT_ORGANISER, Role.PROVINCE_ORGANISER, Role.JUDGE, Role.HEAD_JUDGE)


class Unit(db.Model):
    """A node of the province's tree: the province, districts, departments, communes, villages."""

    __tablename__ = "unit"
    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(EnumColumn(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Switched off (a unit that no longer exists, or one loaded by mistake): offered nowhere.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    @property
    def audit_name(self) -> str:
        return self.name

    @property
    def is_province(self) -> bool:
        """The root of the tree: its own staff judge every unit without a conflict."""
        return self.kind == UnitKind.PROVINCE

    def ancestors(self) -> list[Unit]:
        """This unit's parents up to the province, nearest first."""
        return [self.parent, *self.parent.ancestors()] if self.parent is not None else []

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or sits anywhere below it."""
        return self.id == other.id or any(a.id == other.id for a in self.ancestors())


class User(UserMixin, db.Model):
    """Anyone who logs in. Entries collected on paper get an author account with no password."""

    __tablename__ = "user"
    __table_args__ = (
        # Only a login needs a phone or an e-mail of its own; a paper author may have neither.
        CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL OR password_hash IS NULL", name="contact"
        ),
        CheckConstraint(
            f"role != '{Role.UNIT_ORGANISER.value}' OR unit_id IS NOT NULL",
            name="organiser_has_unit",
        ),
    )

    id: Mapped[intpk]
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(EnumColumn(Role), default=Role.ENTRANT)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    # How to reach a paper author whose phone or e-mail already signs in someone else.
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Part of every session's identity: raising it on logout ends every copy of the session.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # An organiser may switch an account off (and on again); a switched-off one cannot log in.
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    # A temporary password an organiser issued: nothing opens until its owner changes it.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=~sa_true())
    created_at: Mapped[created_at]

    unit: Mapped[Unit | None] = relationship()

    @property
    def audit_name(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to log in, or keep logged in, an account that is switched off."""
        return self.is_active_account

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session version (see auth)."""
        return f"{self.id}.{self.session_version}"

    def set_password(self, password: str, method: str) -> None:
        """`method` comes from the configuration (a fast one in tests): the model reads none."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_province_organiser(self) -> bool:
        return self.role == Role.PROVINCE_ORGANISER

    @property
    def is_unit_organiser(self) -> bool:
        return self.role == Role.UNIT_ORGANISER

    @property
    def is_judge(self) -> bool:
        return self.role in (Role.JUDGE, Role.HEAD_JUDGE)

    @property
    def may_enter(self) -> bool:
        """Members of the organising board or the jury may not enter."""
        return self.role not in JURY_OR_BOARD_ROLES


def sees_drafts(user) -> bool:
    """Organisers (the province's and the units') see contests before they are published."""
    return user.is_authenticated and user.role in (Role.PROVINCE_ORGANISER, Role.UNIT_ORGANISER)


class Contest(db.Model):
    """One contest, its rules, categories and levels (`services.contest_file`); a draft first."""

    __tablename__ = "contest"
    __table_args__ = (
        CheckConstraint("min_words >= 0 AND max_words >= min_words", name="word_limits"),
        CheckConstraint("max_entries_per_entrant >= 1", name="max_entries"),
        CheckConstraint("closes_at > opens_at", name="dates"),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    min_words: Mapped[int] = mapped_column(default=500)
    max_words: Mapped[int] = mapped_column(default=2000)
    max_entries_per_entrant: Mapped[int] = mapped_column(default=3)
    declarations_json: Mapped[str] = mapped_column(Text, default="[]")
    phase: Mapped[ContestPhase] = mapped_column(
        EnumColumn(ContestPhase), default=ContestPhase.DRAFT
    )
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the public home page says of the contest (plain text, paragraphs by blank lines).
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The province's jury finishes by then (the last of the deadlines; shown, not enforced).
    judging_by: Mapped[datetime | None] = mapped_column(DateTime)
    # The plan's general criteria, shown above every category's own.
    general_criteria: Mapped[str] = mapped_column(Text, default="", server_default="")
    categories_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")

    rounds: Mapped[list[Round]] = relationship(back_populates="contest")
    levels: Mapped[list[ContestLevel]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", order_by="ContestLevel.id"
    )

    @classmethod
    def from_slug_or_404(cls, slug: str) -> Contest:
        """The contest a page's address names: unknown, or a draft to a non-organiser: 404."""
        contest = db.one_or_404(select(cls).where(cls.slug == slug))
        if contest.is_draft and not sees_drafts(current_user):
            abort(404)
        return contest

    @property
    def audit_contest_id(self) -> int:
        return self.id  # the audit log files a contest's own events under itself

    @property
    def declarations(self) -> list[str]:
        return json.loads(self.declarations_json)

    @declarations.setter
    def declarations(self, value: list[str]) -> None:
        self.declarations_json = json.dumps(value, ensure_ascii=False)

    @property
    def categories(self) -> list[Category]:
        return list(parsed_categories(self.categories_json))

    @categories.setter
    def categories(self, value: list[Category]) -> None:
        self.categories_json = json.dumps([c.as_dict() for c in value], ensure_ascii=False)

    @property
    def category_names(self) -> dict[str, str]:
        """code → name, in the contest's order: for choices, filters and labels."""
        return {c.code: c.name for c in parsed_categories(self.categories_json)}

    def category_position(self, code: str) -> int:
        """Sort key: the contest's own order of its categories (unknown codes last)."""
        codes = list(self.category_names)
        return codes.index(code) if code in codes else len(codes)

    def category_label(self, code: str) -> str:
        """`1.3 – Gương điển hình …` for lists and the book."""
        return f"{code} – {self.category_names.get(code, '')}"

    def level_for(self, kind: str) -> ContestLevel | None:
        """The rules for units of this kind; None when that kind does not take part."""
        return next((level for level in self.levels if level.unit_kind == kind), None)

    @property
    def is_draft(self) -> bool:
        return self.phase == ContestPhase.DRAFT

    @property
    def is_finalised(self) -> bool:
        return self.phase in (ContestPhase.FINALISED, ContestPhase.RESULTS_PUBLIC)

    @property
    def are_results_public(self) -> bool:
        return self.phase == ContestPhase.RESULTS_PUBLIC

    def stage_label(self, now: datetime) -> str:
        """Where the contest stands, as the public would say it."""
        if self.phase == ContestPhase.SUBMISSION:
            if now < self.opens_at:
                return str(_l("Sắp nhận bài"))
            if now <= self.closes_at:
                return str(_l("Đang nhận bài"))
            return str(_l("Hết hạn nhận bài: các đơn vị đang xét chọn (sơ khảo)"))
        if self.phase == ContestPhase.DRAFT:
            return str(_l("Bản nháp: chưa công bố"))
        if self.phase == ContestPhase.JUDGING:
            return str(_l("Đang chấm chung khảo cấp tỉnh"))
        if self.phase == ContestPhase.FINALISED:
            return str(_l("Đã chấm xong: chờ Hội đồng công bố kết quả"))
        return str(_l("Đã công bố kết quả"))

    def accepts_entries(self, now: datetime) -> bool:
        """Entrants may send essays: inside the window and before judging opens."""
        return self.phase == ContestPhase.SUBMISSION and self.opens_at <= now <= self.closes_at

    @property
    def audit_name(self) -> str:
        return self.title

    def province_round(self, session: Session) -> Round:
        """The round with no parent: where the judging happens."""
        return session.scalars(
            select(Round).where(Round.contest_id == self.id, Round.parent_id.is_(None))
        ).one()


class Round(db.Model):
    """A unit's round of one contest. Items flow up to the parent round, within the quota."""

    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("contest_id", "unit_id"),
        CheckConstraint("quota >= 0 AND profile_quota >= 0", name="quota"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"), index=True)
    quota: Mapped[int] = mapped_column(default=0)
    profile_quota: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    unit: Mapped[Unit] = relationship()
    parent: Mapped[Round | None] = relationship(remote_side="Round.id", back_populates="children")
    children: Mapped[list[Round]] = relationship(back_populates="parent")

    @property
    def is_province(self) -> bool:
        return self.parent_id is None

    @property
    def level(self) -> ContestLevel | None:
        return None if self.is_province else self.contest.level_for(self.unit.kind)

    @property
    def forward_by(self) -> datetime | None:
        """When this round must have sent its choice up (its level's date)."""
        level = self.level
        return level.forward_by if level is not None else None

    @property
    def quota_min(self) -> int:
        level = self.level
        return level.quota_min if level is not None else 0

    @property
    def entries_close_at(self) -> datetime:
        """An entrant's last moment: closing day, or an earlier forward date at or above."""
        dates = [self.contest.closes_at]
        node: Round | None = self
        while node is not None:
            if node.forward_by is not None:
                dates.append(node.forward_by)
            node = node.parent
        return min(dates)

    @property
    def audit_name(self) -> str:
        return self.unit.name


class ExemplarProfile(db.Model):
    """An exemplar collective, individual or household, nominated upward like an entry."""

    __tablename__ = "exemplar_profile"
    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SubjectKind] = mapped_column(EnumColumn(SubjectKind))
    category: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[str] = mapped_column(String(300), default="")
    achievements: Mapped[str] = mapped_column(Text, default="")
    commendations: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[ProfileState] = mapped_column(
        EnumColumn(ProfileState), default=ProfileState.DRAFT
    )
    is_marked: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]

    contest: Mapped[Contest] = relationship()
    unit: Mapped[Unit] = relationship(lazy="selectin")
    round: Mapped[Round] = relationship()

    @property
    def audit_name(self) -> str:
        return self.name


class Entry(db.Model):
    """An essay. Never deleted: withdrawal and disqualification keep the record and the file."""

    __tablename__ = "entry"
    __table_args__ = (
        CheckConstraint("word_count >= 0", name="word_count"),
        CheckConstraint(
            f"state != '{EntryState.DISQUALIFIED.value}' OR length(disqualify_reason) > 0",
            name="dq_reason",
        ),
        Index("ix_entry_contest_state", "contest_id", "state"),
        # Counts per unit and state, and the dashboard's sorts, read from indexes alone.
        Index("ix_entry_contest_unit_state", "contest_id", "author_unit_id", "state"),
        Index("ix_entry_contest_words", "contest_id", "word_count"),
        Index("ix_entry_contest_submitted", "contest_id", "submitted_at"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    author_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(300))
    subject_profile_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar_profile.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_address: Mapped[str] = mapped_column(String(300), default="")
    subject_kind: Mapped[SubjectKind] = mapped_column(EnumColumn(SubjectKind))
    subject_category: Mapped[str] = mapped_column(String(8))
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    original_filename: Mapped[str | None] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[EntryState] = mapped_column(EnumColumn(EntryState), default=EntryState.DRAFT)
    is_marked: Mapped[bool] = mapped_column(default=False)
    disqualify_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=func.now(), onupdate=func.now())
    # Raised by every change: a form opened before another tab's save is told, not obeyed.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    contest: Mapped[Contest] = relationship()
    # Loaded together for whole lists of entries (dashboards, rounds, results): no N+1.
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="selectin")
    author_unit: Mapped[Unit] = relationship(lazy="selectin")
    round: Mapped[Round] = relationship()
    subject_profile: Mapped[ExemplarProfile | None] = relationship()

    @property
    def is_editable(self) -> bool:
        """The author may still change it: not yet decided by the unit round."""
        return (
            self.state in (EntryState.DRAFT, EntryState.SUBMITTED) and self.round.closed_at is None
        )

    @property
    def can_be_withdrawn(self) -> bool:
        """The author may still take it back: the contest is still taking entries."""
        return (
            self.state.can_become(EntryState.WITHDRAWN)
            and self.contest.phase == ContestPhase.SUBMISSION
        )

    @property
    def is_pending_in_round(self) -> bool:
        """Waiting for the current round's decision."""
        return self.state in PENDING_ENTRY_STATES

    @property
    def audit_name(self) -> str:
        return f"«{self.title}»"
