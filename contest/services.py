"""Verbs of the contest core. Each takes the session and plain values or model objects,
may flush, never commits: the view or CLI command that called it commits once."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest import storage
from contest.categories import CATEGORIES, SUBJECT_KINDS
from contest.errors import (
    DeadlinePassed,
    EntryLimitReached,
    IllegalTransition,
    InvalidInput,
    NotAllowedToEnter,
    QuotaExceeded,
)
from contest.intake import ExtractedEssay, markdown_to_html, nfc
from contest.models import (
    UNIT_KINDS,
    AuditEvent,
    Contest,
    Entry,
    ExemplarProfile,
    Forwarding,
    Round,
    Unit,
    User,
)


def record_event(
    session: Session,
    actor: User | None,
    obj: Entry | ExemplarProfile | Round | Contest | object,
    action: str,
    from_state: str = "",
    to_state: str = "",
    detail: str = "",
    contest_id: int | None = None,
) -> AuditEvent:
    """Append one line to the audit log."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        contest_id=contest_id if contest_id is not None else getattr(obj, "contest_id", None),
        object_type=type(obj).__name__,
        object_id=obj.id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
    )
    session.add(event)
    return event


# --- accounts ---------------------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """Digits only, `+84` written as a leading 0: one spelling per number."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits.replace("+", "")


def find_user_by_login(session: Session, login: str) -> User | None:
    """Log in by e-mail or phone number."""
    login = login.strip()
    if "@" in login:
        return session.scalar(select(User).where(func.lower(User.email) == login.lower()))
    return session.scalar(select(User).where(User.phone == normalise_phone(login)))


def create_user(
    session: Session,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    password: str | None,
    role: str = "entrant",
    unit: Unit | None = None,
    address: str = "",
) -> User:
    """Create an account; an e-mail or phone already taken is refused."""
    email = email.strip().lower() if email and email.strip() else None
    phone = normalise_phone(phone) if phone and phone.strip() else None
    if not email and not phone:
        raise InvalidInput("Cần có thư điện tử hoặc số điện thoại.")
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise InvalidInput("Thư điện tử này đã được đăng ký.")
    if phone and session.scalar(select(User.id).where(User.phone == phone)):
        raise InvalidInput("Số điện thoại này đã được đăng ký.")
    if role == "unit_organiser" and unit is None:
        raise InvalidInput("Cán bộ thi đua phải thuộc một đơn vị.")
    user = User(
        full_name=nfc(full_name.strip()),
        email=email,
        phone=phone,
        role=role,
        unit=unit,
        address=nfc(address.strip()),
    )
    if password:
        user.set_password(password)
    session.add(user)
    session.flush()
    return user


def find_or_create_author(
    session: Session, *, full_name: str, phone: str | None, email: str | None, unit: Unit | None
) -> User:
    """The author of an entry collected on paper: matched by phone or e-mail, else created
    without a password (they can be given one later)."""
    if unit is None:
        raise InvalidInput("Cần chọn đơn vị của tác giả.")
    for login in (phone, email):
        if login and login.strip():
            found = find_user_by_login(session, login)
            if found is not None:
                return found
    return create_user(
        session, full_name=full_name, email=email, phone=phone, password=None, unit=unit
    )


# --- contest set-up ------------------------------------------------------------------------


def update_contest(
    session: Session,
    contest: Contest,
    actor: User | None,
    *,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    min_words: int,
    max_words: int,
    max_entries_per_entrant: int,
    declarations: list[str],
) -> Contest:
    """Change the rules; the database checks them too (dates in order, limits sane)."""
    if closes_at <= opens_at:
        raise InvalidInput("Ngày hết hạn phải sau ngày bắt đầu nhận bài.")
    if not 0 <= min_words <= max_words:
        raise InvalidInput("Số chữ tối thiểu phải từ 0 đến số chữ tối đa.")
    if max_entries_per_entrant < 1:
        raise InvalidInput("Mỗi tác giả phải được gửi ít nhất một bài.")
    if not title.strip():
        raise InvalidInput("Cần có tên cuộc thi.")
    contest.title = nfc(title.strip())
    contest.opens_at, contest.closes_at = opens_at, closes_at
    contest.min_words, contest.max_words = min_words, max_words
    contest.max_entries_per_entrant = max_entries_per_entrant
    contest.declarations = [nfc(d.strip()) for d in declarations if d.strip()]
    record_event(
        session,
        actor,
        contest,
        "rules",
        "",
        "",
        f"{opens_at:%d/%m/%Y}–{closes_at:%d/%m/%Y}, {min_words}–{max_words} chữ",
    )
    session.flush()
    return contest


def create_unit(session: Session, *, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    """A unit of the tree; codes are unique."""
    code = code.strip().upper()
    if not code or not name.strip():
        raise InvalidInput("Cần có mã và tên đơn vị.")
    if kind not in UNIT_KINDS:
        raise InvalidInput("Loại đơn vị không hợp lệ.")
    if session.scalar(select(Unit.id).where(Unit.code == code)):
        raise InvalidInput(f"Mã đơn vị «{code}» đã có.")
    unit = Unit(code=code, name=nfc(name.strip()), kind=kind, parent=parent)
    session.add(unit)
    session.flush()
    return unit


def add_round(
    session: Session, contest: Contest, unit: Unit, quota: int, profile_quota: int
) -> Round:
    """A unit joins the contest: its round forwards to the round of its nearest ancestor."""
    if session.scalar(
        select(Round.id).where(Round.contest_id == contest.id, Round.unit_id == unit.id)
    ):
        raise InvalidInput("Đơn vị này đã có vòng thi.")
    if unit.parent is None:
        raise InvalidInput("Vòng cấp tỉnh đã có; hãy chọn một đơn vị cấp dưới.")
    parent = round_for_unit(session, contest, unit.parent)
    if parent.closed_at is not None:
        raise IllegalTransition("Vòng cấp trên đã gửi kết quả, không thể thêm vòng con.")
    if quota < 0 or profile_quota < 0:
        raise InvalidInput("Chỉ tiêu không được âm.")
    round_ = Round(
        contest=contest, unit=unit, parent=parent, quota=quota, profile_quota=profile_quota
    )
    session.add(round_)
    session.flush()
    record_event(
        session,
        None,
        round_,
        "create",
        "",
        "open",
        f"{unit.name} → {parent.unit.name}",
        contest_id=contest.id,
    )
    return round_


def set_quota(
    session: Session, round_: Round, quota: int, profile_quota: int, actor: User | None
) -> None:
    """Change a round's quotas; never below what it has already sent up."""
    if quota < forwarded_count(session, round_) or profile_quota < forwarded_count(
        session, round_, profiles=True
    ):
        raise QuotaExceeded("Chỉ tiêu mới nhỏ hơn số đã gửi lên cấp trên.")
    round_.quota, round_.profile_quota = quota, profile_quota
    record_event(
        session,
        actor,
        round_,
        "quota",
        "",
        "",
        f"{quota} bài, {profile_quota} hồ sơ",
        contest_id=round_.contest_id,
    )
    session.flush()


# --- rounds -------------------------------------------------------------------------------


def round_for_unit(session: Session, contest: Contest, unit: Unit) -> Round:
    """The round an author of `unit` submits to: the unit's own, else its nearest ancestor's."""
    for candidate in [unit, *unit.ancestors()]:
        found = session.scalar(
            select(Round).where(Round.contest_id == contest.id, Round.unit_id == candidate.id)
        )
        if found is not None:
            return found
    raise InvalidInput("Đơn vị này chưa tổ chức cuộc thi.")


def forwarded_count(session: Session, round_: Round, *, profiles: bool = False) -> int:
    """How many items of one kind this round has already sent up."""
    column = Forwarding.profile_id if profiles else Forwarding.entry_id
    return (
        session.scalar(
            select(func.count(Forwarding.id)).where(
                Forwarding.from_round_id == round_.id, column.is_not(None)
            )
        )
        or 0
    )


def pending_entries(session: Session, round_: Round) -> list[Entry]:
    """Entries waiting for this round's decision."""
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.round_id == round_.id, Entry.state.in_(("submitted", "forwarded")))
            .order_by(Entry.id)
        )
    )


def pending_profiles(session: Session, round_: Round) -> list[ExemplarProfile]:
    return list(
        session.scalars(
            select(ExemplarProfile)
            .where(
                ExemplarProfile.round_id == round_.id,
                ExemplarProfile.state.in_(("nominated", "forwarded")),
            )
            .order_by(ExemplarProfile.id)
        )
    )


def _check_round_open(round_: Round) -> None:
    if round_.is_province:
        raise IllegalTransition(
            "Vòng cấp tỉnh không chuyển tiếp lên đâu nữa; bài được chấm tại đây."
        )
    if round_.closed_at is not None:
        raise IllegalTransition("Vòng này đã gửi kết quả lên cấp trên.")


def _quota_message(round_: Round, quota: int, noun: str) -> str:
    return f"Vượt chỉ tiêu: {round_.unit.name} chỉ được gửi tối đa {quota} {noun} lên cấp trên."


def mark_entry(session: Session, round_: Round, entry: Entry, marked: bool, actor: User) -> None:
    """Tick or untick an entry for forwarding; ticking beyond the quota is refused."""
    _check_round_open(round_)
    if entry.round_id != round_.id or not entry.is_pending_in_round:
        raise IllegalTransition("Bài này không nằm trong danh sách chờ của vòng.")
    if marked and not entry.is_marked:
        already = forwarded_count(session, round_) + sum(
            1 for e in pending_entries(session, round_) if e.is_marked
        )
        if already + 1 > round_.quota:
            raise QuotaExceeded(_quota_message(round_, round_.quota, "bài"))
    entry.is_marked = marked
    session.flush()


def mark_profile(
    session: Session, round_: Round, profile: ExemplarProfile, marked: bool, actor: User
) -> None:
    """Tick or untick an exemplar profile for nomination upward, within the profile quota."""
    _check_round_open(round_)
    if profile.round_id != round_.id or profile.state not in ("nominated", "forwarded"):
        raise IllegalTransition("Hồ sơ này không nằm trong danh sách chờ của vòng.")
    if marked and not profile.is_marked:
        already = forwarded_count(session, round_, profiles=True) + sum(
            1 for p in pending_profiles(session, round_) if p.is_marked
        )
        if already + 1 > round_.profile_quota:
            raise QuotaExceeded(
                _quota_message(round_, round_.profile_quota, "hồ sơ gương điển hình")
            )
    profile.is_marked = marked
    session.flush()


@dataclass
class ForwardResult:
    forwarded: list[Entry]
    not_selected: list[Entry]
    profiles: list[ExemplarProfile]


def _send_up(
    session: Session, round_: Round, item: Entry | ExemplarProfile, actor: User | None
) -> None:
    """One entry or profile moves to the parent round, with the record the quota counts."""
    parent = round_.parent
    key = "entry_id" if isinstance(item, Entry) else "profile_id"
    session.add(
        Forwarding(
            from_round_id=round_.id,
            to_round_id=parent.id,
            **{key: item.id},
            by_id=actor.id if actor else None,
        )
    )
    record_event(
        session,
        actor,
        item,
        "forward",
        item.state,
        "forwarded",
        f"{round_.unit.name} → {parent.unit.name}",
    )
    item.state, item.round, item.is_marked = "forwarded", parent, False


def forward_round(
    session: Session,
    round_: Round,
    actor: User | None,
    now: datetime,
    entry_ids: Iterable[int] | None = None,
    forward_all: bool = False,
) -> ForwardResult:
    """Send the chosen entries and profiles up to the parent round and close this round.

    The chosen entries are the ticked ones, or `entry_ids`, or all pending with `forward_all`.
    Pending entries not chosen become 'not selected'. Quota is checked before anything moves.
    """
    _check_round_open(round_)
    pending = pending_entries(session, round_)
    if forward_all:
        chosen = pending
    elif entry_ids is not None:
        wanted = set(entry_ids)
        chosen = [e for e in pending if e.id in wanted]
        unknown = wanted - {e.id for e in chosen}
        if unknown:
            raise InvalidInput(
                "Các bài sau không nằm trong danh sách chờ của vòng: "
                + ", ".join(str(i) for i in sorted(unknown))
            )
    else:
        chosen = [e for e in pending if e.is_marked]
    if forwarded_count(session, round_) + len(chosen) > round_.quota:
        raise QuotaExceeded(
            _quota_message(round_, round_.quota, "bài") + f" Đã chọn {len(chosen)} bài."
        )
    profiles = [p for p in pending_profiles(session, round_) if p.is_marked]
    for entry in chosen:
        _send_up(session, round_, entry, actor)
    rest = [e for e in pending if e not in chosen]
    for entry in rest:
        record_event(
            session, actor, entry, "not_selected", entry.state, "not_selected", round_.unit.name
        )
        entry.state, entry.is_marked = "not_selected", False
    for profile in profiles:
        _send_up(session, round_, profile, actor)
    round_.closed_at = now
    record_event(
        session,
        actor,
        round_,
        "close",
        "open",
        "closed",
        f"{len(chosen)} bài, {len(profiles)} hồ sơ",
    )
    session.flush()
    return ForwardResult(chosen, rest, profiles)


# --- entries ------------------------------------------------------------------------------


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


def _validate_subject(subject: Subject) -> None:
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
    if contest.phase != "submission":
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
    _validate_subject(subject)
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
        state="draft",
    )
    _apply_subject(entry, subject)
    _apply_essay(entry, essay, original)
    session.add(entry)
    session.flush()
    record_event(
        session,
        entered_by or author,
        entry,
        "create",
        "",
        "draft",
        "nhập hộ tác giả" if entered_by else "",
    )
    if submit:
        _transition(session, entry, "submitted", entered_by or author)
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
    _validate_subject(subject)
    if essay is not None and entry.state == "submitted":
        check_word_limits(entry.contest, essay.word_count)
    entry.title = nfc(title.strip())
    _apply_subject(entry, subject)
    if essay is not None:
        # A new folder for the new version: the earlier file stays on disk, as history.
        _apply_essay(entry, essay, original)
        entry.storage_key = secrets.token_hex(16)
    record_event(session, actor, entry, "edit", entry.state, entry.state)
    session.flush()
    if essay is not None:
        storage.write_entry_files(session, entry.storage_key, original, essay.media)
    return entry


LEGAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "withdrawn"),
    "submitted": ("forwarded", "not_selected", "disqualified", "withdrawn"),
    "forwarded": ("forwarded", "not_selected", "disqualified", "withdrawn"),
    "not_selected": (),
    "disqualified": (),
    "withdrawn": (),
}


def _transition(
    session: Session, entry: Entry, to_state: str, actor: User | None, detail: str = ""
) -> None:
    if to_state not in LEGAL_TRANSITIONS[entry.state]:
        raise IllegalTransition(
            f"Không thể chuyển bài từ trạng thái «{entry.state}» sang «{to_state}»."
        )
    record_event(session, actor, entry, to_state, entry.state, to_state, detail)
    entry.state = to_state


def submit_entry(session: Session, entry: Entry, actor: User, now: datetime) -> None:
    """Draft → submitted, within the deadline and the word limits."""
    if not (entry.contest.opens_at <= now <= entry.contest.closes_at):
        raise DeadlinePassed("Đã hết hạn nộp bài.")
    if entry.round.closed_at is not None:
        raise DeadlinePassed("Vòng thi của đơn vị đã kết thúc, không nhận thêm bài.")
    check_word_limits(entry.contest, entry.word_count)
    _transition(session, entry, "submitted", actor)
    entry.submitted_at = now
    session.flush()


def withdraw_entry(session: Session, entry: Entry, actor: User, reason: str = "") -> None:
    """The author takes the entry back; the record and the file stay."""
    if entry.contest.phase != "submission":
        raise IllegalTransition("Không thể rút bài khi cuộc thi đã vào vòng chấm.")
    _transition(session, entry, "withdrawn", actor, nfc(reason.strip()))
    entry.is_marked = False
    session.flush()


def disqualify_entry(session: Session, entry: Entry, actor: User | None, reason: str) -> None:
    """A unit or the province rules an entry out, always with a reason."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput("Cần ghi rõ lý do loại bài.")
    if entry.round.closed_at is not None:
        raise IllegalTransition("Vòng này đã gửi kết quả lên cấp trên.")
    _transition(session, entry, "disqualified", actor, reason)
    entry.disqualify_reason = reason
    entry.is_marked = False
    session.flush()


# --- exemplar profiles --------------------------------------------------------------------


def create_profile(
    session: Session,
    *,
    contest: Contest,
    round_: Round,
    actor: User,
    name: str,
    kind: str,
    category: str,
    address: str = "",
    position: str = "",
    achievements: str = "",
    commendations: str = "",
    photo: tuple[str, bytes] | None = None,
) -> ExemplarProfile:
    """A unit organiser records an exemplar; it waits in the unit's round to be nominated."""
    _validate_subject(Subject(name, address, kind, category))
    profile = ExemplarProfile(
        contest=contest,
        unit=round_.unit,
        round=round_,
        name=nfc(name.strip()),
        kind=kind,
        category=category,
        address=nfc(address.strip()),
        position=nfc(position.strip()),
        achievements=nfc(achievements.strip()),
        commendations=nfc(commendations.strip()),
        state="nominated",
        created_by_id=actor.id,
    )
    session.add(profile)
    session.flush()
    if photo is not None:
        profile.photo_path = save_profile_photo(profile.id, photo)
    record_event(session, actor, profile, "create", "", "nominated")
    return profile


def save_profile_photo(profile_id: int, photo: tuple[str, bytes]) -> str:
    """Keep a profile photo re-encoded as JPEG, which also drops its EXIF block."""
    try:
        image = Image.open(io.BytesIO(photo[1]))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidInput("Ảnh không hợp lệ: chỉ nhận ảnh JPEG hoặc PNG.") from exc
    relative = os.path.join("profiles", f"{profile_id}.jpg")
    path = os.path.join(storage.root(), relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.convert("RGB").save(path, "JPEG", quality=88)
    return relative


# --- queries used by pages and the CLI -----------------------------------------------------


def contest_status(session: Session, contest: Contest) -> dict:
    """Entries per state and per unit, and rounds still to forward."""
    by_state = dict(
        session.execute(
            select(Entry.state, func.count(Entry.id))
            .where(Entry.contest_id == contest.id)
            .group_by(Entry.state)
        ).all()
    )
    rows = session.execute(
        select(Unit.code, Unit.name, Entry.state, func.count(Entry.id))
        .join(Entry, Entry.author_unit_id == Unit.id)
        .where(Entry.contest_id == contest.id)
        .group_by(Unit.code, Unit.name, Entry.state)
        .order_by(Unit.code)
    ).all()
    by_unit: dict[str, dict] = {}
    for code, name, state, count in rows:
        by_unit.setdefault(code, {"name": name, "states": {}})["states"][state] = count
    waiting = session.execute(
        select(Unit.code, Unit.name)
        .join(Round, Round.unit_id == Unit.id)
        .where(
            Round.contest_id == contest.id, Round.parent_id.is_not(None), Round.closed_at.is_(None)
        )
        .order_by(Unit.code)
    ).all()
    province_round = contest.province_round()
    nominations = (
        session.scalar(
            select(func.count(ExemplarProfile.id)).where(
                ExemplarProfile.round_id == province_round.id
            )
        )
        or 0
    )
    return {
        "contest": contest.slug,
        "phase": contest.phase,
        "entries_total": sum(by_state.values()),
        "entries_by_state": by_state,
        "entries_by_unit": by_unit,
        "at_province": session.scalar(
            select(func.count(Entry.id)).where(
                Entry.round_id == province_round.id, Entry.state == "forwarded"
            )
        )
        or 0,
        "rounds_not_forwarded": [{"unit": c, "name": n} for c, n in waiting],
        "profiles_at_province": nominations,
    }


def entry_history(session: Session, entry: Entry) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Entry", AuditEvent.object_id == entry.id)
            .order_by(AuditEvent.id)
        )
    )


def entry_passed_through(session: Session, entry: Entry, unit: Unit) -> bool:
    """True if the entry is, or was, in a round of `unit` or of a unit below it."""
    if entry.round.unit.is_within(unit):
        return True
    from_units = session.scalars(
        select(Unit)
        .join(Round, Round.unit_id == Unit.id)
        .join(Forwarding, Forwarding.from_round_id == Round.id)
        .where(Forwarding.entry_id == entry.id)
    )
    return any(u.is_within(unit) for u in from_units)
