"""Operator commands: demo, entries import, rounds forward, contest status, backup (the
audit log's own commands are in `contest.platform.audit_cli`)."""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from contest import demo as demo_data
from contest import signals
from contest.documents import office
from contest.documents.intake import extract_upload
from contest.lifecycles import ROLE_LABELS, ContestPhase, EntryState, Role
from contest.models import Contest, Entry, Round, User
from contest.platform import backup
from contest.platform.audit_cli import audit_cli
from contest.platform.config import setting
from contest.platform.db import db, migrate, utcnow
from contest.platform.errors import BackupError, DomainError, IntakeError, InvalidInput
from contest.platform.jobs import app_runner
from contest.platform.storage import FileStore, file_store
from contest.platform.uow import UnitOfWork, unit_of_work
from contest.services.accounts import find_or_create_author
from contest.services.entries import Subject, create_entry
from contest.services.forwarding import forward_round
from contest.services.queries import contest_status, find_unit, find_unit_round

IMPORT_COLUMNS = ("author_name", "author_phone", "author_email", "author_unit", "title",
                  "subject_name", "subject_kind", "subject_category", "file")  # fmt: skip

entries_cli = AppGroup("entries", help="Bài dự thi.")
rounds_cli = AppGroup("rounds", help="Vòng thi của các đơn vị.")
contest_cli = AppGroup("contest", help="Cuộc thi.")
backup_cli = AppGroup("backup", help="Sao lưu và khôi phục.")


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
        raise click.ClickException(_("Không có cuộc thi «%(slug)s».", slug=slug))
    return contest


def get_unit_round(contest: Contest, code: str) -> Round:
    """The round of unit `code` (codes are case-blind: `mch` is `MCH`)."""
    round_ = find_unit_round(db.session, contest, code)
    if round_ is None:
        raise click.ClickException(
            _("Đơn vị «%(code)s» không có vòng thi trong cuộc thi này.", code=code)
        )
    return round_


def run_package_stages(contest: Contest, seed: int, through: str, files: FileStore) -> None:
    """What judging and the anthology add to each demo stage up to `through` (connected to
    `signals.demo_stages`), each step in a unit of work of its own."""
    packages = signals.demo_stage_handlers()
    for stage in demo_data.STAGES[: demo_data.STAGES.index(through) + 1]:
        for handlers in packages:
            if stage in handlers:
                with command_unit_of_work():
                    handlers[stage](contest, seed, files)


@click.command("demo")
@click.option(
    "--seed", default=demo_data.DEFAULT_SEED, show_default=True, help="Hạt giống ngẫu nhiên."
)
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
    """Load the demo contest and print the demo accounts: role login password.

    The core's part commits first; each stage that judging adds commits on its own."""
    if db.session.scalar(select(func.count(Contest.id))):
        if not if_empty:
            raise click.ClickException(
                _("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
            )
        click.echo(_("Cơ sở dữ liệu đã có dữ liệu mẫu. Tài khoản mẫu:"))
        _print_accounts()
        return
    files = file_store()
    with command_unit_of_work() as uow:
        contest, _accounts = demo_data.load_demo(
            uow.session, files, seed=seed, entries=entries, now=utcnow(), through=through
        )
    run_package_stages(contest, seed, through, files)
    click.echo(
        _(
            "Đã nạp dữ liệu mẫu «%(slug)s» tới giai đoạn «%(stage)s».",
            slug=contest.slug,
            stage=through,
        )
    )
    _print_accounts()


def _print_accounts() -> None:
    """One account per line, `role | login | password | unit`, the role in words, and which
    unit organisers still have a round open (where a paper entry can still be added)."""
    roles = ROLE_LABELS
    closed = {}  # rounds not sent up that take no essays any more (their judging began …)
    for contest in db.session.scalars(select(Contest)):
        closed.update(signals.intake_closures(contest))
    open_units = {
        r.unit_id: r.id not in closed for r in db.session.scalars(select(Round)) if not r.closed_at
    }
    for user, password in demo_data.account_lines(db.session):
        unit = user.unit.name if user.unit else ""
        if user.role == Role.UNIT_ORGANISER and user.unit_id in open_units:
            still_open = _("(vòng thi còn mở)")
            unit += " " + (still_open if open_units[user.unit_id] else _("(không nhận thêm bài)"))
        click.echo(f"{roles[user.role]} | {user.email} | {password} | {unit}")


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
    imported: list[Entry] = []
    with command_unit_of_work() as uow, open(csv_file, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise click.ClickException(
                _("Tệp CSV thiếu cột: %(columns)s", columns=", ".join(missing))
            )
        for line, row in enumerate(reader, start=2):
            try:
                with uow.session.begin_nested():
                    imported.append(_import_row(uow.session, contest, round_, base, row))
            except (DomainError, IntakeError, OSError) as error:
                # Keep going, to report every bad row at once.
                errors.append(_("Dòng %(line)d: %(error)s", line=line, error=str(error)))
        if errors:
            for message in errors:
                click.echo(message, err=True)
            # Raised inside the unit of work: the rows that did go in are rolled back too.
            raise click.ClickException(
                _("Có %(n)d dòng lỗi; không bài nào trong tệp được nhập.", n=len(errors))
            )
    for entry in imported:
        click.echo(f"id={entry.id}")
    click.echo(
        _("Đã nhập %(n)d bài vào vòng %(unit)s.", n=len(imported), unit=round_.unit.name),
        err=True,
    )


@entries_cli.command("text")
@click.argument("entry_id", type=int)
def entry_text(entry_id: int) -> None:
    """The stored text of an entry (Markdown, NFC): what the judges' copy is made from."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise click.ClickException(_("Không có bài số %(id)d.", id=entry_id))
    click.echo(entry.body_markdown, nl=False)


def _import_row(session: Session, contest: Contest, round_: Round, base: str, row: dict) -> Entry:
    unit = find_unit(session, row["author_unit"] or "")
    if unit is None or not unit.is_within(round_.unit):
        raise InvalidInput(
            _l(
                "đơn vị tác giả «%(unit)s» không thuộc %(round)s.",
                unit=row["author_unit"],
                round=round_.unit.name,
            )
        )
    path = os.path.normpath(os.path.join(base, row["file"] or ""))
    if not row["file"] or not os.path.isfile(path):
        raise InvalidInput(_l("không tìm thấy tệp «%(file)s».", file=row["file"]))
    with open(path, "rb") as fh:
        data = fh.read()
    essay = extract_upload(
        os.path.basename(path),
        data,
        setting("MAX_UPLOAD_BYTES"),
        setting("INTAKE_SECONDS"),
        office.converter_through(app_runner()),
    )
    author = find_or_create_author(
        session,
        full_name=row["author_name"] or "",
        phone=row["author_phone"],
        email=row["author_email"],
        unit=unit,
    )
    return create_entry(
        session,
        files=file_store(),
        contest=contest,
        author=author,
        author_unit=unit,
        title=row["title"] or "",
        subject=Subject(
            row["subject_name"] or "",
            row.get("subject_address") or "",
            row["subject_kind"] or "",
            (row["subject_category"] or "").strip(),
        ),
        essay=essay,
        original=(os.path.basename(path), data),
        declarations_accepted=True,
        now=utcnow(),
        submit=True,
        paper=True,
    )


@rounds_cli.command("forward")
@click.option("--contest", "slug", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--all", "forward_all", is_flag=True, help="Gửi tất cả bài đang chờ.")
@click.option("--entries", "entry_ids", help="Mã các bài, cách nhau bằng dấu phẩy.")
@click.option(
    "--by-results",
    is_flag=True,
    help="Theo kết quả chấm riêng của đơn vị, như trang gửi bài (đề xuất trong chỉ tiêu, "
    "hoặc các bài ghi ở --entries kèm --reason).",
)
@click.option("--reason", default="", help="Lý do, khi gửi khác với đề xuất theo kết quả chấm.")
def forward_command(
    slug: str,
    unit_code: str,
    forward_all: bool,
    entry_ids: str | None,
    by_results: bool,
    reason: str,
) -> None:
    """Send a unit round's entries up to its parent round, within the quota: the ticked ones
    chosen by --all or --entries, or (--by-results) by the unit's own judging's ranking."""
    if by_results and forward_all:
        raise click.UsageError(_("--by-results không đi cùng --all."))
    if not by_results and forward_all == bool(entry_ids):
        raise click.UsageError(_("Chọn một trong hai: --all hoặc --entries ID,ID."))
    if reason and not by_results:
        raise click.UsageError(_("--reason chỉ dùng với --by-results."))
    contest = get_contest(slug)
    round_ = get_unit_round(contest, unit_code)
    ids = None
    if entry_ids:
        try:
            ids = [int(part) for part in entry_ids.split(",") if part.strip()]
        except ValueError as exc:
            raise click.UsageError(_("--entries cần các số, cách nhau bằng dấu phẩy.")) from exc
    if by_results:
        _forward_by_results(round_, ids, reason)
        return
    with command_unit_of_work() as uow:
        result = forward_round(
            uow.session, round_, None, utcnow(), entry_ids=ids, forward_all=forward_all
        )
    click.echo(
        _(
            "Đã gửi %(n)d bài lên %(parent)s; %(rest)d bài không được chọn.",
            n=len(result.forwarded),
            parent=round_.parent.unit.name,
            rest=len(result.not_selected),
        )
    )


def _forward_by_results(round_: Round, ids: list[int] | None, reason: str) -> None:
    """The forward page's way, through the service the package judging the round gave."""
    handler = signals.forward_way("by-results")
    if handler is None:
        raise click.ClickException(_("Không có cách gửi theo kết quả chấm trong ứng dụng này."))
    with command_unit_of_work() as uow:
        result = handler(uow.session, round_, None, utcnow(), ids, reason)
    click.echo(
        _(
            "Đã gửi %(n)d bài và %(p)d hồ sơ lên %(unit)s theo kết quả chấm.",
            n=len(result.forwarded),
            p=len(result.profiles),
            unit=round_.parent.unit.name,
        )
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
    click.echo(
        _(
            "%(slug)s: %(n)d bài, giai đoạn %(phase)s",
            slug=slug,
            n=status["entries_total"],
            phase=ContestPhase(status["phase"]).label,
        )
    )
    # The JSON keeps the states' codes (for scripts); people read them in words.
    for state, count in sorted(status["entries_by_state"].items()):
        click.echo(f"  {EntryState(state).label}: {count}")
    for code, row in status["entries_by_unit"].items():
        states = ", ".join(f"{EntryState(k).label} {v}" for k, v in sorted(row["states"].items()))
        click.echo(f"  {code} {row['name']}: {states}")
    if status["rounds_not_forwarded"]:
        click.echo(
            _(
                "Chưa gửi kết quả: %(units)s",
                units=", ".join(r["unit"] for r in status["rounds_not_forwarded"]),
            )
        )
    sys.stdout.flush()


def _database_url() -> str:
    """The URL the engine really uses (Flask-SQLAlchemy resolves a relative SQLite path)."""
    return db.engine.url.render_as_string(hide_password=False)


@backup_cli.command("create")
@click.option(
    "--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Tệp sao lưu."
)
def backup_create_command(out_path: str) -> None:
    """Back up the database and every stored file into one .tar.gz (mode 0600), written
    whole or not at all. Safe while the app is running."""
    started = time.monotonic()
    try:
        manifest = backup.create_backup(
            _database_url(), current_app.config["STORAGE_DIR"], out_path
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _(
            "Đã sao lưu vào %(path)s: cơ sở dữ liệu %(kind)s (phiên bản %(revision)s), "
            "%(files)d tệp lưu trữ; %(mb).1f MB, %(seconds).1f giây.",
            path=out_path,
            kind=manifest.database_kind,
            revision=manifest.alembic_revision or "—",
            files=len(manifest.storage_members),
            mb=os.path.getsize(out_path) / 1e6,
            seconds=time.monotonic() - started,
        )
    )


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Thay cả khi nơi khôi phục đã có dữ liệu.")
def backup_restore_command(archive: str, force: bool) -> None:
    """Restore a backup into this instance: refused unless the archive verifies, and, without
    --force, unless the instance is empty. An older backup is migrated up to this code.

    Stop the web server first: its open connections would keep the old data."""
    script = ScriptDirectory.from_config(migrate.get_config())
    head = script.get_current_head()
    url = _database_url()
    db.session.remove()
    db.engine.dispose()
    try:
        manifest = backup.restore_backup(
            archive,
            url,
            current_app.config["STORAGE_DIR"],
            known_revisions={r.revision for r in script.walk_revisions()},
            force=force,
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if manifest.alembic_revision != head:
        upgrade()
        click.echo(
            _(
                "Đã nâng cơ sở dữ liệu từ phiên bản %(old)s lên %(head)s.",
                old=manifest.alembic_revision or "—",
                head=head,
            )
        )
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    if revision != head:
        raise click.ClickException(
            _("Cơ sở dữ liệu ở phiên bản %(revision)s, cần %(head)s.", revision=revision, head=head)
        )
    click.echo(
        _(
            "Đã khôi phục bản sao lưu lúc %(created_at)s: %(contests)d cuộc thi, %(users)d tài "
            "khoản, %(entries)d bài, %(files)d tệp lưu trữ.",
            created_at=manifest.created_at,
            contests=db.session.scalar(select(func.count(Contest.id))),
            users=db.session.scalar(select(func.count(User.id))),
            entries=db.session.scalar(select(func.count(Entry.id))),
            files=len(manifest.storage_members),
        )
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(entries_cli)
    app.cli.add_command(rounds_cli)
    app.cli.add_command(contest_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(audit_cli)
