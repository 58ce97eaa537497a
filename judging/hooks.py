"""Judging's receivers of the core's signals (`contest.signals`): its links in the core's
pages, its rule on ticking, its demo stages — connected for one app by `connect(app)`."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from contest import signals
from contest.platform.db import db
from contest.platform.errors import IllegalTransition
from contest.services.contest_file import FileSection
from contest.services.queries import find_round
from judging import contest_file, demo, wording
from judging.policy import can_manage_unit_judging, can_view_unit_winners, sees_unit_results
from judging.services import reminders
from judging.services.panel import juror_round_id
from judging.services.stages import current_stage, is_finalised, prize_levels, unit_judging
from judging.services.units import (
    forward_by_results,
    rounds_closed_to_entries,
    unit_results_of,
)


def _judges_stage_exists(contest) -> bool:
    """The signed-in judge has a stage in their own judging (a unit juror: their unit's)."""

    round_id = juror_round_id(db.session, current_user)
    return current_stage(db.session, contest, round_id) is not None


def _home_links(sender, obj) -> list[tuple[str, str]]:
    contest = obj

    links = []
    if current_user.is_province_organiser:
        links.append(
            (
                _("Chấm thi cấp tỉnh (rọc phách, hội đồng, kết quả)"),
                url_for("judging.overview", slug=contest.slug),
            )
        )
    if current_user.is_judge and _judges_stage_exists(contest):
        links.append((_("Bài được giao chấm"), url_for("judging.queue", slug=contest.slug)))
    if current_user.is_unit_organiser:
        if find_round(db.session, contest, current_user.unit_id) is not None:
            links.append(
                (
                    _("Chấm thi của đơn vị (hội đồng, rọc phách, giải)"),
                    url_for(
                        "judging.unit_overview", slug=contest.slug, code=current_user.unit.code
                    ),
                )
            )
    return links


def _nav_links(sender, obj) -> list[tuple[str, str]]:
    """Judging's places in the header: the organisers' judging and results, a judge's queue."""
    contest = obj

    if current_user.is_province_organiser:
        return [
            (_("Chấm thi"), url_for("judging.overview", slug=contest.slug)),
            (_("Kết quả"), url_for("judging.results", slug=contest.slug)),
        ]
    if current_user.is_judge and _judges_stage_exists(contest):
        return [(_("Bài được giao chấm"), url_for("judging.queue", slug=contest.slug))]
    return []


def _home_facts(sender, obj) -> list[tuple[str, str]]:
    """The prizes, for everyone on the home page, once the ladder is set."""
    contest = obj

    levels = prize_levels(db.session, contest)
    if not levels:
        return []
    ladder = "; ".join(
        _(
            "%(name)s: %(n)s giải, mỗi giải %(amount)s đồng",
            name=lv.name,
            n=lv.quota,
            amount=format_decimal(lv.amount),
        )
        if lv.amount
        else _("%(name)s: %(n)s giải", name=lv.name, n=lv.quota)
        for lv in levels
    )
    return [(_("Cơ cấu giải"), ladder)]


def _unit_result_links(sender, obj) -> list[tuple[str, str]]:
    """For the province's organisers: the entry's result in each unit round that judged it
    (its rank and prize there). Judges never reach the entry page, and their copy carries
    no unit score."""
    entry = obj

    if not sees_unit_results(current_user):
        return []
    return [
        (
            _(
                "Kết quả chấm của %(unit)s: hạng %(rank)s — %(prize)s",
                unit=award.round.unit.name,
                rank=award.rank,
                prize=award.prize_level.name if award.prize_level else _("không đạt giải"),
            ),
            url_for("judging.unit_overview", slug=entry.contest.slug, code=award.round.unit.code),
        )
        for award in unit_results_of(db.session, [entry.id]).get(entry.id, [])
    ]


def _author_unit_results(sender, obj) -> list[tuple[str, str | None]]:  # noqa: ARG001
    """For the author: their entry's prize in each unit round that judged it, once that
    unit published its results (its awards exist from then on). No rank, no judge."""
    entry = obj

    if not (current_user.is_authenticated and entry.author_id == current_user.id):
        return []
    return [
        (
            _(
                "Kết quả vòng %(unit)s: %(prize)s",
                unit=award.round.unit.name,
                prize=award.prize_level.name if award.prize_level else _("không đạt giải"),
            ),
            None,
        )
        for award in unit_results_of(db.session, [entry.id]).get(entry.id, [])
        if is_finalised(db.session, entry.contest, award.round_id)
    ]


def _round_links(sender, obj) -> list[tuple[str, str]]:
    """On a unit round's page, for those who run its judging: its own judging (switch it
    on, or where it stands), and its winners once it finalised."""
    round_ = obj

    if not can_manage_unit_judging(current_user, round_):
        return []
    here = {"slug": round_.contest.slug, "code": round_.unit.code}
    judging = unit_judging(db.session, round_.id)
    if judging is None:
        label = _("Chấm thi riêng của đơn vị: chưa bật (bật để có hội đồng, rọc phách, giải)")
    else:
        label = _("Chấm thi riêng của đơn vị: %(state)s", state=judging.state.label)
    found = [(label, url_for("judging.unit_overview", **here))]
    if can_view_unit_winners(db.session, current_user, round_):
        found.append((_("Danh sách đoạt giải của đơn vị"), url_for("judging.unit_winners", **here)))
    return found


def _judged_rounds_forward_by_results(sender, obj) -> None:
    """A round holding its own judging sends its entries up by its results (its forward
    page), not by ticks: otherwise the jury's work could be bypassed."""
    round_ = obj

    if unit_judging(db.session, round_.id) is not None:
        raise IllegalTransition(
            _(
                "%(unit)s đang chấm thi riêng: bài được gửi lên theo kết quả chấm, từ trang "
                "«Gửi bài lên theo kết quả chấm» sau khi đơn vị công bố kết quả.",
                unit=round_.unit.name,
            )
        )


def _rounds_judging_closed(sender, obj) -> dict[int, str]:  # noqa: ARG001
    """Unit rounds whose own judging began or finished take no more essays."""
    return rounds_closed_to_entries(db.session, obj.id)


def _forward_ways(sender) -> dict:  # noqa: ARG001
    """A unit that judged its own round sends up by its results (`rounds forward --by-results`)."""
    return {"by-results": forward_by_results}


def _demo_stages(sender) -> dict:  # noqa: ARG001
    return demo.HANDLERS


def _reminders(sender, obj, session, now) -> int:  # noqa: ARG001
    return reminders.remind_judges(session, obj, now)


def _contest_file_section(sender) -> FileSection:  # noqa: ARG001
    return contest_file.SECTION


def connect(app: Flask) -> None:
    """Connect judging's receivers for `app`, and its words the templates use."""
    app.jinja_env.globals["tie_break_rule"] = wording.tie_break_rule
    for signal, receiver in (
        (signals.home_links, _home_links),
        (signals.entry_links, _unit_result_links),
        (signals.entry_links, _author_unit_results),
        (signals.round_links, _round_links),
        (signals.nav_links, _nav_links),
        (signals.home_facts, _home_facts),
        (signals.ticking, _judged_rounds_forward_by_results),
        (signals.intake, _rounds_judging_closed),
        (signals.forward_ways, _forward_ways),
        (signals.demo_stages, _demo_stages),
        (signals.contest_file, _contest_file_section),
        (signals.reminders, _reminders),
    ):
        signal.connect(receiver, sender=app)
