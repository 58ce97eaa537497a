"""Blind multi-judge scoring at the province, built on the contest core."""

from __future__ import annotations

import os

from flask import Flask, url_for
from flask_babel import gettext as _

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")


def _judges_stage_exists(contest) -> bool:
    """The signed-in judge has a stage in their own judging (a unit juror: their unit's)."""
    from flask_login import current_user

    from contest.db import db
    from judging.services.panel import juror_round_id
    from judging.services.stages import current_stage

    round_id = juror_round_id(db.session, current_user)
    return current_stage(db.session, contest, round_id) is not None


def _home_links(contest) -> list[tuple[str, str]]:
    from flask_login import current_user

    from contest.db import db

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
        from contest.services.queries import find_round

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


def _nav_links(contest) -> list[tuple[str, str]]:
    """Judging's places in the header: the organisers' judging and results, a judge's queue."""
    from flask_login import current_user

    if current_user.is_province_organiser:
        return [
            (_("Chấm thi"), url_for("judging.overview", slug=contest.slug)),
            (_("Kết quả"), url_for("judging.results", slug=contest.slug)),
        ]
    if current_user.is_judge and _judges_stage_exists(contest):
        return [(_("Bài được giao chấm"), url_for("judging.queue", slug=contest.slug))]
    return []


def _home_facts(contest) -> list[tuple[str, str]]:
    """The prizes, for everyone on the home page, once the ladder is set."""
    from contest.db import db
    from judging.services.stages import prize_levels

    levels = prize_levels(db.session, contest)
    if not levels:
        return []
    ladder = "; ".join(_("%(name)s: %(n)s giải", name=lv.name, n=lv.quota) for lv in levels)
    return [(_("Cơ cấu giải"), ladder)]


def _public_links(contest) -> list[tuple[str, str]]:
    if contest.is_finalised:
        return [(_("Danh sách đoạt giải"), url_for("judging.winners", slug=contest.slug))]
    return []


def _entry_links(entry) -> list[tuple[str, str]]:
    """After finalisation, the author sees the official score and prize, never who gave what."""
    from contest.db import db
    from judging.services.reports import official_result

    if not entry.contest.is_finalised:
        return []
    award, score = official_result(db.session, entry)
    if award is None:
        return []
    label = _(
        "Kết quả: %(prize)s — %(score)s điểm",
        prize=award.prize_level.name if award.prize_level else _("không đạt giải"),
        score=f"{score:g}" if score is not None else "—",
    )
    return [(label, url_for("judging.winners", slug=entry.contest.slug))]


def _unit_result_links(entry) -> list[tuple[str, str]]:
    """For the province's organisers: the entry's result in each unit round that judged it
    (its rank and prize there). Judges never reach the entry page, and their copy carries
    no unit score."""
    from flask_login import current_user

    from contest.db import db
    from judging.policy import sees_unit_results
    from judging.services.units import unit_results_of

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


def _round_links(round_) -> list[tuple[str, str]]:
    """On a unit round's page, for those who run its judging: its own judging (switch it
    on, or where it stands), and its winners once it finalised."""
    from flask_login import current_user

    from contest.db import db
    from judging.policy import can_manage_unit_judging, can_view_unit_winners
    from judging.services.stages import unit_judging

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


def _judged_rounds_forward_by_results(round_) -> None:
    """A round holding its own judging sends its entries up by its results (its forward
    page), not by ticks: otherwise the jury's work could be bypassed."""
    from contest.db import db
    from contest.errors import IllegalTransition
    from judging.services.stages import unit_judging

    if unit_judging(db.session, round_.id) is not None:
        raise IllegalTransition(
            _(
                "%(unit)s đang chấm thi riêng: bài được gửi lên theo kết quả chấm, từ trang "
                "«Gửi bài lên theo kết quả chấm» sau khi đơn vị công bố kết quả.",
                unit=round_.unit.name,
            )
        )


def init_app(app: Flask) -> None:
    """Register the judging blueprint, CLI, links in the core's pages and the demo stages."""
    from contest import links
    from contest.cli import demo_stage_handlers
    from contest.guards import register_forward_guard
    from judging import cli, demo, views

    app.register_blueprint(views.bp)
    cli.init_app(app)
    links.register(app, "extra_home_links", _home_links)
    links.register(app, "public_home_links", _public_links)
    links.register(app, "entry_extra_links", _entry_links)
    links.register(app, "entry_extra_links", _unit_result_links)
    links.register(app, "round_extra_links", _round_links)
    links.register(app, "nav_links", _nav_links)
    links.register(app, "home_facts", _home_facts)
    register_forward_guard(app, _judged_rounds_forward_by_results)
    demo_stage_handlers(app).update(demo.HANDLERS)
