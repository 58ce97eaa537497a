"""What defines a contest, read from plain data (a contest file's TOML, or a contest written out
to it) and checked whole: every problem is named, in Vietnamese, so one pass fixes them all.

Pure: no database, no request. Dates are the province's calendar days, as an organiser types
them; the service turns them into stored moments. Other packages' sections of the file (the
judging's rubric and prizes) are checked by their own code (`services.contest_file`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from contest.categories import (
    SUBJECT_KINDS,
    Category,
    default_categories,
    default_general_criteria,
)

# Limits past which a number is a typing slip (or an attack on the column).
MAX_QUOTA = 100_000
MAX_WORDS = 1_000_000
MAX_ENTRIES_PER_ENTRANT = 100
MAX_TITLE = 300
MAX_CATEGORY_NAME = 200
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
# Dates outside these years are typing slips (and year 1 cannot be turned into UTC).
FIRST_YEAR, LAST_YEAR = 2000, 2100
CATEGORY_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.]{0,7}")
# Kinds of unit that may hold a round below the province, deepest last: a deeper level must
# forward no later than a shallower one.
LEVEL_DEPTH = {
    "district": 1,
    "department": 1,
    "enterprise": 1,
    "office": 2,
    "commune": 2,
    "village": 3,
}
CORE_KEYS = frozenset(
    {
        "slug",
        "title",
        "description",
        "opens",
        "closes",
        "judging_by",
        "min_words",
        "max_words",
        "entries_per_author",
        "declarations",
        "general_criteria",
        "categories",
        "levels",
    }
)


@dataclass(frozen=True)
class Level:
    kind: str
    quota_min: int
    quota_max: int
    profile_quota: int
    forward_by: date | None


@dataclass
class ContestPlan:
    """A contest's definition, and the problems found while reading it."""

    slug: str = ""
    title: str = ""
    description: str = ""
    opens: date | None = None
    closes: date | None = None
    judging_by: date | None = None
    min_words: int = 0
    max_words: int = 0
    entries_per_author: int = 0
    declarations: list[str] = field(default_factory=list)
    general_criteria: str = ""
    categories: list[Category] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, message: Any) -> None:
        self.problems.append(str(message))


def _text(data: dict, key: str, plan: ContestPlan, label: Any, required: bool, limit: int) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        plan.problem(_l("%(what)s phải là chữ.", what=label))
        return ""
    value = value.strip()
    if required and not value:
        plan.problem(_l("Cần có %(what)s.", what=label))
    elif len(value) > limit:
        plan.problem(_l("%(what)s dài quá %(n)s ký tự.", what=label, n=limit))
    return value


def _number(data: dict, key: str, plan: ContestPlan, label: Any, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        plan.problem(
            _l(
                "%(what)s phải là số nguyên từ %(low)s đến %(high)s.",
                what=label,
                low=low,
                high=high,
            )
        )
        return low
    return value


def _day(data: dict, key: str, plan: ContestPlan, label: Any, required: bool) -> date | None:
    value = data.get(key)
    if value is None and not required:
        return None
    # TOML's local date (2019-03-01); a date-and-time is refused: deadlines are whole days.
    if not isinstance(value, date) or hasattr(value, "hour"):
        plan.problem(_l("%(what)s phải là một ngày, viết dạng 2019-03-01.", what=label))
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        plan.problem(
            _l("%(what)s phải trong các năm %(a)s–%(b)s.", what=label, a=FIRST_YEAR, b=LAST_YEAR)
        )
        return None
    return value


def _tables(
    items: Any, plan: ContestPlan, missing: Any, place: Callable[[int], Any], keys: frozenset[str]
) -> Iterator[tuple[Any, dict]]:
    """Each table of a list (`[[categories]]`, `[[levels]]`) with the words that place it
    ("Lĩnh vực thứ 3"); a missing list, a row that is no table and unknown keys are named."""
    if not isinstance(items, list) or not items:
        plan.problem(missing)
        return
    for number, item in enumerate(items, start=1):
        where = place(number)
        if not isinstance(item, dict):
            plan.problem(_l("%(where)s không đúng dạng bảng.", where=where))
            continue
        if unknown := set(item) - keys:
            plan.problem(
                _l("%(where)s có khóa lạ: %(keys)s.", where=where, keys=", ".join(sorted(unknown)))
            )
        yield where, item


def _category_place(number: int) -> Any:
    return _l("Lĩnh vực thứ %(n)s", n=number)


def _level_place(number: int) -> Any:
    return _l("Cấp thứ %(n)s", n=number)


CATEGORY_KEYS = frozenset({"code", "group", "name", "criteria"})
LEVEL_KEYS = frozenset({"kind", "quota_min", "quota_max", "profile_quota", "forward_by"})


def _categories(items: Any, plan: ContestPlan) -> None:
    seen: set[str] = set()
    missing = _l("Cần ít nhất một lĩnh vực ([[categories]]).")
    for where, item in _tables(items, plan, missing, _category_place, CATEGORY_KEYS):
        code = item.get("code")
        if not isinstance(code, str) or not CATEGORY_CODE.fullmatch(code):
            plan.problem(_l("%(where)s: mã phải như «1.3» (tối đa 8 ký tự).", where=where))
        elif code in seen:
            plan.problem(_l("%(where)s: mã «%(code)s» bị trùng.", where=where, code=code))
        seen.add(str(code))
        group = item.get("group")
        if not isinstance(group, str) or group not in SUBJECT_KINDS:
            plan.problem(
                _l(
                    "%(where)s: group phải là một trong %(kinds)s.",
                    where=where,
                    kinds=", ".join(SUBJECT_KINDS),
                )
            )
        name = _text(item, "name", plan, _l("tên %(where)s", where=where), True, MAX_CATEGORY_NAME)
        criteria = _text(
            item, "criteria", plan, _l("tiêu chí của %(where)s", where=where), False, 20_000
        )
        plan.categories.append(Category(str(code), str(group), name, criteria))


def read_categories(items: Any) -> tuple[list[Category], list[str]]:
    """A list of categories as the rules page sends it: the categories, and their problems."""
    plan = ContestPlan()
    _categories(items, plan)
    return plan.categories, plan.problems


def _levels(items: Any, plan: ContestPlan) -> None:
    seen: set[str] = set()
    missing = _l("Cần ít nhất một cấp đơn vị tham gia ([[levels]]).")
    for where, item in _tables(items, plan, missing, _level_place, LEVEL_KEYS):
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in LEVEL_DEPTH:
            plan.problem(
                _l(
                    "%(where)s: kind phải là một trong %(kinds)s.",
                    where=where,
                    kinds=", ".join(LEVEL_DEPTH),
                )
            )
        elif kind in seen:
            plan.problem(_l("%(where)s: cấp «%(kind)s» bị trùng.", where=where, kind=kind))
        seen.add(str(kind))
        low = _number(
            item, "quota_min", plan, _l("%(where)s: quota_min", where=where), 0, MAX_QUOTA
        )
        high = _number(
            item, "quota_max", plan, _l("%(where)s: quota_max", where=where), 0, MAX_QUOTA
        )
        if low > high:
            plan.problem(_l("%(where)s: chỉ tiêu tối thiểu lớn hơn chỉ tiêu tối đa.", where=where))
        profiles = _number(
            item, "profile_quota", plan, _l("%(where)s: profile_quota", where=where), 0, MAX_QUOTA
        )
        forward_by = _day(item, "forward_by", plan, _l("%(where)s: forward_by", where=where), False)
        plan.levels.append(Level(str(kind), low, high, profiles, forward_by))


def _dates_in_order(plan: ContestPlan) -> None:
    if plan.opens and plan.closes and plan.closes < plan.opens:
        plan.problem(_l("Ngày hết hạn nhận bài phải từ ngày bắt đầu nhận bài trở đi."))
    if plan.judging_by and plan.closes and plan.judging_by < plan.closes:
        plan.problem(_l("Hạn chấm cấp tỉnh phải sau ngày hết hạn nhận bài."))
    dated = [level for level in plan.levels if level.forward_by and level.kind in LEVEL_DEPTH]
    for level in dated:
        if plan.opens and level.forward_by < plan.opens:
            plan.problem(
                _l("Hạn gửi lên của cấp «%(kind)s» trước ngày bắt đầu nhận bài.", kind=level.kind)
            )
        if plan.judging_by and level.forward_by > plan.judging_by:
            plan.problem(
                _l("Hạn gửi lên của cấp «%(kind)s» sau hạn chấm cấp tỉnh.", kind=level.kind)
            )
        for above in dated:
            # Strictly before: the higher level needs its own days to choose among them.
            if (
                LEVEL_DEPTH[level.kind] > LEVEL_DEPTH[above.kind]
                and level.forward_by >= above.forward_by
            ):
                plan.problem(
                    _l(
                        "Cấp «%(low)s» phải gửi lên trước ngày cấp «%(high)s» gửi lên.",
                        low=level.kind,
                        high=above.kind,
                    )
                )


def read_plan(data: dict, section_keys: frozenset[str] = frozenset()) -> ContestPlan:
    """The core of a contest file; `section_keys` are the other packages' keys (not ours to
    read, but not unknown either)."""
    plan = ContestPlan()
    unknown = set(data) - CORE_KEYS - section_keys
    if unknown:
        plan.problem(_l("Tệp có khóa lạ: %(keys)s.", keys=", ".join(sorted(unknown))))
    plan.slug = data.get("slug", "") if isinstance(data.get("slug"), str) else ""
    if not SLUG.fullmatch(plan.slug):
        plan.problem(
            _l(
                "slug phải gồm chữ thường không dấu, số và gạch nối (2–64 ký tự), "
                "như «son-la-2025»."
            )
        )
    plan.title = _text(data, "title", plan, _l("tên cuộc thi (title)"), True, MAX_TITLE)
    plan.description = _text(data, "description", plan, _l("lời giới thiệu"), False, 20_000)
    plan.opens = _day(data, "opens", plan, _l("Ngày bắt đầu nhận bài (opens)"), True)
    plan.closes = _day(data, "closes", plan, _l("Ngày hết hạn nhận bài (closes)"), True)
    plan.judging_by = _day(data, "judging_by", plan, _l("Hạn chấm cấp tỉnh (judging_by)"), False)
    plan.min_words = _number(data, "min_words", plan, _l("Số chữ tối thiểu"), 0, MAX_WORDS)
    plan.max_words = _number(data, "max_words", plan, _l("Số chữ tối đa"), 1, MAX_WORDS)
    if plan.min_words > plan.max_words:
        plan.problem(_l("Số chữ tối thiểu lớn hơn số chữ tối đa."))
    plan.entries_per_author = _number(
        data, "entries_per_author", plan, _l("Số bài mỗi tác giả"), 1, MAX_ENTRIES_PER_ENTRANT
    )
    declarations = data.get("declarations", [])
    if not isinstance(declarations, list) or not all(isinstance(d, str) for d in declarations):
        plan.problem(_l("declarations phải là danh sách các câu cam kết."))
    else:
        plan.declarations = [d.strip() for d in declarations if d.strip()]
    # Left out, the seed's categories and criteria (Plan 55/KH-UBND) are taken.
    if "general_criteria" in data:
        plan.general_criteria = _text(
            data, "general_criteria", plan, _l("tiêu chí chung"), False, 20_000
        )
    else:
        plan.general_criteria = default_general_criteria()
    if "categories" in data:
        _categories(data["categories"], plan)
    else:
        plan.categories = default_categories()
    _levels(data.get("levels"), plan)
    _dates_in_order(plan)
    return plan
