"""Operator command: anthology build."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup

from anthology import services
from anthology.epub_writer import BookBuildError
from contest.cli import get_contest
from contest.db import db
from contest.errors import DomainError

anthology_cli = AppGroup("anthology", help="Tuyển tập.")


@anthology_cli.command("build")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@click.option("--format", "formats", default="docx,epub", show_default=True)
def build_command(slug: str, out: str, formats: str) -> None:
    """Write OUT/SLUG.docx and OUT/SLUG.epub and print their paths."""
    contest = get_contest(slug)
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    try:
        written = services.build_book(db.session, contest, os.path.abspath(out), wanted)
    except (DomainError, BookBuildError) as error:
        raise click.ClickException(str(error)) from error
    for fmt in wanted:
        click.echo(written[fmt])


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
