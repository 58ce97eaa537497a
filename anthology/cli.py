"""Operator commands: anthology build, cover and certificates; results publish/withdraw/news
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
from anthology.render.cover import COVER_BLEED_MM, DEFAULT_PAPER_UM
from anthology.services import (
    builds,
    certificates,
    covers,
    papers,
    proposals,
    publication,
)
from anthology.services import settings as book_settings
from contest.cli import command_unit_of_work, get_contest, get_unit_round
from contest.documents import printing
from contest.models import ExemplarProfile
from contest.platform import storage
from contest.platform.db import db, utcnow
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
@click.option(
    "--trim",
    "trim_size",
    default=None,
    help="Khổ sách cho lần dựng này: A5, B5, A4 hoặc rộng x cao theo mm (145x205).",
)
@click.option(
    "--bleed",
    "bleed_mm",
    type=click.FloatRange(0, 5),
    default=0,
    help="Phần tràn lề cho nhà in, mm (thường 3); PDF có TrimBox và BleedBox.",
)
def build_command(
    slug: str, out: str, formats: str, trim_size: str | None, bleed_mm: float
) -> None:
    """Write OUT/SLUG.docx, .epub and .pdf (or the formats asked for); print their paths.
    With --trim, this build's trim size instead of the book's settings; with --bleed, the
    PDF's sheets reach that far beyond the trim."""
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    if trim_size is not None:
        try:
            trim_size = book_settings.checked_trim(trim_size)
        except DomainError as error:
            raise click.ClickException(str(error)) from error
    notes: list[str] = []
    try:
        with command_unit_of_work() as uow:
            contest = get_contest(slug)
            gaps = book_settings.colophon_gaps(book_settings.settings_for(uow.session, contest))
            try:
                written = builds.build_book(
                    uow.session,
                    contest,
                    os.path.abspath(out),
                    wanted,
                    notes,
                    trim_size,
                    bleed_mm,
                    files=storage.file_store(),
                    now=utcnow(),
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
    if gaps:  # the PDF is marked as a proof on every page until they are filled
        click.echo(
            _("Bản thảo: trang thông tin xuất bản còn thiếu %(lines)s.", lines="; ".join(gaps)),
            err=True,
        )


@anthology_cli.command("cover")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--paper-um",
    type=int,
    default=DEFAULT_PAPER_UM,
    show_default=True,
    help="Độ dày một tờ giấy ruột, micromét (giấy 80 g/m² khoảng 100 µm).",
)
@click.option("--bleed", "bleed_mm", type=float, default=COVER_BLEED_MM, show_default=True,
              help="Lề xén quanh tờ bìa (mm).")  # fmt: skip
def cover_command(slug: str, out: str, paper_um: int, bleed_mm: float) -> None:
    """Write the printed cover (back, spine, front) to OUT.pdf; the spine is measured on the
    last good print master's page count and the paper's thickness."""
    out, _fmt = _output(out, ("pdf",))
    try:
        with command_unit_of_work() as uow:
            cover = covers.write_book_cover(
                uow.session,
                storage.file_store(),
                get_contest(slug),
                out,
                paper_um,
                bleed_mm,
                lay_out_at=utcnow(),
            )
    except (DomainError, BookBuildError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(out)
    width, height = cover.sheet_mm
    click.echo(
        _(
            "Gáy %(spine)s mm (%(pages)s trang, giấy %(paper)s µm); tờ bìa %(width)s × "
            "%(height)s mm, lề xén %(bleed)s mm.",
            spine=f"{cover.spine_mm:g}",
            pages=cover.pages,
            paper=cover.paper_um,
            width=f"{width:g}",
            height=f"{height:g}",
            bleed=f"{cover.bleed_mm:g}",
        ),
        err=True,
    )


def issuer_options(command):
    """What a unit's own paper carries (with --unit), and the date it is signed."""
    for option in reversed(
        [
            click.option("--body", help="Cơ quan ban hành (với --unit; mặc định: tên đơn vị)."),
            click.option("--parent-body", default="", help="Cơ quan chủ quản (với --unit)."),
            click.option("--code", help="Ký hiệu của cơ quan (với --unit; mặc định: mã đơn vị)."),
            click.option("--place", default="", help="Địa danh (với --unit)."),
            click.option(
                "--date",
                "day",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Ngày ký (mặc định: ngày đơn vị công bố kết quả, nếu không thì hôm nay).",
            ),
            click.option(
                "--signer",
                default="",
                help="Thẩm quyền, chức vụ người ký (với --unit; \\n xuống dòng).",
            ),
            click.option("--signer-name", default="", help="Họ tên người ký (với --unit)."),
        ]
    ):
        command = option(command)
    return command


def _unit_issuance(round_, day: datetime | None, issuer: dict):
    return certificates.unit_issuance(
        round_,
        day.date() if day else certificates.unit_award_day(db.session, round_, utcnow()),
        body=issuer["body"],
        parent_body=issuer["parent_body"].replace("\\n", "\n"),
        code=issuer["code"],
        place=issuer["place"],
        signer_authority=issuer["signer"].replace("\\n", "\n"),
        signer_name=issuer["signer_name"],
    )


def _output(out: str, formats: tuple[str, ...]) -> tuple[str, str]:
    """OUT's absolute path and format, refused before any work when either is wrong."""
    out = os.path.abspath(out)
    fmt = os.path.splitext(out)[1].lower().lstrip(".")
    if fmt not in formats:
        raise click.ClickException(
            _(
                "Tệp ra phải có đuôi %(formats)s: %(out)s",
                formats=" hoặc ".join(f".{f}" for f in formats),
                out=out,
            )
        )
    if not os.path.isdir(os.path.dirname(out)):
        raise click.ClickException(_("Không có thư mục %(folder)s.", folder=os.path.dirname(out)))
    return out, fmt


@anthology_cli.command("certificates")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@unit_option
@issuer_options
def certificates_command(
    slug: str, out: str, unit_code: str | None, day: datetime | None, **issuer: str
) -> None:
    """Write the prize winners' certificates to OUT (.docx or .pdf); print its path. With
    --unit CODE, that unit's own prizes with the unit as issuing body (the options say what
    the paper carries); without it, the province's from the book's settings."""
    out, fmt = _output(out, ("docx", "pdf"))
    try:
        with command_unit_of_work() as uow:
            contest = get_contest(slug)
            if unit_code is None:
                data = certificates.certificates_docx(uow.session, storage.file_store(), contest)
            else:
                round_ = get_unit_round(contest, unit_code)
                issuance = _unit_issuance(round_, day, issuer)
                data = certificates.unit_certificates_docx(uow.session, round_, issuance, utcnow())
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


reports_cli = AppGroup("reports", help="Báo cáo tổng kết, quyết định khen thưởng.")


@reports_cli.command("summary")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Ngày báo cáo (mặc định: hôm nay)."
)
def summary_command(slug: str, out: str, day: datetime | None) -> None:
    """Write the summary report to OUT (.docx, or .xlsx for the figures); print its path.
    Its numbers are those of `contest status --json` and `judging status --json`."""
    out, fmt = _output(out, papers.FORMATS)
    with command_unit_of_work() as uow:
        data = papers.summary_report(
            uow.session, get_contest(slug), fmt, day.date() if day else utcnow().date()
        )
    storage.write_whole(out, data)
    click.echo(out)


@reports_cli.command("decision")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@unit_option
@issuer_options
def decision_command(
    slug: str, out: str, unit_code: str | None, day: datetime | None, **issuer: str
) -> None:
    """Write the prize decision to OUT (.docx or .pdf); print its path. With --unit CODE, the
    decision of a unit that judged its own round, the unit as issuing body."""
    out, fmt = _output(out, ("docx", "pdf"))
    signed = day.date() if day else utcnow().date()
    with command_unit_of_work() as uow:
        contest = get_contest(slug)
        if unit_code is None:
            data = papers.prize_decision(uow.session, contest, signed)
        else:
            round_ = get_unit_round(contest, unit_code)
            data = papers.prize_decision(
                uow.session,
                contest,
                signed,
                round_=round_,
                unit_issuance=_unit_issuance(round_, day, issuer),
            )
    try:
        if fmt == "pdf":
            data = printing.to_pdf(data, _("quyết định"))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    storage.write_whole(out, data)
    click.echo(out)


@reports_cli.command("propose")
@click.argument("slug")
@click.argument("profile_id", type=int)
@click.option("--justification", required=True, help="Thành tích tóm tắt.")
def propose_command(slug: str, profile_id: int, justification: str) -> None:
    """Propose an exemplar profile that reached the province for the certificate of merit."""
    with command_unit_of_work() as uow:
        contest = get_contest(slug)
        profile = uow.session.get(ExemplarProfile, profile_id)
        if profile is None or profile.contest_id != contest.id:
            raise click.ClickException(_("Không có hồ sơ số %(id)s.", id=profile_id))
        proposals.propose(uow.session, profile, None, justification)
    click.echo(_("Đã đề nghị tặng Bằng khen cho %(name)s.", name=profile.name))


@reports_cli.command("proposals")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Ngày (mặc định: hôm nay).")
def proposals_command(slug: str, out: str, day: datetime | None) -> None:
    """Write the list of profiles proposed for the certificate of merit (.docx or .xlsx)."""
    out, fmt = _output(out, papers.FORMATS)
    with command_unit_of_work() as uow:
        data = papers.proposal_list(
            uow.session, get_contest(slug), fmt, day.date() if day else utcnow().date()
        )
    storage.write_whole(out, data)
    click.echo(out)


def init_app(app: Flask) -> None:
    app.cli.add_command(anthology_cli)
    app.cli.add_command(reports_cli)
