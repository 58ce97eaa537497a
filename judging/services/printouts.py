"""A judge's whole queue as one paper to read offline: each blind copy under its code, then
the rubric as a score sheet to fill in by hand and type in later. Built from the judges' copies
only (never the entry), so it carries no more than the scoring page shows; pictures stand as
"[Ảnh]" (they are seen on the page). pandoc writes the DOCX; the view prints it to PDF after
the unit of work (`contest.documents.printing`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from contest.categories import SUBJECT_KINDS
from contest.documents.converter import PandocError, run_pandoc
from contest.documents.sanitise import essay_markup
from contest.platform.errors import PrintError
from judging.models import Assignment, BlindCopy, Stage

PANDOC_TIMEOUT_SECONDS = 120
PAGE_BREAK = {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}
BREAK_CLASS = "page-break"


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _score_sheet(stage: Stage) -> Markup:
    lines = [
        Markup("<h3>{}</h3>").format(_("Phiếu chấm")),
        Markup("<ol>"),
        *(
            Markup("<li>{}: ........ / {}</li>").format(
                _(
                    "%(name)s (bước %(step)s, hệ số %(weight)s)",
                    name=c.name,
                    step=_points(c.step),
                    weight=_points(c.weight),
                ),
                _points(c.max_points),
            )
            for c in stage.criteria
        ),
        Markup("</ol>"),
        Markup("<p><strong>{}</strong>: ........ / {}</p>").format(
            _("Tổng (theo hệ số)"), _points(stage.max_total)
        ),
        Markup("<p>{}: {}</p>").format(_("Nhận xét"), "." * 120),
    ]
    return Markup("").join(lines)


def _entry_html(assignment: Assignment, copy: BlindCopy, stage: Stage, categories: dict) -> Markup:
    entry = assignment.entry
    about = _(
        "Viết về: %(subject)s (%(kind)s) — %(category)s %(name)s",
        subject=copy.subject_name,
        kind=SUBJECT_KINDS.get(entry.subject_kind, entry.subject_kind),
        category=entry.subject_category,
        name=categories.get(entry.subject_category, ""),
    )
    return Markup('<div class="{}"></div><h2>{} · {}</h2><p><em>{}</em></p>{}{}').format(
        BREAK_CLASS,
        copy.code,
        copy.title,
        about,
        # The judges' copy, through the same last guard as its page: no outside link, and
        # pictures by name only (they print as "[Ảnh]").
        essay_markup(copy.html, lambda name: name, outside_links=False),
        _score_sheet(stage),
    )


def _print_ready(value) -> None:
    """Page breaks where the markers stand; a picture is "[Ảnh]" (the paper carries none)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and item.get("t") == "Div" and BREAK_CLASS in item["c"][0][1]:
                value[index] = PAGE_BREAK
            elif isinstance(item, dict) and item.get("t") == "Image":
                value[index] = {"t": "Str", "c": _("[Ảnh]")}
            else:
                _print_ready(item)
    elif isinstance(value, dict):
        for item in value.values():
            _print_ready(item)


def queue_docx(
    stage: Stage, judge_name: str, held: Sequence[tuple[Assignment, BlindCopy]]
) -> bytes:
    """The queue as a DOCX: a first page saying what it is, then each copy and its sheet."""
    contest = stage.contest
    cover = Markup("<h1>{}</h1><p>{}</p><p>{}</p><p>{}</p>").format(
        _("Bài được giao chấm"),
        f"{contest.title} — {stage.name}",
        _("Giám khảo: %(name)s · %(n)s bài", name=judge_name, n=len(held)),
        _(
            "Bản in để đọc: bài mang mã phách, không có tên tác giả. Điểm nhập trên trang chấm "
            "của hệ thống; giữ bản in này như bài thi."
        ),
    )
    body = cover + Markup("").join(
        _entry_html(a, copy, stage, contest.category_names) for a, copy in held
    )
    try:
        tree = json.loads(
            run_pandoc(
                ["-f", "html", "-t", "json"],
                timeout=PANDOC_TIMEOUT_SECONDS,
                stdin=str(body).encode("utf-8"),
            )
        )
        _print_ready(tree["blocks"])
        return run_pandoc(
            ["-f", "json", "-t", "docx", "-o", "-"],
            timeout=PANDOC_TIMEOUT_SECONDS,
            stdin=json.dumps(tree).encode("utf-8"),
        )
    except PandocError as error:
        raise PrintError(_l("Chưa in được các bài được giao: hãy thử lại sau ít phút.")) from error
