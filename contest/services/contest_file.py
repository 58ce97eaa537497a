"""A contest as a file: everything that defines it (rules, dates, categories with their
criteria, the levels that take part with their quotas and deadlines, and each package's own
section: the judging's stages, rubric and prizes), never its units, entries or people.

One description, read in one place: `contest export` writes it, `contest create` and the
"Tạo cuộc thi" page make a draft from it, "Nhân bản" copies a contest through it, and
publishing checks a draft by writing it out and reading it back.

Services take the session and plain values, may flush, never commit."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import tomli_w
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest import signals
from contest.audit import ContestAction
from contest.contest_plan import LEVEL_DEPTH, ContestPlan, read_plan
from contest.errors import ContestProblems
from contest.lifecycles import ContestPhase, UnitKind
from contest.models import Contest, Round, Unit, User
from contest.platform.audit import record_event
from contest.platform.i18n import day_end_utc, day_start_utc, local_day
from contest.platform.text import nfc
from contest.quotas import ContestLevel
from contest.services.setup import rounds_for_tree

# A contest file larger than this is not a contest's settings.
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileSection:
    """Another package's part of a contest file, under its own top-level key.

    `dump(session, contest)` writes it; `problems(session, data, contest)` checks it (the
    contest is None while a file is read for a new draft, the draft when it is published);
    `load(session, contest, data)` fills a new draft from it."""

    key: str
    dump: Callable[[Session, Contest], dict]
    problems: Callable[[Session, dict, Contest | None], list[str]]
    load: Callable[[Session, Contest, dict], None]


def _sections() -> list[FileSection]:
    return signals.contest_file_sections()


def _nfc_strings(value: Any) -> Any:
    """Every string of the file in NFC, however deep (a file typed on a Mac is NFD)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_strings(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): _nfc_strings(v) for k, v in value.items()}
    return value


def parse(raw: bytes) -> dict:
    """The file's data; a file that is not TOML is refused with where it went wrong."""
    if len(raw) > MAX_FILE_BYTES:
        raise ContestProblems([str(_l("Tệp quá lớn để là thể lệ một cuộc thi."))])
    try:
        return _nfc_strings(tomllib.loads(raw.decode("utf-8-sig")))
    except UnicodeDecodeError as error:
        raise ContestProblems([str(_l("Tệp phải ở mã UTF-8."))]) from error
    except tomllib.TOMLDecodeError as error:
        raise ContestProblems(
            [str(_l("Tệp không đúng cú pháp TOML: %(error)s", error=error))]
        ) from error
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, 100,000 nested [
        raise ContestProblems([str(_l("Tệp có số quá lớn hoặc lồng nhau quá sâu."))]) from error


def dump(session: Session, contest: Contest) -> dict:
    """Everything that defines `contest`, as a contest file holds it."""
    data: dict[str, Any] = {
        "slug": contest.slug,
        "title": contest.title,
        "description": contest.description,
        "opens": local_day(contest.opens_at),
        "closes": local_day(contest.closes_at),
    }
    if contest.judging_by is not None:
        data["judging_by"] = local_day(contest.judging_by)
    data |= {
        "min_words": contest.min_words,
        "max_words": contest.max_words,
        "entries_per_author": contest.max_entries_per_entrant,
        "declarations": contest.declarations,
        "general_criteria": contest.general_criteria,
        "categories": [c.as_dict() for c in contest.categories],
        "levels": [_level_data(level) for level in contest.levels],
    }
    for section in _sections():
        data[section.key] = section.dump(session, contest)
    return data


def _level_data(level: ContestLevel) -> dict:
    data: dict[str, Any] = {
        "kind": level.unit_kind,
        "quota_min": level.quota_min,
        "quota_max": level.quota_max,
        "profile_quota": level.profile_quota,
    }
    if level.forward_by is not None:
        data["forward_by"] = local_day(level.forward_by)
    return data


def to_toml(data: dict) -> str:
    return tomli_w.dumps(data, multiline_strings=True)


def problems(session: Session, data: dict, contest: Contest | None = None) -> list[str]:
    """Every problem of a contest file (and of `contest`'s units and rounds, once it exists)."""
    return _read(session, data, contest)[1]


def _plan(data: dict) -> ContestPlan:
    """The core of the file; the other packages' keys are theirs to read."""
    return read_plan(data, frozenset(s.key for s in _sections()))


def _read(session: Session, data: dict, contest: Contest | None) -> tuple[ContestPlan, list[str]]:
    plan = _plan(data)
    found = list(plan.problems)
    for section in _sections():
        part = data.get(section.key, {})
        if not isinstance(part, dict):
            found.append(str(_l("[%(key)s] phải là một bảng.", key=section.key)))
            continue
        found += section.problems(session, part, contest)
    return plan, found


def rule_problems(session: Session, contest: Contest) -> list[str]:
    """The contest's own rules checked again (dates, levels, categories), not the other
    packages' sections: a level's change is not refused for a rubric still being typed."""
    return _plan(dump(session, contest)).problems


def _province(session: Session) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.parent_id.is_(None), Unit.kind == UnitKind.PROVINCE)
    )


def create_draft(session: Session, data: dict, actor: User | None) -> Contest:
    """A new draft from a contest file, with a round for every unit of a level that takes
    part (in the unit tree as it is now); refused whole, with every problem named."""
    plan, found = _read(session, data, None)
    if session.scalar(select(Contest.id).where(Contest.slug == plan.slug)):
        found.append(str(_l("Đã có cuộc thi với slug «%(slug)s».", slug=plan.slug)))
    province = _province(session)
    if province is None:
        found.append(
            str(_l("Chưa có cây đơn vị: hãy nạp đơn vị trước (trang Đơn vị, hoặc units load)."))
        )
    if found:
        raise ContestProblems(found)
    contest = Contest(slug=plan.slug, phase=ContestPhase.DRAFT)
    _apply_plan(contest, plan)
    contest.levels = [
        ContestLevel(
            unit_kind=level.kind,
            quota_min=level.quota_min,
            quota_max=level.quota_max,
            profile_quota=level.profile_quota,
            forward_by=_end(level.forward_by),
        )
        for level in plan.levels
    ]
    session.add(contest)
    session.add(Round(contest=contest, unit=province))
    session.flush()
    rounds_for_tree(session, contest)
    for section in _sections():
        section.load(session, contest, data.get(section.key, {}))
    record_event(session, actor, contest, ContestAction.CONTEST_CREATED, contest_id=contest.id)
    session.flush()
    return contest


def _end(day: date | None):
    return day_end_utc(day) if day is not None else None


def _apply_plan(contest: Contest, plan: ContestPlan) -> None:
    contest.title, contest.description = plan.title, plan.description
    contest.opens_at, contest.closes_at = day_start_utc(plan.opens), day_end_utc(plan.closes)
    contest.judging_by = _end(plan.judging_by)
    contest.min_words, contest.max_words = plan.min_words, plan.max_words
    contest.max_entries_per_entrant = plan.entries_per_author
    contest.declarations = plan.declarations
    contest.general_criteria = plan.general_criteria
    contest.categories = plan.categories


# A new contest's levels when nothing is copied: every kind of unit in the tree takes part.
STARTER_QUOTAS = {"quota_min": 0, "quota_max": 5, "profile_quota": 3}


def starter_data(session: Session) -> dict:
    """A contest file for a first contest: the seed's categories and limits, a level for
    every kind of unit the tree holds below the province; its judging is filled in later."""
    kinds = set(session.scalars(select(Unit.kind).where(Unit.is_active).distinct()))
    return {
        "min_words": 500,
        "max_words": 2000,
        "entries_per_author": 3,
        "levels": [{"kind": kind} | STARTER_QUOTAS for kind in LEVEL_DEPTH if kind in kinds],
    }


def new_draft(
    session: Session,
    actor: User | None,
    *,
    slug: str,
    title: str,
    opens: date,
    closes: date,
    source: Contest | None = None,
    raw: bytes | None = None,
) -> Contest:
    """The "Tạo cuộc thi" page: from an uploaded contest file, a copy of another contest's
    settings ("Nhân bản"), or the starter; the slug, title and window typed on the page win."""
    if raw:
        data = parse(raw)
    elif source is not None:
        data = dump(session, source)
    else:
        data = starter_data(session)
    move_calendar(data, opens)
    data |= {"slug": slug.strip(), "title": title.strip(), "opens": opens, "closes": closes}
    return create_draft(session, data, actor)


def move_calendar(data: dict, opens: date) -> None:
    """A contest file's dates moved so that it opens on `opens`, each keeping its distance
    from the opening day (a copy of last year's contest; the demo's, replayed around today).
    Dates that cannot move are left for the checks to name."""
    if not isinstance(data.get("opens"), date):
        return
    shift = opens - data["opens"]
    dated = [(data, key) for key in ("opens", "closes", "judging_by")]
    dated += [(level, "forward_by") for level in data.get("levels", []) if isinstance(level, dict)]
    for holder, key in dated:
        if isinstance(holder.get(key), date):
            try:
                holder[key] += shift
            except OverflowError:
                continue
