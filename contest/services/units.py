"""The unit tree: loaded from the official registry (`contest.registry`), imported from a
file for departments, mass organisations and enterprises, renamed and moved by the province.

A file is taken whole or not at all: every problem is named with its line, nothing is
written until every line holds. A code already in the tree is updated in place (the same file
can be downloaded, edited and uploaded again); a rename or a move is audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from unicodedata import category

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest import registry
from contest.audit import ContestAction
from contest.lifecycles import Role, UnitKind
from contest.models import Entry, ExemplarProfile, Unit, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.spreadsheets import read_table, table_csv, table_xlsx
from contest.platform.text import nfc, without_control_characters
from contest.registry import UnitRow
from contest.services import queries, setup
from contest.services.accounts import open_account

MAX_CODE = 32
# Codes go into addresses (/units/CODE): unaccented letters, digits and a few marks.
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._-]*")
# The columns of a unit file, in order; the last is optional.
UNIT_COLUMNS = ["code", "name", "kind", "parent_code", "organiser_email"]
MAX_NAME = 200


class UnitFileError(InvalidInput):
    """A unit file refused whole; `problems` are (line, message) pairs, every one found."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(str(_l("Dòng %(line)s: %(problem)s", line=n, problem=p)) for n, p in problems)
        )


@dataclass
class UnitImport:
    """What an import did: units created, renamed, moved, and organisers' accounts opened."""

    created: list[Unit] = field(default_factory=list)
    renamed: list[Unit] = field(default_factory=list)
    moved: list[Unit] = field(default_factory=list)
    organisers: list[User] = field(default_factory=list)


def clean_row(row: UnitRow) -> UnitRow:
    """One spelling per value: codes in capitals, names NFC with single spaces and without
    invisible format characters (a zero-width space would make a twin name look new)."""
    name = "".join(ch for ch in without_control_characters(row.name) if category(ch) != "Cf")
    return UnitRow(
        code=row.code.strip().upper(),
        name=" ".join(nfc(name).split()),
        kind=row.kind.strip().lower(),
        parent_code=row.parent_code.strip().upper(),
        organiser_email=row.organiser_email.strip().lower(),
    )


def _problems(session: Session, rows: Sequence[tuple[int, UnitRow]]) -> list[tuple[int, str]]:
    """Every problem of the file, with its line; none means it can be taken whole."""
    rows = [(line, clean_row(row)) for line, row in rows]
    existing = {u.code: u for u in session.scalars(select(Unit))}
    roots = [u for u in existing.values() if u.parent_id is None]
    in_file: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    # A unit's name under one parent is unique: an XLSX that turned "03646" into 3646 would
    # otherwise add the commune a second time under another code.
    names_under = {
        (u.parent.code if u.parent else "", u.name.casefold()): u.code for u in existing.values()
    }
    emails: dict[str, str] = {}
    wanted = {row.organiser_email for _line, row in rows if row.organiser_email}
    accounts_by_email = {
        u.email: u for u in session.scalars(select(User).where(User.email.in_(wanted)))
    }

    def _id(code: str) -> int | None:
        return existing[code].id if code in existing else None

    for line, row in rows:

        def refuse(message, line=line) -> None:
            problems.append((line, str(message)))

        if not row.code or not row.name:
            refuse(_l("thiếu mã hoặc tên đơn vị."))
        elif not CODE_PATTERN.fullmatch(row.code):
            refuse(
                _l("mã «%(code)s» chỉ gồm chữ không dấu, số và dấu «-», «.», «_».", code=row.code)
            )
        if len(row.code) > MAX_CODE or len(row.name) > MAX_NAME:
            refuse(_l("mã quá %(c)s hoặc tên quá %(n)s ký tự.", c=MAX_CODE, n=MAX_NAME))
        if row.kind not in tuple(UnitKind):
            kinds = ", ".join(UnitKind)
            refuse(
                _l(
                    "loại «%(kind)s» không hợp lệ (một trong: %(kinds)s).",
                    kind=row.kind,
                    kinds=kinds,
                )
            )
        if row.code in in_file:
            refuse(
                _l("mã «%(code)s» trùng dòng %(other)s.", code=row.code, other=in_file[row.code])
            )
        in_file.setdefault(row.code, line)
        if row.kind == UnitKind.PROVINCE:
            if row.parent_code:
                refuse(_l("đơn vị cấp tỉnh không có đơn vị cấp trên."))
            if any(root.code != row.code for root in roots):
                refuse(_l("đã có đơn vị cấp tỉnh «%(name)s».", name=roots[0].name))
        elif not row.parent_code:
            refuse(_l("cần mã đơn vị cấp trên."))
        if row.organiser_email:
            try:
                validate_email(row.organiser_email, check_deliverability=False)
            except EmailNotValidError:
                refuse(_l("thư điện tử «%(email)s» không hợp lệ.", email=row.organiser_email))
            holder = accounts_by_email.get(row.organiser_email)
            if emails.setdefault(row.organiser_email, row.code) != row.code or (
                holder is not None
                and not (holder.role == Role.UNIT_ORGANISER and holder.unit_id == _id(row.code))
            ):
                refuse(
                    _l(
                        "thư điện tử «%(email)s» đã thuộc tài khoản khác.",
                        email=row.organiser_email,
                    )
                )
        twin = names_under.get((row.parent_code, row.name.casefold()))
        if twin is not None and twin != row.code:
            refuse(
                _l(
                    "đã có đơn vị «%(name)s» cùng cấp trên, mã «%(code)s».",
                    name=row.name,
                    code=twin,
                )
            )
        names_under.setdefault((row.parent_code, row.name.casefold()), row.code)
    for line, row in rows:
        if row.parent_code and row.parent_code not in existing | in_file:
            problems.append(
                (line, str(_l("không có đơn vị cấp trên mã «%(code)s».", code=row.parent_code)))
            )
    return sorted(problems + _cycles(existing, rows))


def _cycles(
    existing: dict[str, Unit], rows: Sequence[tuple[int, UnitRow]]
) -> list[tuple[int, str]]:
    """A row whose parents lead back to itself, once the file's parents replace the tree's."""
    parent_of = {code: (u.parent.code if u.parent else "") for code, u in existing.items()}
    parent_of |= {row.code: row.parent_code for _line, row in rows}
    found = []
    for line, row in rows:
        seen, node = {row.code}, parent_of.get(row.code, "")
        while node:
            if node in seen:
                found.append((line, str(_l("vòng lặp cấp trên qua mã «%(code)s».", code=node))))
                break
            seen.add(node)
            node = parent_of.get(node, "")
    return found


def import_units(
    session: Session, actor: User | None, rows: Sequence[tuple[int, UnitRow]]
) -> UnitImport:
    """Create or update every unit of `rows` ((line number, row) pairs), parents first; a
    row's organiser e-mail opens a unit organiser account (invited by the caller)."""
    rows = [(line, clean_row(row)) for line, row in rows]
    problems = _problems(session, rows)
    if problems:
        raise UnitFileError(problems)
    done = UnitImport()
    units = {u.code: u for u in session.scalars(select(Unit))}
    pending = list(rows)
    while pending:  # parents first: a row waits until its parent exists
        waiting = []
        for line, row in pending:
            parent = units.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                waiting.append((line, row))
                continue
            units[row.code] = _put(session, actor, units.get(row.code), row, parent, done)
        pending = waiting
    for _line, row in rows:
        if row.organiser_email and not session.scalar(
            select(User.id).where(func.lower(User.email) == row.organiser_email)
        ):
            done.organisers.append(
                open_account(
                    session,
                    actor,
                    full_name=str(_l("Cán bộ thi đua %(unit)s", unit=row.name)),
                    email=row.organiser_email,
                    phone=None,
                    role=Role.UNIT_ORGANISER,
                    unit=units[row.code],
                    password=None,
                )
            )
    session.flush()
    for contest in queries.contests_taking_units(session):
        setup.rounds_for_tree(session, contest)  # a unit added later takes part too
    return done


def load_province(
    session: Session, actor: User | None, province: str, *, short_codes: bool = False
) -> tuple[list[UnitRow], UnitImport]:
    """The province named `province` from the registry, with its district-level units and
    communes (under their official codes, or the documented short codes); units already in
    the tree are kept as they are."""
    tree = registry.province_tree(province)
    if not tree:
        raise InvalidInput(
            _l("Không có tỉnh «%(name)s» trong danh mục.", name=province)
            + " "
            + ", ".join(registry.provinces())
        )
    if short_codes:
        tree = registry.short_codes(tree)
    existing = set(session.scalars(select(Unit.code)))
    rows = list(enumerate((row for row in tree if row.code not in existing), start=1))
    try:
        return tree, import_units(session, actor, rows)
    except UnitFileError as error:
        # The registry's rows are sound: what refuses them is the tree already here, and
        # its lines are no lines of a file anyone wrote.
        raise InvalidInput(" ".join(sorted({p for _line, p in error.problems}))) from error


def _put(
    session: Session,
    actor: User | None,
    unit: Unit | None,
    row: UnitRow,
    parent: Unit | None,
    done: UnitImport,
) -> Unit:
    if unit is None:
        unit = Unit(code=row.code, name=row.name, kind=row.kind, parent=parent)
        session.add(unit)
        session.flush()
        record_event(session, actor, unit, ContestAction.UNIT_CREATED, kind=row.kind)
        done.created.append(unit)
        return unit
    if unit.name != row.name:
        rename_unit(session, actor, unit, row.name)
        done.renamed.append(unit)
    if (unit.parent.code if unit.parent else "") != row.parent_code:
        move_unit(session, actor, unit, parent)
        done.moved.append(unit)
    unit.kind = row.kind
    return unit


def add_unit(
    session: Session,
    actor: User | None,
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    organiser_email: str = "",
) -> Unit:
    """One unit added by hand (the units page, the contest's settings): the same rules as a
    file's line, every problem named at once."""
    row = clean_row(UnitRow(code, name, kind, parent.code if parent else "", organiser_email))
    if session.scalar(select(Unit.id).where(Unit.code == row.code)):
        raise InvalidInput(_l("Mã đơn vị «%(code)s» đã có.", code=row.code))
    try:
        done = import_units(session, actor, [(1, row)])
    except UnitFileError as error:
        raise InvalidInput(" ".join(problem for _line, problem in error.problems)) from error
    return done.created[0]


def rename_unit(session: Session, actor: User | None, unit: Unit, name: str) -> None:
    """A new name (Huyện Mộc Châu became Thị xã Mộc Châu): the log keeps the old one."""
    name = " ".join(nfc(without_control_characters(name)).split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(_l("Tên đơn vị cần có, không quá %(n)s ký tự.", n=MAX_NAME))
    if name == unit.name:
        return
    record_event(
        session, actor, unit, ContestAction.UNIT_RENAMED, old_name=unit.name, new_name=name
    )
    unit.name = name
    session.flush()


def move_unit(session: Session, actor: User | None, unit: Unit, parent: Unit | None) -> None:
    """Put a unit under another parent; never under itself or its own descendants."""
    if parent is None or unit.parent is None:
        raise InvalidInput(_l("Đơn vị cấp tỉnh không chuyển được; mỗi đơn vị khác cần cấp trên."))
    if parent.is_within(unit):
        raise InvalidInput(_l("Không thể chuyển đơn vị vào dưới chính nó."))
    record_event(
        session,
        actor,
        unit,
        ContestAction.UNIT_MOVED,
        old_parent=unit.parent.name,
        parent=parent.name,
    )
    unit.parent = parent
    session.flush()


def set_unit_active(session: Session, actor: User | None, unit: Unit, active: bool) -> None:
    """Switch a unit off (offered nowhere from then on) or on again. Only a unit that holds
    nothing: no entry or profile of it, no round that ever took one, no unit still on below
    it, no account in it; the province never."""
    if unit.is_active == active:
        return
    if not active:
        if unit.parent is None:
            raise InvalidInput(_l("Đơn vị cấp tỉnh không ngừng được."))
        holders = [
            select(Entry.id).where(Entry.author_unit_id == unit.id),
            select(ExemplarProfile.id).where(ExemplarProfile.unit_id == unit.id),
            select(User.id).where(User.unit_id == unit.id),
            select(Unit.id).where(Unit.parent_id == unit.id, Unit.is_active),
        ]
        if any(session.scalar(query.limit(1)) for query in holders):
            raise InvalidInput(
                _l(
                    "%(unit)s còn bài dự thi, hồ sơ, tài khoản hoặc đơn vị cấp dưới đang dùng: "
                    "không ngừng được.",
                    unit=unit.name,
                )
            )
    unit.is_active = active
    action = ContestAction.UNIT_SWITCHED_ON if active else ContestAction.UNIT_SWITCHED_OFF
    record_event(session, actor, unit, action)
    session.flush()


def unit_rows(session: Session) -> list[UnitRow]:
    """The whole tree as rows, parents first, for `units list` and the download."""
    organisers = {
        u.unit_id: u.email
        for u in session.scalars(
            select(User).where(User.role == Role.UNIT_ORGANISER).order_by(User.id.desc())
        )
    }
    units = queries.tree_order(session)
    codes = {unit.id: unit.code for _depth, unit in units}
    return [
        UnitRow(
            unit.code,
            unit.name,
            unit.kind,
            codes.get(unit.parent_id, ""),
            organisers.get(unit.id) or "",
        )
        for _depth, unit in units
    ]


def rows_from_file(data: bytes, filename: str) -> list[tuple[int, UnitRow]]:
    """A CSV or XLSX unit file as (line, row) pairs; a missing column refuses it whole."""
    table = read_table(data, filename)
    missing = [c for c in UNIT_COLUMNS[:4] if table and c not in table[0][1]]
    if missing:
        raise UnitFileError([(1, str(_l("thiếu cột %(columns)s.", columns=", ".join(missing))))])
    return [
        (line, UnitRow(**{c: values.get(c, "") or "" for c in UNIT_COLUMNS}))
        for line, values in table
    ]


def unit_file(session: Session, extension: str) -> bytes:
    """The tree as the file `rows_from_file` reads back (".csv" or ".xlsx")."""
    rows = [[getattr(row, c) for c in UNIT_COLUMNS] for row in unit_rows(session)]
    if extension == ".xlsx":
        return table_xlsx(str(_l("Đơn vị")), UNIT_COLUMNS, rows)
    return table_csv(UNIT_COLUMNS, rows)
