"""Anthology models: the book's settings, its items (order, inclusion, book copy), builds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.models import Contest, Entry, ExemplarProfile, Round
from contest.platform.db import EnumColumn, created_at, db, intpk
from contest.platform.states import State, describe


class BuildState(State):
    """A book build: queued, then running, then done or failed (never back)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


describe(
    BuildState,
    labels={
        BuildState.QUEUED: _l("đang chờ"),
        BuildState.RUNNING: _l("đang dựng"),
        BuildState.DONE: _l("xong"),
        BuildState.FAILED: _l("lỗi"),
    },
    transitions={
        BuildState.QUEUED: (BuildState.RUNNING, BuildState.FAILED),
        BuildState.RUNNING: (BuildState.DONE, BuildState.FAILED),
        BuildState.DONE: (),
        BuildState.FAILED: (),
    },
)
UNFINISHED_BUILD_STATES = (BuildState.QUEUED, BuildState.RUNNING)


class BuildStep(StrEnum):
    """Where a running build is; stored as its code, shown in the reader's language."""

    WAITING = "waiting"
    ASSEMBLE = "assemble"
    DOCX = "docx"
    EPUB = "epub"
    PDF = "pdf"
    DONE = "done"


STEP_LABELS = {
    BuildStep.WAITING: _l("Đang chờ"),
    BuildStep.ASSEMBLE: _l("Tập hợp bài viết và hồ sơ"),
    BuildStep.DOCX: _l("Dàn trang bản in (DOCX)"),
    BuildStep.EPUB: _l("Tạo sách điện tử (EPUB)"),
    BuildStep.PDF: _l("Dàn trang bản in cho nhà in (PDF)"),
    BuildStep.DONE: _l("Hoàn tất"),
}


class AnthologySettings(db.Model):
    """Front matter and page set-up, edited in the browser."""

    __tablename__ = "anthology_settings"
    __table_args__ = (CheckConstraint("margin_mm >= 5 AND margin_mm <= 50", name="margin"),)

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    publisher: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column()
    rights: Mapped[str] = mapped_column(Text, default="")
    foreword: Mapped[str] = mapped_column(Text, default="")
    # A `trim` key: A5, B5, A4 or "WxH" in millimetres (checked by the settings service).
    page_size: Mapped[str] = mapped_column(String(16), default="B5")
    margin_mm: Mapped[int] = mapped_column(default=20)
    cover_path: Mapped[str | None] = mapped_column(String(300))
    certificate_template_path: Mapped[str | None] = mapped_column(String(300))
    # The title page and the colophon the Law on Publishing asks for (art. 27): one person or
    # body per line where several may be named.
    issuing_bodies: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    foreword_signer: Mapped[str] = mapped_column(Text, default="")
    publishing_director: Mapped[str] = mapped_column(String(300), default="")
    content_director: Mapped[str] = mapped_column(String(300), default="")
    editors: Mapped[str] = mapped_column(Text, default="")
    designer: Mapped[str] = mapped_column(String(300), default="")
    proofreader: Mapped[str] = mapped_column(String(300), default="")
    editorial_board: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(300), default="")
    registration_number: Mapped[str] = mapped_column(String(100), default="")
    decision_number: Mapped[str] = mapped_column(String(100), default="")
    isbn: Mapped[str] = mapped_column(String(20), default="")
    print_run: Mapped[int | None] = mapped_column()
    printer: Mapped[str] = mapped_column(Text, default="")
    legal_deposit: Mapped[str] = mapped_column(String(100), default="")
    # The EPUB's identifier when there is no ISBN: made once, so a corrected book stays the
    # same book for readers' libraries.
    book_uuid: Mapped[str] = mapped_column(String(36), default="")
    # The certificates (Decree 30/2020 form): "Số: 01/GCN-<code>", dated at a place and on a day
    # the organiser chooses, signed by `certificate_signer` (authority and title lines) and name.
    certificate_code: Mapped[str] = mapped_column(String(50), default="")
    certificate_place: Mapped[str] = mapped_column(String(100), default="")
    certificate_date: Mapped[date | None] = mapped_column()
    certificate_signer: Mapped[str] = mapped_column(Text, default="")
    certificate_signer_name: Mapped[str] = mapped_column(String(300), default="")

    contest: Mapped[Contest] = relationship()

    @property
    def audit_name(self) -> str:
        return self.title


class AnthologyItem(db.Model):
    """One essay or profile in the book: its place, whether it is in, and the book's copy."""

    __tablename__ = "anthology_item"
    __table_args__ = (
        CheckConstraint("(entry_id IS NULL) != (profile_id IS NULL)", name="one_item"),
        CheckConstraint("is_included OR length(exclude_reason) > 0", name="exclude_reason"),
        UniqueConstraint("contest_id", "entry_id"),
        UniqueConstraint("contest_id", "profile_id"),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar_profile.id"))
    position: Mapped[int] = mapped_column()
    is_included: Mapped[bool] = mapped_column(default=True)
    exclude_reason: Mapped[str] = mapped_column(Text, default="")
    book_title: Mapped[str | None] = mapped_column(String(300))
    book_markdown: Mapped[str | None] = mapped_column(Text)
    # Text alternatives the organiser wrote for the essay's pictures, by stored picture name
    # ("photo1.png"): read aloud in the EPUB and DOCX, never printed. Replaced whole, not
    # mutated in place (JSON columns do not track inner changes).
    picture_descriptions: Mapped[dict[str, str]] = mapped_column(
        JSON, default=dict, server_default="{}"
    )

    entry: Mapped[Entry | None] = relationship()
    profile: Mapped[ExemplarProfile | None] = relationship()

    @property
    def is_essay(self) -> bool:
        return self.entry_id is not None or self.entry is not None

    @property
    def audit_name(self) -> str:
        if self.is_essay:
            return f"«{self.book_title or self.entry.title}»"
        return self.profile.name


class AnthologyBuild(db.Model):
    """One run of the book build: its progress survives a reload; the last good one is kept."""

    __tablename__ = "anthology_build"
    __table_args__ = (
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent"),
        # Two builds of one contest never run at once: the database refuses the second.
        Index(
            "uq_anthology_build_running",
            "contest_id",
            unique=True,
            sqlite_where=db.text("state IN ('queued', 'running')"),
            postgresql_where=db.text("state IN ('queued', 'running')"),
        ),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    state: Mapped[BuildState] = mapped_column(EnumColumn(BuildState, 10), default=BuildState.QUEUED)
    step: Mapped[str] = mapped_column(String(200), default="")
    percent: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What the build changed in the winners' text to make the book, a line each.
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    folder: Mapped[str] = mapped_column(String(300))
    formats: Mapped[str] = mapped_column(String(40), default="docx,epub")
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def format_list(self) -> tuple[str, ...]:
        return tuple(self.formats.split(","))

    @property
    def is_unfinished(self) -> bool:
        return self.state in UNFINISHED_BUILD_STATES

    @property
    def step_label(self) -> str:
        """The step in the reader's language (rows from before step codes show as stored)."""
        try:
            return str(STEP_LABELS[BuildStep(self.step)])
        except ValueError:
            return self.step

    @property
    def audit_name(self) -> str:
        return f"#{self.id}"


class Announcement(db.Model):
    """A short piece of news from the board (launch, deadlines, results): listed on the
    contest's public page and carried by the Atom feed. Withdrawn news stays on record."""

    __tablename__ = "announcement"

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime] = mapped_column(DateTime)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Posted by the publication of the results, and withdrawn with them.
    is_results: Mapped[bool] = mapped_column(default=False)

    contest: Mapped[Contest] = relationship()

    @property
    def audit_name(self) -> str:
        return f"«{self.title}»"


class PortalSettings(db.Model):
    """How the contest goes out to other sites: the origins that may frame the winners
    widget (its CSP `frame-ancestors`, one origin a line)."""

    __tablename__ = "portal_settings"

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), unique=True)
    widget_origins: Mapped[str] = mapped_column(Text, default="")

    @property
    def origins(self) -> list[str]:
        return self.widget_origins.split()


class CommendationProposal(db.Model):
    """An exemplar profile the board proposes for the chairman's certificate of merit (Bằng
    khen, plan section V.4), with the reason it gives; withdrawn proposals stay on record."""

    __tablename__ = "commendation_proposal"
    __table_args__ = (
        CheckConstraint("length(justification) > 0", name="justification"),
        # One standing proposal per profile: a second click proposes nothing twice.
        Index(
            "uq_commendation_proposal_standing",
            "profile_id",
            unique=True,
            sqlite_where=db.text("withdrawn_at IS NULL"),
            postgresql_where=db.text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("exemplar_profile.id"))
    justification: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[created_at]
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    profile: Mapped[ExemplarProfile] = relationship()

    @property
    def audit_name(self) -> str:
        return self.profile.name


class ForwardingLetter(db.Model):
    """The unit's letter (công văn) that introduces what its round sent up — "giới thiệu và
    gửi về tỉnh" — kept with the round: who issues and signs it, and a line of
    recommendation per item sent (`{"e12": …, "p3": …}`: entry 12, profile 3)."""

    __tablename__ = "forwarding_letter"

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40), default="")
    place: Mapped[str] = mapped_column(String(60))
    day: Mapped[date] = mapped_column()
    signer_authority: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str] = mapped_column(String(80))
    recommendations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(DateTime)

    round: Mapped[Round] = relationship()

    @property
    def audit_name(self) -> str:
        return self.round.unit.name

    @property
    def audit_contest_id(self) -> int:
        return self.round.contest_id


class UnitIssuance(db.Model):
    """What a unit's organiser last printed on its own certificates (issuing body, number's
    code, place, date, signer): kept so that each of its winners downloads the same paper
    (`certificates.author_unit_certificate_docx`)."""

    __tablename__ = "unit_issuance"

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    day: Mapped[date] = mapped_column(Date)
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(40))
    place: Mapped[str] = mapped_column(String(60))
    signer_authority: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    round: Mapped[Round] = relationship()
