"""Entries: create, edit, submit, withdraw, disqualify, each through the transition table.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.categories import SUBJECT_KINDS
from contest.documents.converter import markdown_to_html
from contest.documents.intake import ExtractedEssay
from contest.errors import DeadlinePassed, EditedElsewhere, EntryLimitReached, NotAllowedToEnter
from contest.models import (
    Contest,
    ContestPhase,
    Entry,
    EntryState,
    ExemplarProfile,
    Round,
    Unit,
    User,
)
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.i18n import format_date
from contest.platform.states import advance
from contest.platform.storage import FileStore, safe_join
from contest.platform.text import nfc
from contest.services import deadlines, notifications
from contest.services.forwarding import round_for_unit


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


def subject_problems(contest: Contest, subject: Subject) -> tuple[Subject, list[str]]:
    """The subject with its kind taken from its category when none was chosen (the category
    says whether it is a collective, a person or a household), and every problem found."""
    problems = []
    if not subject.name.strip():
        problems.append(str(_l("Cần ghi tên người hoặc tập thể được viết về.")))
    category = next((c for c in contest.categories if c.code == subject.category), None)
    if category is None:
        return subject, [*problems, str(_l("Lĩnh vực gương điển hình không hợp lệ."))]
    kind = subject.kind or category.group
    if kind not in SUBJECT_KINDS:
        problems.append(str(_l("Loại đối tượng không hợp lệ.")))
    elif category.group != kind:
        # Section III files collectives under 1.x and people under 2.x: the field follows
        # who the essay is about.
        problems.append(
            str(
                _l(
                    "Lĩnh vực %(code)s dành cho đối tượng là %(group)s, còn người được viết về "
                    "là %(kind)s: hãy chọn lại lĩnh vực hoặc loại đối tượng.",
                    code=category.code,
                    group=str(SUBJECT_KINDS[category.group]).lower(),
                    kind=str(SUBJECT_KINDS[kind]).lower(),
                )
            )
        )
    return replace(subject, kind=kind), problems


def refuse_all(problems: list[str]) -> None:
    """Every problem found, in one refusal: the entrant fixes them all in one go."""
    if problems:
        raise InvalidInput(" ".join(problems))


def validate_subject(contest: Contest, subject: Subject) -> Subject:
    """The subject checked (see `subject_problems`), refused with every problem named."""
    subject, problems = subject_problems(contest, subject)
    refuse_all(problems)
    return subject


def word_limit_problems(contest: Contest, word_count: int) -> list[str]:
    """Submitted essays must fall within the contest's limits in chữ."""
    if word_count < contest.min_words:
        return [
            str(
                _l(
                    "Bài viết có %(words)d chữ, ít hơn mức tối thiểu %(limit)d chữ.",
                    words=word_count,
                    limit=contest.min_words,
                )
            )
        ]
    if word_count > contest.max_words:
        return [
            str(
                _l(
                    "Bài viết có %(words)d chữ, vượt mức tối đa %(limit)d chữ.",
                    words=word_count,
                    limit=contest.max_words,
                )
            )
        ]
    return []


DECLARATIONS_NEEDED = _l("Cần xác nhận đủ các cam kết của thể lệ trước khi nộp bài.")
# The declarations promise a real subject that can be found: an entrant's essay goes in with its
# subject's address (a paper entry keeps what the paper says).
ADDRESS_NEEDED = _l("Cần ghi địa chỉ của người hoặc tập thể được viết về trước khi nộp.")
TITLE_NEEDED = _l("Cần có tên bài viết.")


def check_can_enter(
    session: Session,
    contest: Contest,
    author: User,
    now: datetime,
    by_organiser: bool,
    exclude: Entry | None = None,
    unit: Unit | None = None,
) -> Round:
    """The round a new essay of `author` (of `unit`, else their own) goes into: refused,
    saying why, when they may not enter, their unit's round takes no essay now
    (`deadlines.check_intake`) or they have sent as many as the contest allows."""
    if not author.may_enter:
        raise NotAllowedToEnter(_l("Thành viên Ban Tổ chức và Ban Giám khảo không được dự thi."))
    round_ = deadlines.check_intake(
        session, contest, unit or author.unit, now, by_organiser=by_organiser
    )
    query = select(func.count(Entry.id)).where(
        Entry.contest_id == contest.id,
        Entry.author_id == author.id,
        Entry.state != EntryState.WITHDRAWN,
    )
    if exclude is not None:
        query = query.where(Entry.id != exclude.id)
    if (session.scalar(query) or 0) >= contest.max_entries_per_entrant:
        raise EntryLimitReached(
            _l(
                "Mỗi tác giả được gửi tối đa %(n)d bài.",
                n=contest.max_entries_per_entrant,
            )
        )
    return round_


def entrant_notices(
    session: Session, contests: list[Contest], author: User, now: datetime
) -> dict[int, tuple[str, str]]:
    """contest id → what the home page tells an entrant beside it: ("closed", why their unit
    takes no essay now), or ("closing", when it stops, if before the contest does)."""
    found = {}
    for contest in contests:
        if contest.phase != ContestPhase.SUBMISSION or author.unit is None:
            continue
        refusal = deadlines.intake_refusal(session, contest, author.unit, now)
        if refusal is not None:
            found[contest.id] = ("closed", refusal)
            continue
        round_ = round_for_unit(session, contest, author.unit)
        if round_.entries_close_at < contest.closes_at:
            found[contest.id] = (
                "closing",
                _l(
                    "%(unit)s của bạn nhận bài đến hết ngày %(day)s.",
                    unit=round_.unit.name,
                    day=format_date(round_.entries_close_at),
                ),
            )
    return found


def create_entry(
    session: Session,
    *,
    files: FileStore,
    contest: Contest,
    author: User,
    author_unit: Unit | None,
    title: str,
    subject: Subject,
    essay: ExtractedEssay,
    original: tuple[str, bytes] | None,
    declarations_accepted: bool,
    now: datetime,
    submit: bool,
    entered_by: User | None = None,
    paper: bool = False,
) -> Entry:
    """Save a new essay as a draft, or submitted at once; files are written last. A `paper`
    entry (typed in by an organiser, `entered_by`, or imported by the operator) keeps what
    the paper says: it goes in without a subject's address if the paper had none."""
    round_ = check_can_enter(
        session, contest, author, now, by_organiser=entered_by is not None, unit=author_unit
    )
    subject, problems = subject_problems(contest, subject)
    if not title.strip():
        problems.insert(0, str(TITLE_NEEDED))
    submit = submit and not held_for_checking(essay, entered_by)
    if submit:
        if not declarations_accepted:
            problems.append(str(DECLARATIONS_NEEDED))
        problems += word_limit_problems(contest, essay.word_count)
        if not (paper or entered_by) and not subject.address.strip():
            problems.append(str(ADDRESS_NEEDED))
    refuse_all(problems)
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
        notifications.entry_received(session, entry)
    session.flush()
    files.write_entry_files(session, entry.storage_key, original, essay.media)
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
    entry.body_html = essay.html or markdown_to_html(essay.markdown)
    entry.word_count = essay.word_count
    entry.original_filename = nfc(original[0]) if original else None


def update_entry(
    session: Session,
    entry: Entry,
    *,
    files: FileStore,
    actor: User,
    title: str,
    subject: Subject,
    essay: ExtractedEssay | None,
    original: tuple[str, bytes] | None,
    now: datetime,
    submit: bool = False,
    declarations_accepted: bool = False,
    seen_version: int | None = None,
) -> Entry:
    """The entrant edits a draft or a submitted entry until the deadline; `submit` also
    submits a draft (unless the new essay waits to be checked, see `held_for_checking`).
    `seen_version` is the version the form was opened on: a later save wins nothing silently."""
    if seen_version is not None and seen_version != entry.version:
        raise EditedElsewhere(
            _l(
                "Bài này đã được lưu ở một thẻ hoặc máy khác sau khi bạn mở trang. Thay đổi "
                "của bạn chưa được lưu: hãy sao chép phần vừa sửa, tải lại trang để xem bản "
                "mới nhất rồi sửa tiếp."
            )
        )
    if not entry.is_editable:
        raise IllegalTransition(_l("Bài đã được xét ở vòng đơn vị, không thể sửa."))
    if entry.state == EntryState.SUBMITTED:  # it is in the round: only while the round takes it
        deadlines.check_round_intake(entry.round, now, by_organiser=entry.entered_by_id is not None)
    elif not (entry.contest.opens_at <= now <= entry.round.entries_close_at):
        raise DeadlinePassed(_l("Đã hết hạn sửa bài."))
    subject, problems = subject_problems(entry.contest, subject)
    if not title.strip():
        problems.insert(0, str(TITLE_NEEDED))
    if essay is not None and entry.state == EntryState.SUBMITTED:
        problems += word_limit_problems(entry.contest, essay.word_count)
    if entry.state == EntryState.SUBMITTED and entry.entered_by_id is None:
        if not subject.address.strip():
            problems.append(str(ADDRESS_NEEDED))
    refuse_all(problems)
    entry.title = nfc(title.strip())
    _apply_subject(entry, subject)
    if essay is not None:
        # A new folder for the new version: the earlier file stays on disk, as history.
        _apply_essay(entry, essay, original)
        entry.storage_key = secrets.token_hex(16)
    record_event(session, actor, entry, ContestAction.ENTRY_EDITED)
    session.flush()
    if essay is not None:
        files.write_entry_files(session, entry.storage_key, original, essay.media)
    if submit and entry.state == EntryState.DRAFT and not held_for_checking(essay, None):
        submit_entry(session, entry, actor, now, declarations_accepted=declarations_accepted)
    return entry


def held_for_checking(essay: ExtractedEssay | None, entered_by: User | None) -> bool:
    """An essay intake had to convert (old font, old Word format, PDF) waits as a draft for its
    author to read before submitting; a paper entry is the organiser's own copy and goes in."""
    return essay is not None and bool(essay.notices) and entered_by is None


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


def submit_entry(
    session: Session, entry: Entry, actor: User, now: datetime, *, declarations_accepted: bool
) -> None:
    """Draft → submitted, within the deadline and the word limits, the author having made the
    contest's declarations (a draft may be saved before)."""
    deadlines.check_round_intake(entry.round, now, by_organiser=entry.entered_by_id is not None)
    problems = [] if declarations_accepted else [str(DECLARATIONS_NEEDED)]
    problems += word_limit_problems(entry.contest, entry.word_count)
    if entry.entered_by_id is None and not entry.subject_address.strip():
        problems.append(str(ADDRESS_NEEDED))
    saved = Subject(
        entry.subject_name, entry.subject_address, entry.subject_kind, entry.subject_category
    )
    problems += subject_problems(entry.contest, saved)[1]
    refuse_all(problems)
    _transition(session, entry, EntryState.SUBMITTED, actor)
    entry.submitted_at = now
    notifications.entry_received(session, entry)
    session.flush()


def withdraw_entry(session: Session, entry: Entry, actor: User, reason: str = "") -> None:
    """The author takes the entry back; the record and the file stay."""
    if entry.contest.phase != ContestPhase.SUBMISSION:
        raise IllegalTransition(_l("Không thể rút bài khi cuộc thi đã vào vòng chấm."))
    _transition(session, entry, EntryState.WITHDRAWN, actor, nfc(reason.strip()))
    entry.is_marked = False
    session.flush()


def disqualify_entry(session: Session, entry: Entry, actor: User | None, reason: str) -> None:
    """A unit or the province rules an entry out, always with a reason."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do loại bài."))
    if entry.round.closed_at is not None:
        raise IllegalTransition(_l("Vòng này đã gửi kết quả lên cấp trên."))
    # The reason first: the database refuses a disqualified entry without one.
    entry.disqualify_reason = reason
    _transition(session, entry, EntryState.DISQUALIFIED, actor, reason)
    entry.is_marked = False
    session.flush()


def open_original(
    session: Session, files: FileStore, actor: User, entry: Entry
) -> tuple[str, str] | None:
    """The file the author sent (its path, and its name as sent), with the download in the
    audit log in the same unit of work; None when there is no such file."""
    name = entry.original_filename
    extension = os.path.splitext(name or "")[1].lower()
    path = safe_join(files.entry_dir(entry.storage_key), "original" + extension)
    if not name or path is None or not os.path.isfile(path):
        return None
    record_event(session, actor, entry, ContestAction.ORIGINAL_DOWNLOADED)
    return path, name
