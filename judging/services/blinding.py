"""Rọc phách: every entry of a judging gets a code and a judges' copy (text re-rendered,
pictures without metadata), scanned for anything that reveals its author; an organiser then
hides the flagged words in the copy or keeps them with a reason.

A unit round's judging (issue 14) makes its own copies, codes and flags (their round_id):
a unit code tells the province nothing. `round_id=None` is the province's, as before."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from contest.documents.converter import (
    markdown_to_html,
    markdown_to_text_and_html,
    rewrite_and_read,
    rewrite_markdown,
)
from contest.documents.essay_ast import LinkPolicy
from contest.models import Contest, ContestPhase, Entry, Round, User
from contest.platform.audit import record_event
from contest.platform.errors import IntakeError, InvalidInput
from contest.platform.states import advance
from contest.platform.storage import FileStore, safe_join
from contest.platform.text import nfc
from contest.services import forwarding
from judging.audit import JudgingAction
from judging.errors import JudgingClosed
from judging.models import BlindCopy, LeakFlag, in_judging
from judging.rules import blind, leakscan
from judging.services.stages import province_entries, stages
from judging.states import FlagState, StageState


def blind_dir(files: FileStore, media_key: str) -> str:
    """Where a judges' copy keeps its pictures (under a random key, not the entry's)."""
    return os.path.join(files.root, "blind", media_key)


def media_path(files: FileStore, copy: BlindCopy, name: str) -> str | None:
    """The file of one of the copy's pictures, or None if there is no such picture."""
    path = safe_join(os.path.join(blind_dir(files, copy.media_key), "media"), name)
    return path if path is not None and os.path.isfile(path) else None


@dataclass(frozen=True)
class PreparedCopy:
    """A judges' copy made before the writer's transaction (`prepare_outside`): the slow part
    (pandoc, pictures, the scan), for the exact source it was made from."""

    source: str
    markdown: str
    html: str
    pictures: dict[str, bytes]
    flags: tuple[leakscan.Flag, ...]


def _source(entry: Entry) -> str:
    """What a copy and its scan are made from: the text and everything the scan compares it
    with. A copy prepared for another source is made again."""
    author = entry.author
    parts = [
        entry.body_markdown,
        entry.title,
        entry.subject_name,
        author.full_name,
        author.phone or "",
        author.email or "",
        author.contact,
        *_unit_names(entry),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _unit_names(entry: Entry) -> tuple[str, ...]:
    author = entry.author
    return tuple(
        sorted(
            {
                u.name
                for u in [entry.author_unit, *([author.unit] if author.unit else [])]
                if not u.is_province
            }
        )
    )


def make_copy(files: FileStore, entry: Entry) -> PreparedCopy:
    """The judges' copy of `entry` and its leak flags. Links become words and targets as text:
    nothing leads judges out of the app, and the scan reads the targets (a `mailto:` with the
    author's address) like the text. Pictures come as intake stored them (`PictureCopier`)."""
    copier = blind.PictureCopier(files.entry_dir(entry.storage_key))
    try:
        markdown, _outcome, read = rewrite_and_read(entry.body_markdown, copier, LinkPolicy.AS_TEXT)
    except IntakeError:
        # Four outputs in one time limit were too many: the cleaned markdown alone, and its
        # text apart, which may fail in turn (below).
        markdown, _outcome = rewrite_markdown(entry.body_markdown, copier, LinkPolicy.AS_TEXT)
        read = None
    author = entry.author
    # A paper author without a login of their own: "phone, e-mail" as written on the paper.
    contacts = [c.strip() for c in author.contact.split(",") if c.strip()]
    try:
        text, html = read or markdown_to_text_and_html(markdown)
    except IntakeError:
        # Fail closed: a copy that cannot be read for the scan waits for an organiser.
        flags = [leakscan.Flag("unscanned", entry.title)]
        html = markdown_to_html(markdown)
    else:
        flags = leakscan.scan(
            text,
            title=entry.title,
            author_name=author.full_name,
            phone=author.phone or next((c for c in contacts if "@" not in c), None),
            email=author.email or next((c for c in contacts if "@" in c), None),
            unit_names=_unit_names(entry),
            subject_name=entry.subject_name,
        )
    return PreparedCopy(_source(entry), markdown, html, copier.pictures, tuple(flags))


def _entries_to_copy(
    session: Session, contest: Contest, round_: Round | None
) -> tuple[list[Entry], dict[int, BlindCopy]]:
    """The entries of the judging, and the copies it already has by entry."""
    round_id = round_.id if round_ is not None else None
    copies = {
        c.entry_id: c
        for c in session.scalars(
            select(BlindCopy).where(
                BlindCopy.contest_id == contest.id, in_judging(BlindCopy.round_id, round_id)
            )
        )
    }
    entries = (
        province_entries(session, contest)
        if round_ is None
        else forwarding.pending_entries(session, round_)
    )
    # Each copy reads its author, their unit and the entry's unit (`_source`, the scan): loaded
    # for all the entries at once, not one query per entry inside the writer's transaction.
    session.scalars(
        select(Entry)
        .where(Entry.id.in_([e.id for e in entries if e.id not in copies]))
        .options(
            selectinload(Entry.author).selectinload(User.unit),
            selectinload(Entry.author_unit),
        )
    ).all()
    return list(entries), copies


def blind_copy_coverage(
    session: Session, contest: Contest, round_: Round | None = None
) -> tuple[int, int]:
    """How many entries the judging holds, and how many of them have their blind copy."""
    entries, copies = _entries_to_copy(session, contest, round_)
    return len(entries), sum(1 for e in entries if e.id in copies)


def prepare_outside(
    session: Session, files: FileStore, contest: Contest, round_: Round | None = None
) -> dict[int, PreparedCopy]:
    """Reads only: the copies the judging still needs, made before a writer's transaction so
    that no lock is held while pandoc runs (`prepare_blind_copies(prepared=…)`)."""
    entries, copies = _entries_to_copy(session, contest, round_)
    return {e.id: make_copy(files, e) for e in entries if e.id not in copies}


def prepare_blind_copies(
    session: Session,
    files: FileStore,
    contest: Contest,
    actor: User | None,
    round_: Round | None = None,
    prepared: Mapping[int, PreparedCopy] | None = None,
    new_code: blind.CodeMaker = blind.new_code,
) -> int:
    """Give every entry of the judging (the province's, or `round_`'s: the entries waiting
    for its decision) a code and a judges' copy, and scan it for leaks: from `prepared` when
    it was made for the entry as it still is, else here.

    Entries that already have a copy are left as they are. Returns the number of new flags.
    The copies' pictures are written into `files`: gone again on rollback."""
    round_id = round_.id if round_ is not None else None
    entries, copies = _entries_to_copy(session, contest, round_)
    # Codes are unique across every judging, so no unit code ever names a province copy.
    taken = set(session.scalars(select(BlindCopy.code).where(BlindCopy.contest_id == contest.id)))
    prefix = blind.code_prefix(contest.slug)
    made = new_flags = 0
    for entry in entries:
        if entry.id in copies:
            continue
        ready = (prepared or {}).get(entry.id)
        if ready is None or ready.source != _source(entry):
            ready = make_copy(files, entry)
        code = new_code(prefix, taken)
        taken.add(code)
        key = secrets.token_hex(16)
        for name, data in ready.pictures.items():
            files.write_file(session, os.path.join("blind", key, name), data)
        session.add(
            BlindCopy(
                entry_id=entry.id,
                contest_id=contest.id,
                round_id=round_id,
                code=code,
                title=entry.title,
                subject_name=entry.subject_name,
                markdown=ready.markdown,
                html=ready.html,
                media_key=key,
            )
        )
        for flag in ready.flags:
            session.add(
                LeakFlag(
                    entry_id=entry.id,
                    round_id=round_id,
                    kind=flag.kind,
                    snippet=flag.snippet,
                    rule=flag.rule,
                )
            )
        made += 1
        new_flags += len(ready.flags)
    session.flush()
    if made:
        record_event(
            session,
            actor,
            round_ if round_ is not None else contest,
            JudgingAction.BLIND_COPIES_MADE,
            contest_id=contest.id,
            copies=made,
            flags=new_flags,
        )
    return new_flags


def _flags(contest: Contest, round_id: int | None):
    return (
        select(LeakFlag)
        .join(Entry, Entry.id == LeakFlag.entry_id)
        .where(Entry.contest_id == contest.id, in_judging(LeakFlag.round_id, round_id))
        .options(selectinload(LeakFlag.entry).selectinload(Entry.author))
    )


def open_flags(session: Session, contest: Contest, round_id: int | None = None) -> list[LeakFlag]:
    return list(
        session.scalars(
            _flags(contest, round_id)
            .where(LeakFlag.state == FlagState.OPEN)
            .order_by(LeakFlag.entry_id, LeakFlag.id)
        )
    )


def all_flags(session: Session, contest: Contest, round_id: int | None = None) -> list[LeakFlag]:
    """Every flag, the open ones first."""
    return list(
        session.scalars(
            _flags(contest, round_id).order_by(
                LeakFlag.state != FlagState.OPEN, LeakFlag.entry_id, LeakFlag.id
            )
        )
    )


def redact_flag(session: Session, flag: LeakFlag, actor: User, snippet: str | None = None) -> None:
    """Replace the flagged words with "[…]" in the judges' copy; the original stays intact."""
    if _judging_started(session, flag):
        raise JudgingClosed(_l("Đã mở chấm, không thể sửa bản chấm."))
    copy = session.scalar(
        select(BlindCopy).where(
            BlindCopy.entry_id == flag.entry_id, in_judging(BlindCopy.round_id, flag.round_id)
        )
    )
    text = nfc((snippet or flag.snippet).strip())
    if not text:
        raise InvalidInput(_l("Cần ghi đoạn chữ cần che."))
    before = advance(flag, FlagState.REDACTED)
    copy.markdown = leakscan.redact(copy.markdown, text)
    copy.title = leakscan.redact(copy.title, text)
    copy.subject_name = leakscan.redact(copy.subject_name, text)
    copy.html = markdown_to_html(copy.markdown)
    flag.resolution, flag.resolved_by_id = text, actor.id if actor else None
    record_event(
        session,
        actor,
        flag.entry,
        JudgingAction.FLAG_REDACTED,
        change=(before, flag.state),
        leak=flag.kind,  # its words in the sentence (`judging.audit.LEAK_KIND_LABELS`)
        code=copy.code,
    )
    session.flush()


def _judging_started(session: Session, flag: LeakFlag) -> bool:
    """The flag's judging has opened its first stage: its copies are what judges read now."""
    if flag.round_id is None:
        return flag.entry.contest.phase != ContestPhase.SUBMISSION
    first = next(iter(stages(session, flag.entry.contest, flag.round_id)), None)
    return first is not None and first.state != StageState.DRAFT


def clear_flag(session: Session, flag: LeakFlag, actor: User, reason: str) -> None:
    """Keep the text as it is, with the organiser's reason on record."""
    reason = nfc(reason.strip())
    if not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do giữ nguyên."))
    before = advance(flag, FlagState.CLEARED)
    flag.resolution, flag.resolved_by_id = reason, actor.id if actor else None
    record_event(
        session,
        actor,
        flag.entry,
        JudgingAction.FLAG_CLEARED,
        change=(before, flag.state),
        code=code_of_entry(session, flag.entry_id, flag.round_id),
        reason=reason,
    )
    session.flush()


def blind_copy_by_code(
    session: Session, contest: Contest, code: str, round_id: int | None = None
) -> BlindCopy | None:
    """The copy with this code in this judging only: a unit code finds nothing elsewhere."""
    return session.scalar(
        select(BlindCopy).where(
            BlindCopy.contest_id == contest.id,
            in_judging(BlindCopy.round_id, round_id),
            BlindCopy.code == code.strip().upper(),
        )
    )


def blind_copies(
    session: Session, contest: Contest, round_id: int | None = None
) -> list[BlindCopy]:
    """The code → entry key of one judging, by code (its organisers only)."""
    return list(
        session.scalars(
            select(BlindCopy)
            .where(BlindCopy.contest_id == contest.id, in_judging(BlindCopy.round_id, round_id))
            .options(selectinload(BlindCopy.entry))
            .order_by(BlindCopy.code)
        )
    )


def neighbour_codes(
    session: Session, contest: Contest, code: str, round_id: int | None = None
) -> tuple[str | None, str | None]:
    """The codes before and after `code` in the judging, in code order: the organiser steps
    through the entries without going back to the list."""
    in_this = (BlindCopy.contest_id == contest.id, in_judging(BlindCopy.round_id, round_id))
    before = session.scalar(select(func.max(BlindCopy.code)).where(*in_this, BlindCopy.code < code))
    after = session.scalar(select(func.min(BlindCopy.code)).where(*in_this, BlindCopy.code > code))
    return before, after


def codes_of_entries(
    session: Session, entry_ids: list[int], round_id: int | None = None
) -> dict[int, BlindCopy]:
    return {
        c.entry_id: c
        for c in session.scalars(
            select(BlindCopy).where(
                BlindCopy.entry_id.in_(entry_ids), in_judging(BlindCopy.round_id, round_id)
            )
        )
    }


def code_of_entry(session: Session, entry_id: int, round_id: int | None = None) -> str:
    return (
        session.scalar(
            select(BlindCopy.code).where(
                BlindCopy.entry_id == entry_id, in_judging(BlindCopy.round_id, round_id)
            )
        )
        or ""
    )
