"""The operator's commands for what a province sets up: accounts (`flask users …`) and, with
them, the first province organiser, who can come from nowhere else; the unit tree (`flask
units …`); a contest from its file (`flask contest export | create | publish`).

Each command is one unit of work over the same services as the pages."""

from __future__ import annotations

import json
import os
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from contest import signals
from contest.cli import command_unit_of_work, contest_cli, get_contest
from contest.models import Unit, User
from contest.platform import passwords
from contest.platform.db import db, utcnow
from contest.platform.spreadsheets import MAX_TABLE_BYTES
from contest.services import (
    accounts,
    contest_file,
    password_help,
    publishing,
    reminders,
    units,
)
from contest.services.accounts import STAFF_ROLE_VALUES
from contest.services.notifications import password_link

users_cli = AppGroup("users", help="Tài khoản cán bộ, giám khảo (và mật khẩu của mọi người).")
units_cli = AppGroup("units", help="Cây đơn vị: tỉnh, huyện, xã, sở ngành, doanh nghiệp.")


def _read_password() -> str:
    """One line from standard input: a password never sits in the shell's history."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError(_("--password-stdin: chưa nhận được mật khẩu trên đầu vào chuẩn."))
    return password


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise click.ClickException(_("Không có đơn vị mã «%(code)s».", code=code))
    return unit


def _account(login: str) -> User:
    user = accounts.find_user_by_login(db.session, login)
    if user is None:
        raise click.ClickException(_("Không có tài khoản «%(login)s».", login=login))
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(STAFF_ROLE_VALUES), required=True)
@click.option("--name", "full_name", required=True, help="Họ và tên.")
@click.option("--unit", "unit_code", help="Mã đơn vị (bắt buộc với unit_organiser).")
@click.option("--phone", default="", help="Số điện thoại (đăng nhập bằng số cũng được).")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu ban đầu từ đầu vào chuẩn.")
def create_command(
    email: str, role: str, full_name: str, unit_code: str | None, phone: str, password_stdin: bool
) -> None:
    """Create a staff account; without --password-stdin, print a one-time link to set it."""
    password = _read_password() if password_stdin else None
    with command_unit_of_work() as uow:
        user = accounts.open_account(
            uow.session,
            None,
            full_name=full_name,
            email=email,
            phone=phone,
            role=role,
            unit=_unit(unit_code),
            password=password,
        )
    click.echo(_("Đã tạo tài khoản %(email)s (%(role)s).", email=user.email, role=role))
    if password is None:
        click.echo(
            _(
                "Gửi cho người dùng liên kết đặt mật khẩu (dùng một lần, trong %(hours)s giờ):",
                hours=passwords.INVITATION_HOURS,
            )
        )
        click.echo(password_link(user, passwords.INVITATION))


@users_cli.command("list")
@click.option("--role", type=click.Choice(["entrant", *STAFF_ROLE_VALUES]))
@click.option("--json", "as_json", is_flag=True)
def list_command(role: str | None, as_json: bool) -> None:
    """Accounts, staff first then by name: e-mail, phone, name, role, unit, active."""
    query = select(User).order_by(User.role, User.full_name, User.id)
    if role:
        query = query.where(User.role == role)
    rows = [
        {
            "email": user.email,
            "phone": user.phone,
            "name": user.full_name,
            "role": str(user.role),
            "unit": user.unit.code if user.unit else None,
            "active": user.is_active_account,
        }
        for user in db.session.scalars(query)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = "" if row["active"] else _(" (đã khóa)")
        click.echo(
            f"{row['email'] or row['phone']}\t{row['role']}\t{row['unit'] or '-'}\t"
            f"{row['name']}{state}"
        )


@users_cli.command("set-password")
@click.argument("login")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Đọc mật khẩu mới từ đầu vào chuẩn; không có: tạo một mật khẩu tạm thời và in ra.",
)
@click.option(
    "--no-force",
    is_flag=True,
    help="Với --password-stdin: không bắt đổi mật khẩu ở lần đăng nhập tới.",
)
def set_password_command(login: str, password_stdin: bool, no_force: bool) -> None:
    """Give an account found by e-mail or phone a new password (someone without e-mail):
    a generated temporary one, printed once, or one read from stdin; either must be changed
    at the next login unless --no-force."""
    if no_force and not password_stdin:
        raise click.UsageError(_("--no-force chỉ dùng cùng --password-stdin."))
    password = _read_password() if password_stdin else None
    with command_unit_of_work() as uow:
        user = _account(login)
        if password is None:
            issued = password_help.issue_temporary_password(uow.session, None, user, utcnow())
        else:
            accounts.set_password_for(uow.session, None, user, password, must_change=not no_force)
    click.echo(_("Đã đặt mật khẩu mới cho %(name)s.", name=user.full_name))
    if password is None:
        click.echo(_("Mật khẩu tạm thời (chỉ in lần này): %(password)s", password=issued))
    if not no_force:
        click.echo(_("Người dùng phải đổi mật khẩu này ở lần đăng nhập tới."))


@users_cli.command("deactivate")
@click.argument("login")
def deactivate_command(login: str) -> None:
    """Switch an account off: its sessions end at once."""
    with command_unit_of_work() as uow:
        user = _account(login)
        accounts.set_account_active(uow.session, None, user, False)
    click.echo(_("Đã khóa tài khoản %(name)s.", name=user.full_name))


def _report(done: units.UnitImport) -> None:
    click.echo(
        _(
            "Đã thêm %(created)d đơn vị, đổi tên %(renamed)d, chuyển cấp trên %(moved)d.",
            created=len(done.created),
            renamed=len(done.renamed),
            moved=len(done.moved),
        )
    )
    for user in done.organisers:
        click.echo(
            _("Tài khoản cán bộ thi đua %(email)s — liên kết đặt mật khẩu:", email=user.email)
        )
        click.echo(password_link(user, passwords.INVITATION))


@units_cli.command("load")
@click.option("--province", required=True, help="Tên tỉnh, ví dụ «Sơn La».")
@click.option(
    "--short-codes",
    is_flag=True,
    help="Mã ngắn theo tên (SL, MCH, MCH-CSO) thay cho mã thống kê (14, 123, 03985).",
)
def load_command(province: str, short_codes: bool) -> None:
    """Load a province, its district-level units and communes from the official registry
    (as before the 2025 reorganisation); units already there are kept as they are."""
    with command_unit_of_work() as uow:
        tree, done = units.load_province(uow.session, None, province, short_codes=short_codes)
    click.echo(_("%(name)s: %(n)d đơn vị trong danh mục.", name=tree[0].name, n=len(tree)))
    _report(done)


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Add or update units from a CSV or XLSX file (code,name,kind,parent_code[,organiser_email]),
    all or nothing."""
    if os.path.getsize(path) > MAX_TABLE_BYTES:
        raise click.ClickException(_("Tệp quá lớn (tối đa 5 MB)."))
    with open(path, "rb") as fh:
        data = fh.read()
    with command_unit_of_work() as uow:
        done = units.import_units(uow.session, None, units.rows_from_file(data, path))
    _report(done)


@units_cli.command("deactivate")
@click.argument("code")
@click.option("--on", "switch_on", is_flag=True, help="Dùng lại một đơn vị đã ngừng.")
def units_deactivate_command(code: str, switch_on: bool) -> None:
    """Switch a unit off (only while nothing of it was entered), or on again with --on."""
    with command_unit_of_work() as uow:
        unit = uow.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
        if unit is None:
            raise click.ClickException(_("Không có đơn vị mã «%(code)s».", code=code))
        units.set_unit_active(uow.session, None, unit, switch_on)
    click.echo(
        _("Đã dùng lại %(unit)s.", unit=unit.name)
        if switch_on
        else _("Đã ngừng %(unit)s.", unit=unit.name)
    )


@units_cli.command("list")
@click.option("--json", "as_json", is_flag=True)
def units_list_command(as_json: bool) -> None:
    """The tree, parents first: code, name, kind, parent's code."""
    rows = units.unit_rows(db.session)
    off = set(db.session.scalars(select(Unit.code).where(Unit.is_active.is_(False))))
    if as_json:
        listed = [
            {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "parent": r.parent_code or None,
                "active": r.code not in off,
            }
            for r in rows
        ]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row.code}\t{row.kind}\t{row.parent_code or '-'}\t{row.name}")


@contest_cli.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
def contest_export(slug: str, out: str) -> None:
    """Write everything that defines a contest (not its units, entries or people) as TOML."""
    text = contest_file.to_toml(contest_file.dump(db.session, get_contest(slug)))
    with open(out, "w", encoding="utf-8") as file:
        file.write(text)
    click.echo(_("Đã ghi thể lệ cuộc thi «%(slug)s» vào %(file)s.", slug=slug, file=out))


@contest_cli.command("create")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
def contest_create(path: str) -> None:
    """A draft contest from a contest file, with a round for each unit of the levels that take
    part; a bad file is refused whole, every problem named."""
    with open(path, "rb") as file:
        raw = file.read(contest_file.MAX_FILE_BYTES + 1)
    with command_unit_of_work() as uow:
        contest = contest_file.create_draft(uow.session, contest_file.parse(raw), None)
        rounds = len(contest.rounds)
    click.echo(
        _(
            "Đã tạo bản nháp «%(slug)s» với %(n)s vòng thi. Kiểm tra rồi công bố: "
            "flask --app wsgi contest publish %(slug)s",
            slug=contest.slug,
            n=rounds,
        )
    )


@contest_cli.command("publish")
@click.argument("slug")
def contest_publish(slug: str) -> None:
    """Check a draft and publish it: entrants may send from its opening day."""
    with command_unit_of_work() as uow:
        booked = publishing.publish(uow.session, get_contest(slug), None, utcnow())
    click.echo(
        _("Đã công bố cuộc thi «%(slug)s»; %(n)s hạn gửi lên được hẹn giờ.", slug=slug, n=booked)
    )


@contest_cli.command("remind")
@click.argument("slug")
def contest_remind(slug: str) -> None:
    """Send the deadline reminders due now (units that have not sent their choice up, judges
    who have not finished): what the jobs do on their own, for cron or a nudge. Each person
    is told once per deadline, however often this runs."""
    with command_unit_of_work() as uow:
        contest = get_contest(slug)
        now = utcnow()
        told = reminders.remind_units(uow.session, contest, now)
        told += signals.send_reminders(uow.session, contest, now)
    click.echo(_("Đã gửi %(n)s thư nhắc hạn.", n=told))


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(units_cli)
