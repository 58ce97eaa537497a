"""The navigation header each role sees on every page: where their work is, for the newest
contest, without going back through the home page. The core adds its own pages; judging and
the anthology add theirs through `contest.signals.nav_links`."""

from __future__ import annotations

from functools import partial

from flask import Flask, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest import signals
from contest.models import Contest, sees_drafts
from contest.platform.db import db
from contest.services import queries


def _core_links(contest: Contest) -> list[tuple[str, str]]:
    if current_user.may_enter:
        return [(_("Bài dự thi của tôi"), url_for("contest.my_entries", slug=contest.slug))]
    links = []
    if current_user.is_unit_organiser:
        round_ = queries.find_round(db.session, contest, current_user.unit_id)
        if round_ is not None:
            links.append(
                (_("Vòng thi của đơn vị"), url_for("contest.show_round", round_id=round_.id))
            )
        links.append((_("Cấp lại mật khẩu"), url_for("contest.password_help_page")))
    if current_user.is_province_organiser:
        links += [
            (_("Bảng điều khiển"), url_for("contest.dashboard", slug=contest.slug)),
            (_("Thể lệ và các vòng"), url_for("contest.contest_settings", slug=contest.slug)),
        ]
    return links


def _province_tail() -> list[tuple[str, str]]:
    if not current_user.is_province_organiser:
        return []
    return [
        (_("Đơn vị"), url_for("contest.units_page")),
        (_("Tài khoản"), url_for("contest.accounts")),
        (_("Việc chạy nền"), url_for("contest.jobs_page")),
    ]


def role_navigation() -> list[tuple[str, str, bool]]:
    """(label, url, is the current page) for the signed-in user; nothing for visitors."""
    if not current_user.is_authenticated:
        return []
    contests = queries.contests_newest_first(db.session, sees_drafts(current_user))
    links: list[tuple[str, str]] = []
    contest = queries.leading_contest(contests)
    if contest is not None:
        links += _core_links(contest)
        links += signals.collected(signals.nav_links, contest)
        if current_user.is_province_organiser:
            links.append((_("Nhật ký"), url_for("contest.audit_log", slug=contest.slug)))
    links += _province_tail()
    return [(label, url, request.path == url) for label, url in links]


def init_app(app: Flask) -> None:
    """`role_navigation()` and each link signal (`entry_extra_links(entry)` …) in templates."""
    app.jinja_env.globals["role_navigation"] = role_navigation
    for name, signal in signals.LINK_SIGNALS.items():
        app.jinja_env.globals[name] = partial(signals.collected, signal)
