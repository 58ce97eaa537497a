"""Operator commands: anthology build, anthology certificates; results publish/withdraw/news
(what the board's «Công bố» page does). Every failure is a message and exit status 1; files
appear in OUT only when every format was written and read back."""

from __future__ import annotations

import logging
import os
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from anthology.errors import BookBuildError
from anthology.services import builds, certificates, publication
from contest.cli import command_unit_of_work, get_contest, get_unit_round
from contest.platform import storage
from contest.platform.db import utcnow
from contest.platform.errors import DomainError
from judging.cli import results_cli, unit_option  # `flask results …`: judging's group

log = logging.getLogger(__name__)

anthology_cli = AppGroup("anthology", help="Tuyển tập.")


@results_cli.command("publish")
@click.argument("slug")
def results_publish(slug: str) -> None:
    """Make final results public: pages, feed, API and widget; authors are told by mail."""
    with command_unit_of_work() as uow:
        publication.publish_results(uow.session, get_contest(slug), None, utcnow())
    click.echo(_("Đã công bố kết quả «%(slug)s».", slug=slug))


@results_cli.command("withdraw")
@click.argument("slug")
@click.option("--reason", required=True, help="Lý do, ghi vào nhật ký.")
def results_withdraw(slug: str, reason: str) -> None:
    """Take published results back from the public (to correct them); they stay final."""
    with command_unit_of_work() as uow:
        publication.withdraw_results(uow.session, get_contest(slug), None, reason, utcnow())
    click.echo(_("Đã thu hồi công bố kết quả «%(slug)s».", slug=slug))


@results_cli.command("news")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--body", default="")
def results_news(slug: str, title: str, body: str) -> None:
    """Post a piece of news on the contest's public page and feed; print its number."""
    with command_unit_of_work() as uow:
        news = publication.post_announcement(
            uow.session, get_contest(slug), None, title, body, utcnow()
        )
        number = news.id
    click.echo(number)


@anthology_cli.command("build")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False))
@click.option("--format", "formats", default="docx,epub,pdf", show_default=True)
def build_command(slug: str, out: str, formats: str) -> None:
    """Write OUT/SLUG.docx, .epub and .pdf (or the formats asked for); print their paths."""
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    notes: list[str] = []
    try:
        with command_unit_of_work() as uow:
            contest = get_contest(slug)
            try:
                written = builds.build_book(
                    uow.session, contest, os.path.abspath(out), wanted, notes
                )
            except BookBuildError as error:  # which format stopped, and why (`write_book`)
                raise click.ClickException(
                    _("Không dựng được sách: %(reason)s", reason=str(error))
                ) from error
    except (click.ClickException, DomainError):
        raise
    except Exception as error:  # an operator gets the reason, not a traceback; nothing written
        log.error("anthology build %s failed: %r", slug, error)
        raise click.ClickException(
            _("Không dựng được sách: %(reason)s", reason=str(error) or type(error).__name__)
        ) from error
    for fmt in wanted:
        click.echo(written[fmt])
    for line in notes:
        click.echo(line, err=True)


@anthology_cli.command("certificates")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@unit_option
@click.option("--body", help="Cơ quan ban hành (với --unit; mặc định: tên đơn vị).")
@click.option("--parent-body", default="", help="Cơ quan chủ quản (với --unit).")
@click.option("--code", help="Ký hiệu số sau «GCN-» (với --unit; mặc định: mã đơn vị).")
@click.option("--place", default="", help="Địa danh (với --unit).")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Ngày ký (mặc định: hôm nay)."
)
@click.option(
    "--signer", default="", help="Thẩm quyền, chức vụ người ký (với --unit; \\n xuống dòng)."
)
@click.option("--signer-name", default="", help="Họ tên người ký (với --unit).")
def certificates_command(
    slug: str,
    out: str,
    unit_code: str | None,
    body: str | None,
    parent_body: str,
    code: str | None,
    place: str,
    day: datetime | None,
    signer: str,
    signer_name: str,
) -> None:
    """Write the prize winners' certificates to OUT (.docx or .pdf); print its path. With
    --unit CODE, that unit's own prizes with the unit as issuing body (the options say what
    the paper carries); without it, the province's from the book's settings."""
    out = os.path.abspath(out)
    fmt = os.path.splitext(out)[1].lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise click.ClickException(_("Tệp ra phải có đuôi .docx hoặc .pdf: %(out)s", out=out))
    if not os.path.isdir(os.path.dirname(out)):
        raise click.ClickException(_("Không có thư mục %(folder)s.", folder=os.path.dirname(out)))
    try:
        with command_unit_of_work() as uow:
            contest = get_contest(slug)
            if unit_code is None:
                data = certificates.certificates_docx(uow.session, contest)
            else:
                round_ = get_unit_round(contest, unit_code)
                issuance = certificates.unit_issuance(
                    round_,
                    day.date() if day else utcnow().date(),
                    body=body,
                    parent_body=parent_body.replace("\\n", "\n"),
                    code=code,
                    place=place,
                    signer_authority=signer.replace("\\n", "\n"),
                    signer_name=signer_name,
                )
                data = certificates.unit_certificates_docx(uow.session, round_, issuance)
        if fmt == "pdf":
            data = certificates.to_pdf(data)
        storage.write_whole(out, data)
    except click.ClickException:
        raise
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    except Exception as error:  # an operator gets the reason, not a traceback; nothing written
        log.error("anthology certificates %s failed: %r", slug, error)
        raise click.ClickException(
            _(
                "Không làm được giấy chứng nhận: %(reason)s",
                reason=str(error) or type(error).__name__,
            )
        ) from error
    click.echo(out)


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
