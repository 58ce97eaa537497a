"""Entries: create, edit, submit, withdraw, disqualify, each through the transition table.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest import storage
from contest.audit import ContestAction, record_event
from contest.categories import CATEGORIES, SUBJECT_KINDS
from contest.errors import (
    DeadlinePassed,
    EntryLimitReached,
    IllegalTransition,
    InvalidInput,
    NotAllowedToEnter,
)
from contest.intake import ExtractedEssay, markdown_to_html
from contest.models import (
    Contest,
    ContestPhase,
    Entry,
    EntryState,
    ExemplarProfile,
    Unit,
    User,
)
from contest.services.forwarding import round_for_unit
from contest.states import advance
from contest.text import nfc


@dataclass
class Subject:
    """Who the essay is about: an exemplar profile, or a subject described on the form."""

    name: str
    address: str
    kind: str
    category: str
    profile: ExemplarProfile | None = None

    @classmethod
    def of_profile(cls, profile: ExemplarProfile) -> Subject:
        return cls(profile.name, profile.address, profile.kind, profile.category, profile)


def validate_subject(subject: Subject) -> None:
    if not subject.name.strip():
        raise InvalidInput("Cần ghi tên người hoặc tập thể được viết về.")
    if subject.kind not in SUBJECT_KINDS:
        raise InvalidInput("Loại đối tượng không hợp lệ.")
    if subject.category not in CATEGORIES:
        raise InvalidInput("Lĩnh vực gương điển hình không hợp lệ.")


def check_word_limits(contest: Contest, word_count: int) -> None:
    """Submitted essays must fall within the contest's limits in chữ."""
    if word_count < contest.min_words:
        raise InvalidInput(
            f"Bài viết có {word_count} chữ, ít hơn mức tối thiểu {contest.min_words} chữ."
        )
    if word_count > contest.max_words:
        raise InvalidInput(
            f"Bài viết có {word_count} chữ, vượt mức tối đa {contest.max_words} chữ."
        )


def _check_can_enter(
    session: Session,
    contest: Contest,
    author: User,
    now: datetime,
    by_organiser: bool,
    exclude: Entry | None = None,
) -> None:
    if not author.may_enter:
        raise NotAllowedToEnter("Thành viên Ban Tổ chức và Ban Giám khảo không được dự thi.")
    if contest.phase != ContestPhase.SUBMISSION:
        raise DeadlinePassed("Cuộc thi đã hết hạn nhận bài.")
    if not by_organiser and not (contest.opens_at <= now <= contest.closes_at):
        raise DeadlinePassed(
            "Ngoài thời gian nhận bài: cuộc thi nhận bài từ "
            f"{contest.opens_at:%d/%m/%Y} đến {contest.closes_at:%d/%m/%Y}."
        )
    query = select(func.count(Entry.id)).where(
        Entry.contest_id == contest.id, Entry.author_id == author.id, Entry.state != "withdrawn"
    )
    if exclude is not None:
        query = query.where(Entry.id != exclude.id)
    if (session.scalar(query) or 0) >= contest.max_entries_per_entrant:
        raise EntryLimitReached(
            f"Mỗi tác giả được gửi tối đa {contest.max_entries_per_entrant} bài."
        )


def create_entry(
    session: Session,
    *,
    contest: Contest,
    author: User,
    author_unit: Unit,
    title: str,
    subject: Subject,
    essay: ExtractedEssay,
    original: tuple[str, bytes] | None,
    declarations_accepted: bool,
    now: datetime,
    submit: bool,
    entered_by: User | None = None,
) -> Entry:
    """Save a new essay as a draft, or submitted at once; files are written last."""
    _check_can_enter(session, contest, author, now, by_organiser=entered_by is not None)
    if not title.strip():
        raise InvalidInput("Cần có tên bài viết.")
    validate_subject(subject)
    if not declarations_accepted:
        raise InvalidInput("Cần xác nhận đủ các cam kết của thể lệ.")
    round_ = round_for_unit(session, contest, author_unit)
    if round_.closed_at is not None:
        raise DeadlinePassed("Vòng thi của đơn vị đã kết thúc, không nhận thêm bài.")
    if submit:
        check_word_limits(contest, essay.word_count)
    entry = Entry(
        contest=contest,
        author=author,
        author_unit=author_unit,
        round=round_,
        entered_by_id=entered_by.id if entered_by else None,
        title=nfc(title.strip()),
        storage_key=secrets.token_hex(16),
        state=EntryState.DRAFT,
    )
    _apply_subject(entry, subject)
    _apply_essay(entry, essay, original)
    session.add(entry)
    session.flush()
    record_event(
        session,
        entered_by or author,
        entry,
        ContestAction.ENTRY_ENTERED_FOR_AUTHOR if entered_by else ContestAction.ENTRY_CREATED,
        change=("", EntryState.DRAFT),
    )
    if submit:
        _transition(session, entry, EntryState.SUBMITTED, entered_by or author)
        entry.submitted_at = now
    session.flush()
    storage.write_entry_files(session, entry.storage_key, original, essay.media)
    return entry


def _apply_subject(entry: Entry, subject: Subject) -> None:
    entry.subject_profile = subject.profile
    entry.subject_name = nfc(subject.name.strip())
    entry.subject_address = nfc(subject.address.strip())
    entry.subject_kind = subject.kind
    entry.subject_category = subject.category


def _apply_essay(entry: Entry, essay: ExtractedEssay, original: tuple[str, bytes] | None) -> None:
    entry.body_markdown = essay.markdown
    entry.body_text = essay.text
    entry.body_html = markdown_to_html(essay.markdown)
    entry.word_count = essay.word_count
    entry.original_filename = nfc(original[0]) if original else None


def update_entry(
    session: Session,
    entry: Entry,
    *,
    actor: User,
    title: str,
    subject: Subject,
    essay: ExtractedEssay | None,
    original: tuple[str, bytes] | None,
    now: datetime,
) -> Entry:
    """The entrant edits a draft or a submitted entry until the deadline."""
    if not entry.is_editable:
        raise IllegalTransition("Bài đã được xét ở vòng đơn vị, không thể sửa.")
    if not (entry.contest.opens_at <= now <= entry.contest.closes_at):
        raise DeadlinePassed("Đã hết hạn sửa bài.")
    if not title.strip():
        raise InvalidInput("Cần có tên bài viết.")
    validate_subject(subject)
    if essay is not None and entry.state == EntryState.SUBMITTED:
        check_word_limits(entry.contest, essay.word_count)
    entry.title = nfc(title.strip())
    _apply_subject(entry, subject)
    if essay is not None:
        # A new folder for the new version: the earlier file stays on disk, as history.
        _apply_essay(entry, essay, original)
        entry.storage_key = secrets.token_hex(16)
    record_event(session, actor, entry, ContestAction.ENTRY_EDITED)
    session.flush()
    if essay is not None:
        storage.write_entry_files(session, entry.storage_key, original, essay.media)
    return entry


_ACTIONS = {
    EntryState.SUBMITTED: ContestAction.ENTRY_SUBMITTED,
    EntryState.WITHDRAWN: ContestAction.ENTRY_WITHDRAWN,
    EntryState.DISQUALIFIED: ContestAction.ENTRY_DISQUALIFIED,
}


def _transition(
    session: Session, entry: Entry, target: EntryState, actor: User | None, detail: str = ""
) -> None:
    """The author's or an organiser's decision on one entry, through the transition table."""
    before = advance(entry, target)
    record_event(session, actor, entry, _ACTIONS[target], change=(before, target), detail=detail)


def submit_entry(session: Session, entry: Entry, actor: User, now: datetime) -> None:
    """Draft → submitted, within the deadline and the word limits."""
    if not (entry.contest.opens_at <= now <= entry.contest.closes_at):
        raise DeadlinePassed("Đã hết hạn nộp bài.")
    if entry.round.closed_at is not None:
        raise DeadlinePassed("Vòng thi của đơn vị đã kết thúc, không nhận thêm bài.")
    check_word_limits(entry.contest, entry.word_count)
    _transition(session, entry, EntryState.SUBMITTED, actor)
    entry.submitted_at = now
    session.flush()


def withdraw_entry(session: Session, entry: Entry, actor: User, reason: str = "") -> None:
    """The author takes the entry back; the record and the file stay."""
    if entry.contest.phase != ContestPhase.SUBMISSION:
        raise IllegalTransition("Không thể rút bài khi cuộc thi đã vào vòng chấm.")
    _transition(session, entry, EntryState.WITHDRAWN, actor, nfc(reason.strip()))
    entry.is_marked = False
    session.flush()


def disqualify_entry(session: Session, entry: Entry, actor: User | None, reason: str) -> None:
    """A unit or the province rules an entry out, always with a reason."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do loại bài.")
    if entry.round.closed_at is not None:
        raise IllegalTransition("Vòng này đã gửi kết quả lên cấp trên.")
    _transition(session, entry, EntryState.DISQUALIFIED, actor, reason)
    entry.disqualify_reason = reason
    entry.is_marked = False
    session.flush()
