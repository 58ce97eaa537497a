"""Operator command: anthology build. Every failure is a message and exit status 1; the
files appear in OUT only when every format was written and read back."""

from __future__ import annotations

import logging
import os

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from anthology.services import builds
from contest.cli import command_unit_of_work, get_contest
from contest.errors import DomainError

log = logging.getLogger(__name__)

anthology_cli = AppGroup("anthology", help="Tuyển tập.")


@anthology_cli.command("build")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@click.option("--format", "formats", default="docx,epub,pdf", show_default=True)
def build_command(slug: str, out: str, formats: str) -> None:
    """Write OUT/SLUG.docx, .epub and .pdf (or the formats asked for); print their paths."""
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    try:
        with command_unit_of_work() as uow:
            contest = get_contest(slug)
            written = builds.build_book(uow.session, contest, os.path.abspath(out), wanted)
    except (click.ClickException, DomainError):
        raise
    except Exception as error:  # an operator gets the reason, not a traceback; nothing written
        log.error("anthology build %s failed: %r", slug, error)
        raise click.ClickException(
            _("Không dựng được sách: %(reason)s", reason=str(error) or type(error).__name__)
        ) from error
    for fmt in wanted:
        click.echo(written[fmt])


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
