"""The anthology's receivers of the core's signals (`contest.signals`): its links in the
core's pages and its demo stage — connected for one app by `connect(app)`."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_login import current_user

from anthology import demo
from contest import signals
from contest.demo import STAGES


def _home_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    contest = obj
    if current_user.is_province_organiser and contest.is_finalised:
        return [
            (
                _("Tuyển tập (DOCX, EPUB, PDF) và giấy chứng nhận"),
                url_for("anthology.overview", slug=contest.slug),
            )
        ]
    return []


def _nav_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    contest = obj
    if current_user.is_province_organiser and contest.is_finalised:
        return [(_("Tuyển tập"), url_for("anthology.overview", slug=contest.slug))]
    return []


def _demo_stages(sender) -> dict:  # noqa: ARG001
    """The book's settings, with the demo's first stage."""
    return {STAGES[0]: demo.demo_stage}


def connect(app: Flask) -> None:
    """Connect the anthology's receivers for `app`."""
    signals.home_links.connect(_home_links, sender=app)
    signals.nav_links.connect(_nav_links, sender=app)
    signals.demo_stages.connect(_demo_stages, sender=app)
