"""Gương Sáng core: the app factory, units, contests, rounds, entries, exemplar profiles."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config in layers, extensions, blueprints of every package, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates"),
    )
    from contest import config

    config.load(app, test_config)

    from contest import auth, cli, db, i18n, links, views

    db.init_app(app)
    i18n.init_app(app)
    links.init_app(app)
    auth.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    cli.init_app(app)

    # The one place where the core reaches the packages built on it: arrows stay one-way.
    import anthology
    import judging

    judging.init_app(app)
    anthology.init_app(app)
    return app
