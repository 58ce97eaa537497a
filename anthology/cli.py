"""Operator command: anthology build. Every failure is a message and exit status 1; the
files appear in OUT only when every format was written and read back."""

from __future__ import annotations

import logging
import os
import tempfile

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from anthology.services import builds, certificates
from contest import office
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


# LibreOffice gets this long to lay out every certificate as PDF.
CERTIFICATE_PDF_TIMEOUT_SECONDS = 300


@anthology_cli.command("certificates")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def certificates_command(slug: str, out: str) -> None:
    """Write every prize winner's certificate to OUT, a .docx or a .pdf (through LibreOffice)."""
    target = os.path.splitext(out)[1].lower().lstrip(".")
    if target not in ("docx", "pdf"):
        raise click.ClickException(_("Tệp giấy chứng nhận phải có đuôi .docx hoặc .pdf."))
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise click.ClickException(_("Không có thư mục %(folder)s.", folder=folder))
    try:
        with command_unit_of_work() as uow:
            data = certificates.certificates_docx(uow.session, get_contest(slug))
        if target == "pdf":
            data = office.convert(data, ".docx", "pdf", CERTIFICATE_PDF_TIMEOUT_SECONDS)
    except (click.ClickException, DomainError):
        raise
    except office.OfficeConversionError as error:
        raise click.ClickException(
            _(
                "LibreOffice không chuyển được giấy chứng nhận sang PDF (%(reason)s).",
                reason=error.reason.value,
            )
        ) from error
    # Written beside OUT and renamed: an interrupted write leaves no half file under OUT's name.
    handle, partial = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(partial, out)
    except OSError as error:
        if os.path.exists(partial):
            os.unlink(partial)
        raise click.ClickException(
            _("Không ghi được %(path)s: %(reason)s", path=out, reason=error.strerror)
        ) from error
    click.echo(os.path.abspath(out))


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
