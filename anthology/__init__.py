"""The anthology: winning essays and exemplar profiles as DOCX and EPUB."""

from __future__ import annotations

import os

from flask import Flask, url_for
from flask_babel import gettext as _

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")


def _home_links(contest) -> list[tuple[str, str]]:
    from flask_login import current_user

    if current_user.is_province_organiser and contest.is_finalised:
        return [
            (
                _("Tuyển tập (DOCX, EPUB) và giấy chứng nhận"),
                url_for("anthology.overview", slug=contest.slug),
            )
        ]
    return []


def init_app(app: Flask) -> None:
    """Register the anthology blueprint, CLI and its link on the home page."""
    from anthology import cli, views
    from contest import links

    app.register_blueprint(views.bp)
    cli.init_app(app)
    links.register(app, "extra_home_links", _home_links)
