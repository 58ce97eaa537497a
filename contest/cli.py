"""Operator commands: demo, entries import, rounds forward, contest status."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from contest import demo as demo_data
from contest.db import db, utcnow
from contest.errors import DomainError
from contest.intake import IntakeError, extract_upload
from contest.models import Contest, Round, Unit, User
from contest.services.accounts import find_or_create_author
from contest.services.entries import Subject, create_entry
from contest.services.forwarding import forward_round
from contest.services.queries import contest_status
from contest.uow import UnitOfWork, unit_of_work

IMPORT_COLUMNS = [
    "author_name",
    "author_phone",
    "author_email",
    "author_unit",
    "title",
    "subject_name",
    "subject_kind",
    "subject_category",
    "file",
]

entries_cli = AppGroup("entries", help="Bài dự thi.")
rounds_cli = AppGroup("rounds", help="Vòng thi của các đơn vị.")
contest_cli = AppGroup("contest", help="Cuộc thi.")


@contextmanager
def command_unit_of_work() -> Iterator[UnitOfWork]:
    """A command's unit of work: commits once; a refused rule rolls back and becomes the
    command's error message (exit status 1)."""
    try:
        with unit_of_work() as uow:
            yield uow
    except DomainError as error:
        raise click.ClickException(str(error)) from error


def get_contest(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        raise click.ClickException(f"Không có cuộc thi «{slug}».")
    return contest


def get_unit_round(contest: Contest, code: str) -> Round:
    round_ = db.session.scalar(
        select(Round)
        .join(Unit, Round.unit_id == Unit.id)
        .where(Round.contest_id == contest.id, Unit.code == code)
    )
    if round_ is None:
        raise click.ClickException(f"Đơn vị «{code}» không có vòng thi trong cuộc thi này.")
    return round_


def demo_stage_handlers(app: Flask) -> dict:
    """What judging adds to each demo stage (the jury, opening, scoring, awarding), registered
    here by the judging package: the core does not import it."""
    return app.extensions.setdefault("guongsang.demo_stages", {})


@click.command("demo")
@click.option("--seed", default=2019, show_default=True, help="Hạt giống ngẫu nhiên.")
@click.option("--entries", default=80, show_default=True, help="Số bài dự thi mẫu.")
@click.option(
    "--through",
    type=click.Choice(demo_data.STAGES),
    default="forwarded",
    show_default=True,
    help="Đưa dữ liệu mẫu tới giai đoạn này.",
)
@click.option("--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu còn trống.")
def demo_command(seed: int, entries: int, through: str, if_empty: bool) -> None:
    """Load the Sơn La 2019 demo and print the demo accounts: role login password."""
    existing = db.session.scalar(select(func.count(Contest.id)))
    if existing:
        if not if_empty:
            raise click.ClickException(
                "Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống."
            )
        click.echo("Cơ sở dữ liệu đã có dữ liệu mẫu. Tài khoản mẫu:")
        _print_accounts()
        return
    contest, _accounts = demo_data.load_demo(
        db.session, seed=seed, entries=entries, now=utcnow(), through=through
    )
    db.session.commit()
    handlers = demo_stage_handlers(current_app)
    for stage in demo_data.STAGES[: demo_data.STAGES.index(through) + 1]:
        if stage in handlers:
            handlers[stage](contest, seed)
            db.session.commit()
    click.echo(f"Đã nạp dữ liệu mẫu «{contest.slug}» tới giai đoạn «{through}».")
    _print_accounts()


def _print_accounts() -> None:
    """One account per line, `role login password`, for every demo role."""
    users = db.session.scalars(
        select(User).where(User.email.like("%@sonla.gov.vn")).order_by(User.id)
    ).all()
    entrants = db.session.scalars(
        select(User)
        .where(User.role == "entrant", User.email.like("tacgia%@example.com"))
        .order_by(User.id)
        .limit(2)
    )
    for user in [*users, *entrants]:
        click.echo(f"{user.role} {user.email} {demo_data.DEMO_PASSWORD}")


@entries_cli.command("import")
@click.option("--contest", "slug", required=True)
@click.option("--unit", "unit_code", required=True)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
def import_entries(slug: str, unit_code: str, csv_file: str) -> None:
    """Import entries collected on paper or by e-mail; one bad row imports nothing."""
    contest = get_contest(slug)
    round_ = get_unit_round(contest, unit_code)
    base = os.path.dirname(os.path.abspath(csv_file))
    errors: list[str] = []
    imported = 0
    with open(csv_file, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise click.ClickException("Tệp CSV thiếu cột: " + ", ".join(missing))
        for line, row in enumerate(reader, start=2):
            try:
                _import_row(contest, round_, base, row)
                imported += 1
            except (DomainError, IntakeError, OSError) as error:
                errors.append(f"Dòng {line}: {error}")
            # Keep going, to report every bad row at once.
    if errors:
        db.session.rollback()
        for message in errors:
            click.echo(message, err=True)
        raise click.ClickException(f"Có {len(errors)} dòng lỗi; không bài nào trong tệp được nhập.")
    db.session.commit()
    click.echo(f"Đã nhập {imported} bài vào vòng {round_.unit.name}.")


def _import_row(contest: Contest, round_: Round, base: str, row: dict) -> None:
    with db.session.begin_nested():
        unit = db.session.scalar(
            select(Unit).where(Unit.code == (row["author_unit"] or "").strip())
        )
        if unit is None or not unit.is_within(round_.unit):
            raise DomainError(
                f"đơn vị tác giả «{row['author_unit']}» không thuộc {round_.unit.name}."
            )
        path = os.path.normpath(os.path.join(base, row["file"] or ""))
        if not row["file"] or not os.path.isfile(path):
            raise DomainError(f"không tìm thấy tệp «{row['file']}».")
        with open(path, "rb") as fh:
            data = fh.read()
        essay = extract_upload(
            os.path.basename(path),
            data,
            current_app.config["MAX_UPLOAD_BYTES"],
            current_app.config["PANDOC_TIMEOUT_SECONDS"],
        )
        author = find_or_create_author(
            db.session,
            full_name=row["author_name"] or "",
            phone=row["author_phone"],
            email=row["author_email"],
            unit=unit,
        )
        create_entry(
            db.session,
            contest=contest,
            author=author,
            author_unit=unit,
            title=row["title"] or "",
            subject=Subject(
                row["subject_name"] or "",
                "",
                row["subject_kind"] or "",
                (row["subject_category"] or "").strip(),
            ),
            essay=essay,
            original=(os.path.basename(path), data),
            declarations_accepted=True,
            now=utcnow(),
            submit=True,
            entered_by=None,
        )


@rounds_cli.command("forward")
@click.option("--contest", "slug", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--all", "forward_all", is_flag=True, help="Gửi tất cả bài đang chờ.")
@click.option("--entries", "entry_ids", help="Mã các bài, cách nhau bằng dấu phẩy.")
def forward_command(slug: str, unit_code: str, forward_all: bool, entry_ids: str | None) -> None:
    """Send a unit round's entries up to its parent round, within the quota."""
    if forward_all == bool(entry_ids):
        raise click.UsageError("Chọn một trong hai: --all hoặc --entries ID,ID.")
    contest = get_contest(slug)
    round_ = get_unit_round(contest, unit_code)
    ids = None
    if entry_ids:
        try:
            ids = [int(part) for part in entry_ids.split(",") if part.strip()]
        except ValueError as exc:
            raise click.UsageError("--entries cần các số, cách nhau bằng dấu phẩy.") from exc
    with command_unit_of_work() as uow:
        result = forward_round(
            uow.session, round_, None, utcnow(), entry_ids=ids, forward_all=forward_all
        )
    click.echo(
        f"Đã gửi {len(result.forwarded)} bài lên {round_.parent.unit.name}; "
        f"{len(result.not_selected)} bài không được chọn."
    )


@contest_cli.command("status")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
def status_command(slug: str, as_json: bool) -> None:
    """Entries per state and per unit."""
    status = contest_status(db.session, get_contest(slug))
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False))
        return
    click.echo(f"{slug}: {status['entries_total']} bài, giai đoạn {status['phase']}")
    for state, count in sorted(status["entries_by_state"].items()):
        click.echo(f"  {state}: {count}")
    for code, row in status["entries_by_unit"].items():
        states = ", ".join(f"{k} {v}" for k, v in sorted(row["states"].items()))
        click.echo(f"  {code} {row['name']}: {states}")
    if status["rounds_not_forwarded"]:
        click.echo(
            "Chưa gửi kết quả: " + ", ".join(r["unit"] for r in status["rounds_not_forwarded"])
        )
    sys.stdout.flush()


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(entries_cli)
    app.cli.add_command(rounds_cli)
    app.cli.add_command(contest_cli)
