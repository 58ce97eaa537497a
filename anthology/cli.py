"""Operator command: anthology build."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup

from anthology.services import builds
from contest.cli import command_unit_of_work, get_contest

anthology_cli = AppGroup("anthology", help="Tuyển tập.")


@anthology_cli.command("build")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@click.option("--format", "formats", default="docx,epub", show_default=True)
def build_command(slug: str, out: str, formats: str) -> None:
    """Write OUT/SLUG.docx and OUT/SLUG.epub and print their paths."""
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    with command_unit_of_work() as uow:
        contest = get_contest(slug)
        written = builds.build_book(uow.session, contest, os.path.abspath(out), wanted)
    for fmt in wanted:
        click.echo(written[fmt])


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
