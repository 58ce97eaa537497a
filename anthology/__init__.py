"""The anthology: winning essays and exemplar profiles as DOCX, EPUB and the PDF print master,
the prize certificates, and what goes out to the public (results pages, news feed, API)."""

from __future__ import annotations

import os

from flask import Flask

from anthology import cli, hooks, tasks, views

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")
DEFAULTS = {
    "ANTHOLOGY_PANDOC_TIMEOUT_SECONDS": 600,  # a 300-essay book takes about a minute
}


def init_app(app: Flask) -> None:
    """Register the anthology blueprint, CLI and build job, and connect its receivers."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for blueprint in views.BLUEPRINTS:
        app.register_blueprint(blueprint)
    cli.init_app(app)
    tasks.init_app(app)
    hooks.connect(app)
