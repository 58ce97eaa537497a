"""Blind multi-judge scoring at the province, built on the contest core."""

from __future__ import annotations

import os

from flask import Flask

from judging import cli, hooks, tasks, views

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")


def init_app(app: Flask) -> None:
    """Register the judging blueprint, CLI and job, and connect its receivers of the core's
    signals."""
    app.register_blueprint(views.bp)
    cli.init_app(app)
    tasks.init_app(app)
    hooks.connect(app)
