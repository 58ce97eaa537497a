"""The judging's part of a contest file, under `[judging]`: the province's stages with their
rules and rubric, and its prize ladder with counts and amounts. A unit's own jury is set up
by the unit for its round, never by the file.

    [[judging.stages]]
    name = "Chung khảo"
    judges_per_entry = 2
    agree_gap = 10.0        # judges this close: their mean
    head_gap = 15.0         # further apart than this: the head judge decides
    three_mean_gap = 25.0   # between: a third judge, then the mean of the closest two
    [[judging.stages.criteria]]
    name = "Tính chân thực, cụ thể"
    max_points = 30.0
    step = 0.5

    [[judging.prizes]]
    name = "Giải Nhất"
    count = 1
    min_score = 80.0
    amount = 5000000        # đồng, each winner
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest.forms import LARGEST_COUNT
from contest.models import Contest, Round
from contest.services.contest_file import FileSection
from judging.forms import LARGEST_AMOUNT, NAME_LENGTH
from judging.models import PanelMember
from judging.services import stages

KEY = "judging"
# The scale every prize's minimum score is read on.
FULL_MARKS = 100.0
MAX_JUDGES_PER_ENTRY = 9
# What a criterion's name column holds (a stage's and a prize's: NAME_LENGTH).
CRITERION_NAME_LENGTH = 200
STAGE_KEYS = {*stages.STAGE_SETTINGS, "criteria"}
# What a stage left without a setting takes (the stage's own defaults).
STAGE_DEFAULTS = {
    "judges_per_entry": 2,
    "agree_gap": 10.0,
    "head_gap": 15.0,
    "three_mean_gap": 25.0,
    "advance_top_n": None,
    "advance_min_score": None,
}


def dump(session: Session, contest: Contest) -> dict:
    data: dict[str, Any] = {"stages": [], "prizes": []}
    for stage in stages.stages(session, contest):
        # TOML has no "nothing": a setting left unset is left out.
        item: dict[str, Any] = {
            key: getattr(stage, key)
            for key in stages.STAGE_SETTINGS
            if getattr(stage, key) is not None
        }
        item["criteria"] = [
            {"name": c.name, "max_points": c.max_points, "step": c.step} for c in stage.criteria
        ]
        data["stages"].append(item)
    data["prizes"] = [
        {"name": lv.name, "count": lv.quota, "min_score": lv.min_score, "amount": lv.amount}
        for lv in stages.prize_levels(session, contest)
    ]
    return data


def _is_number(value: Any, low: float = 0.0, high: float = LARGEST_COUNT) -> bool:
    """A number (never a yes/no) within the bounds: what the columns and the rules can hold."""
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def _is_count(value: Any, low: int = 0, high: int = LARGEST_COUNT) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _is_name(value: Any, limit: int = NAME_LENGTH) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def _stage_problems(number: int, item: Any) -> list[str]:
    where = _l("Vòng chấm thứ %(n)s", n=number)
    if not isinstance(item, dict):
        return [str(_l("%(where)s không đúng dạng bảng.", where=where))]
    found = []
    if set(item) - STAGE_KEYS:
        found.append(
            _l(
                "%(where)s có khóa lạ: %(keys)s.",
                where=where,
                keys=", ".join(sorted(set(item) - STAGE_KEYS)),
            )
        )
    if not _is_name(item.get("name")):
        found.append(
            _l("%(where)s: cần có tên, không quá %(n)s ký tự.", where=where, n=NAME_LENGTH)
        )
    top_n, min_score = item.get("advance_top_n"), item.get("advance_min_score")
    if (top_n is not None and not _is_count(top_n, 1)) or (
        min_score is not None and not _is_number(min_score, high=FULL_MARKS)
    ):
        found.append(
            _l(
                "%(where)s: advance_top_n phải là số nguyên dương, advance_min_score từ 0 đến 100.",
                where=where,
            )
        )
    if not _is_count(
        item.get("judges_per_entry", STAGE_DEFAULTS["judges_per_entry"]), 1, MAX_JUDGES_PER_ENTRY
    ):
        found.append(
            _l(
                "%(where)s: judges_per_entry phải từ 1 đến %(n)s.",
                where=where,
                n=MAX_JUDGES_PER_ENTRY,
            )
        )
    gaps = [item.get(k, STAGE_DEFAULTS[k]) for k in ("agree_gap", "head_gap")]
    third = item.get("three_mean_gap", STAGE_DEFAULTS["three_mean_gap"])
    if not all(_is_number(g, high=FULL_MARKS) for g in [*gaps, third]) or gaps[0] > gaps[1]:
        found.append(
            _l("%(where)s: các mức chênh lệch phải tăng dần: agree_gap ≤ head_gap.", where=where)
        )
    criteria = item.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        found.append(_l("%(where)s: thang điểm cần ít nhất một tiêu chí.", where=where))
        return [str(p) for p in found]
    total = 0.0
    for index, criterion in enumerate(criteria, start=1):
        ok = (
            isinstance(criterion, dict)
            and _is_name(criterion.get("name"), CRITERION_NAME_LENGTH)
            and _is_number(criterion.get("max_points"), 0.01, FULL_MARKS)
            and _is_number(criterion.get("step", 0.5), 0.01, FULL_MARKS)
        )
        if not ok:
            found.append(
                _l(
                    "%(where)s, tiêu chí thứ %(i)s: cần name (tối đa 200 ký tự), max_points và "
                    "step từ 0,01 đến 100.",
                    where=where,
                    i=index,
                )
            )
            continue
        total += criterion["max_points"]
    if not found and abs(total - FULL_MARKS) > 1e-6:
        found.append(
            _l(
                "%(where)s: điểm tối đa các tiêu chí cộng lại là %(total)s, phải đúng %(full)s.",
                where=where,
                total=f"{total:g}",
                full=f"{FULL_MARKS:g}",
            )
        )
    return [str(p) for p in found]


def _prize_problems(prizes: Any) -> tuple[list[str], int]:
    """The ladder's problems, and how many prizes it gives."""
    if not isinstance(prizes, list) or not prizes:
        return [str(_l("Cần cơ cấu giải ([[judging.prizes]]), ít nhất một giải."))], 0
    found, count = [], 0
    for index, prize in enumerate(prizes, start=1):
        ok = (
            isinstance(prize, dict)
            and _is_name(prize.get("name"))
            and _is_count(prize.get("count"))
            and _is_number(prize.get("min_score", 0.0), high=FULL_MARKS)
            and _is_count(prize.get("amount", 0), high=LARGEST_AMOUNT)
        )
        if not ok:
            found.append(
                str(
                    _l(
                        "Giải thứ %(i)s: cần name (tối đa 100 ký tự), count từ 0 đến 100000, "
                        "min_score từ 0 đến 100 và amount (đồng) ≥ 0.",
                        i=index,
                    )
                )
            )
            continue
        count += prize["count"]
    return found, count


def _capacity_problems(session: Session, contest: Contest, prizes: int) -> list[str]:
    """What the province can judge: the most its units may send up, and its panel's loads."""
    province = contest.province_round(session)
    arriving = (
        session.scalar(select(func.sum(Round.quota)).where(Round.parent_id == province.id)) or 0
    )
    found = []
    if prizes > arriving:
        found.append(
            str(
                _l(
                    "Cơ cấu có %(p)s giải nhưng các đơn vị chỉ gửi lên tối đa %(n)s bài.",
                    p=prizes,
                    n=arriving,
                )
            )
        )
    first = stages.current_stage(session, contest)
    if first is not None and first.members:
        load = session.scalar(
            select(func.sum(PanelMember.max_load)).where(
                PanelMember.stage_id == first.id, PanelMember.is_withdrawn.is_(False)
            )
        )
        needed = arriving * first.judges_per_entry
        if (load or 0) < needed:
            found.append(
                str(
                    _l(
                        "Hội đồng chấm nhận tối đa %(load)s lượt chấm, nhưng %(n)s bài × %(k)s "
                        "giám khảo cần %(need)s lượt.",
                        load=load or 0,
                        n=arriving,
                        k=first.judges_per_entry,
                        need=needed,
                    )
                )
            )
    return found


def problems(session: Session, data: dict, contest: Contest | None) -> list[str]:
    """A file may leave the judging for later (a draft is filled in on the pages); a draft
    being published (`contest` given) needs a stage and a ladder."""
    found: list[str] = []
    unknown = set(data) - {"stages", "prizes"}
    if unknown:
        found.append(str(_l("[judging] có khóa lạ: %(keys)s.", keys=", ".join(sorted(unknown)))))
    items = data.get("stages", [])
    if not isinstance(items, list) or (contest is not None and not items):
        found.append(str(_l("Cần ít nhất một vòng chấm ([[judging.stages]]).")))
    else:
        for number, item in enumerate(items, start=1):
            found += _stage_problems(number, item)
    prizes = 0
    if contest is not None or data.get("prizes"):
        prize_problems, prizes = _prize_problems(data.get("prizes"))
        found += prize_problems
    if contest is not None and not found:
        found += _capacity_problems(session, contest, prizes)
    return found


def load(session: Session, contest: Contest, data: dict) -> None:
    """A new draft's stages and ladder (the file was checked whole before)."""
    for item in data.get("stages", []):
        stage = stages.create_stage(session, contest, name=item["name"])
        stages.configure_stage(
            session,
            stage,
            name=item["name"],
            **{key: item.get(key, default) for key, default in STAGE_DEFAULTS.items()},
            rubric=[
                (c["name"], float(c["max_points"]), float(c.get("step", 0.5)))
                for c in item["criteria"]
            ],
        )
    if data.get("prizes"):
        stages.set_prize_ladder(
            session,
            contest,
            [
                (p["name"], p["count"], float(p.get("min_score", 0.0)), p.get("amount", 0))
                for p in data["prizes"]
            ],
        )


SECTION = FileSection(key=KEY, dump=dump, problems=problems, load=load)
