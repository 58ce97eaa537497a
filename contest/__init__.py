"""Gương Sáng core: units, users, contests, rounds, entries, exemplar profiles.

The domain lives at this level (`models`, `lifecycles`, `policy`, `services/`, `views/`,
`cli`, `demo/`), on two rooms of its own that never import it: `platform/` (database and unit
of work, storage, jobs, mail, audit, backups, headers, throttling, passwords, config) and
`documents/` (uploads turned into safe text). The core imports nothing from `judging` or
`anthology`; `wsgi.create_app` wires them on top, and they reach into the core's pages through
`contest.signals`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from flask import Flask

from contest import auth, cli, navigation, setup_cli, tasks, views
from contest.documents import intake
from contest.platform import (
    config,
    db,
    headers,
    i18n,
    job_queue,
    jobs,
    logs,
    mail,
    storage,
    throttle,
    web,
)

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates")
TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")


def create_core_app(
    test_config: dict[str, Any] | None = None, translation_dirs: Sequence[str] = ()
) -> Flask:
    """The core app: config in layers, extensions, the core's blueprints and CLI."""
    app = Flask(__name__, instance_relative_config=True, template_folder=TEMPLATES_DIR)
    app.url_map.converters["int"] = web.IdConverter
    config.load(app, test_config)
    logs.init_app(app)
    db.init_app(app)
    jobs.init_app(app)
    job_queue.init_app(app)  # with REDIS_URL, RQ workers take over the embedded runner
    mail.init_app(app)
    i18n.init_app(app, [TRANSLATIONS_DIR, *translation_dirs])
    navigation.init_app(app)
    headers.init_app(app)
    auth.init_app(app)
    throttle.init_app(app)
    app.register_blueprint(auth.bp)
    views.init_app(app)
    cli.init_app(app)
    setup_cli.init_app(app)
    tasks.init_app(app)
    # What a worker killed mid-request left behind: conversion folders, half-written files.
    intake.sweep_work_folders()
    storage.init_app(app)
    return app
