"""The anthology: winning essays and exemplar profiles as DOCX and EPUB."""

from __future__ import annotations

import os

from flask import Flask, url_for
from flask_babel import gettext as _

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")
DEFAULTS = {
    "ANTHOLOGY_PANDOC_TIMEOUT_SECONDS": 600,  # a 300-essay book takes about a minute
}


def _home_links(contest) -> list[tuple[str, str]]:
    from flask_login import current_user

    if current_user.is_province_organiser and contest.is_finalised:
        return [
            (
                _("Tuyển tập (DOCX, EPUB, PDF) và giấy chứng nhận"),
                url_for("anthology.overview", slug=contest.slug),
            )
        ]
    return []


def _nav_links(contest) -> list[tuple[str, str]]:
    from flask_login import current_user

    if current_user.is_province_organiser and contest.is_finalised:
        return [(_("Tuyển tập"), url_for("anthology.overview", slug=contest.slug))]
    return []


def init_app(app: Flask) -> None:
    """Register the anthology blueprint, CLI, its link on the home page and its demo stage."""
    from anthology import cli, demo, tasks, views  # noqa: F401  (tasks: the build job)
    from contest import links
    from contest.cli import demo_stage_handlers
    from contest.demo import STAGES

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(views.bp)
    cli.init_app(app)
    links.register(app, "extra_home_links", _home_links)
    links.register(app, "nav_links", _nav_links)
    demo.register(demo_stage_handlers(app), STAGES[0])
