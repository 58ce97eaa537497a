"""Judging's words shown from stored codes: the branch of the discrepancy rule that decided a
score is stored as a code with its numbers and rendered here, in the viewer's language."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _


def rule_json(code: str, params: dict[str, float]) -> str:
    """What `StageResult.rule` stores: the rule's code and the numbers that explain it."""
    return json.dumps({"code": code, **params}, sort_keys=True)


def _explanations() -> dict[str, Any]:
    return {
        "two_agree": lambda p: _(
            "Chênh %(gap)s ≤ %(agree)s: lấy trung bình.", gap=p["gap"], agree=p["agree"]
        ),
        "two_head": lambda p: _(
            "Chênh %(gap)s trong khoảng (%(agree)s; %(head)s]: trưởng ban giám khảo quyết định.",
            gap=p["gap"],
            agree=p["agree"],
            head=p["head"],
        ),
        "two_third": lambda p: _(
            "Chênh %(gap)s > %(head)s: chấm lần ba.", gap=p["gap"], head=p["head"]
        ),
        "three_equal": lambda p: _(
            "Hai giám khảo cùng cho %(score)s: lấy điểm này.", score=p["score"]
        ),
        "three_mean": lambda p: _(
            "Ba lần chấm, chênh lớn nhất %(gap)s ≤ %(three)s: lấy trung bình ba điểm.",
            gap=p["gap"],
            three=p["three"],
        ),
        "three_head": lambda p: _(
            "Ba lần chấm, chênh lớn nhất %(gap)s > %(three)s: trưởng ban giám khảo quyết định.",
            gap=p["gap"],
            three=p["three"],
        ),
    }


def rule_text(stored: str) -> str:
    """The stored rule as a sentence; a result saved before rules were codes shows as it is."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
    except ValueError:
        return stored
    explain = _explanations().get(data.get("code")) if isinstance(data, dict) else None
    if explain is None:
        return stored
    numbers = {k: f"{v:g}" if isinstance(v, int | float) else v for k, v in data.items()}
    return explain(numbers)


def _leak_rules() -> dict[str, str]:
    return {
        "full": _("họ tên đầy đủ"),
        "short": _("họ và tên gọi, tên đệm bỏ bớt hoặc viết tắt"),
        "two": _("tên gọi trước họ (kiểu địa chỉ thư)"),
        "initials": _("họ tên viết tắt"),
        "joined": _("các chữ viết liền hoặc nối bằng dấu"),
        "disguised": _("có ký tự ẩn hoặc chữ nước ngoài trông giống chữ Việt"),
        "encoded": _("mã hóa phần trăm trong địa chỉ liên kết"),
        "spelled": _("viết bằng chữ hoặc ký hiệu thay cho số, @ hay dấu chấm"),
    }


def leak_rule_text(stored: str) -> str:
    """How the leak scan found a snippet (`judging.rules.leakscan.RULES`), as words."""
    labels = _leak_rules()
    return "; ".join(labels.get(rule, rule) for rule in stored.split(",") if rule)


def tie_break_texts(notes: list[dict], *, name_other: bool = True) -> list[str]:
    """How equal scores were parted around an entry (`prizes.tie_notes`, or an award's stored
    `tie_breaks`), a sentence each. `name_other` gives the other entry's blind code, as the
    organisers see it; an author reads its rank only."""
    texts = []
    for note in notes:
        numbers = {
            "score": f"{note['score']:g}",
            "criterion": note["criterion"],
            "mine": f"{note['mine']:g}",
            "theirs": f"{note['theirs']:g}",
            "other": note["other_code"]
            if name_other
            else _("bài xếp hạng %(rank)s", rank=note["other_rank"]),
        }
        if note["above"]:
            texts.append(
                _(
                    "Bằng %(score)s điểm với %(other)s; xếp trên vì điểm trung bình tiêu chí "
                    "«%(criterion)s» cao hơn (%(mine)s so với %(theirs)s).",
                    **numbers,
                )
            )
        else:
            texts.append(
                _(
                    "Bằng %(score)s điểm với %(other)s; xếp dưới vì điểm trung bình tiêu chí "
                    "«%(criterion)s» thấp hơn (%(mine)s so với %(theirs)s).",
                    **numbers,
                )
            )
    return texts


def tie_break_rule() -> str:
    """The rule itself, said once above the notes."""
    return _(
        "Bài bằng điểm chính thức được xếp theo điểm trung bình từng tiêu chí của các giám "
        "khảo, tiêu chí có điểm tối đa theo trọng số lớn nhất xét trước; bài bằng nhau ở mọi "
        "tiêu chí đồng hạng, và Ban Tổ chức quyết định nếu họ ở ranh giới giải."
    )
