"""The composition root: `create_app` wires the core, judging and the anthology together.

`flask --app wsgi …` finds `create_app` by itself; a WSGI server calls `wsgi:create_app()`."""

from __future__ import annotations

from typing import Any

from flask import Flask

import anthology
import contest
import judging
from contest.platform import jobs


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: the core first, then the packages built on it, each adding its pages."""
    app = contest.create_core_app(
        test_config,
        translation_dirs=[judging.TRANSLATIONS_DIR, anthology.TRANSLATIONS_DIR],
    )
    judging.init_app(app)
    anthology.init_app(app)
    # Every kind of job is registered now: work a dead process left "running" is failed.
    jobs.recover_abandoned(app)
    return app
