"""Operator commands: judging open/status/finalise (the province's, or with `--unit CODE` a
unit round's own judging), results export. Each change runs in one command unit of work (a
refused rule rolls everything back and becomes the error)."""

from __future__ import annotations

import json
import os

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from contest.cli import command_unit_of_work, get_contest, get_unit_round
from contest.lifecycles import ContestPhase
from contest.models import Contest, Round, User
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.platform.uow import end_reads
from contest.services.accounts import find_user_by_login
from judging import export
from judging.services import (
    assigning,
    blinding,
    lifecycle,
    panel,
    prizes,
    reports,
    stages,
    units,
)
from judging.states import ResultState, StageState, UnitJudgingState

judging_cli = AppGroup("judging", help="Chấm thi cấp tỉnh.")
results_cli = AppGroup("results", help="Kết quả.")

unit_option = click.option(
    "--unit",
    "unit_code",
    metavar="CODE",
    help="Vòng chấm riêng của đơn vị này (bỏ trống: chấm cấp tỉnh).",
)


def _scope(contest: Contest, unit_code: str | None) -> Round | None:
    """The unit round whose own judging the command acts on; None for the province's."""
    if unit_code is None:
        return None
    round_ = get_unit_round(contest, unit_code)
    if stages.unit_judging(db.session, round_.id) is None:
        raise click.ClickException(_("%(unit)s chưa bật chấm thi riêng.", unit=round_.unit.name))
    return round_


@judging_cli.command("open")
@click.argument("slug")
@unit_option
def open_command(slug: str, unit_code: str | None) -> None:
    """Leak scan, blind codes, assignment and release of the current stage."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    round_id = round_.id if round_ is not None else None
    stage = stages.current_stage(db.session, contest, round_id)
    if stage is None:
        raise click.ClickException(_("Cuộc thi chưa có vòng chấm (thang điểm, hội đồng)."))
    files = file_store()
    if stage.position == 1:
        # The copies are made while only reading, then stored; codes and flags are kept even
        # when opening is refused: the organiser settles them.
        prepared = blinding.prepare_outside(db.session, files, contest, round_)
        end_reads(db.session)
        with command_unit_of_work() as uow:
            blinding.prepare_blind_copies(uow.session, files, contest, None, round_, prepared)
        for flag in blinding.open_flags(db.session, contest, round_id):
            code = blinding.code_of_entry(db.session, flag.entry_id, round_id)
            click.echo(f"{code}\t{flag.kind}\t{flag.snippet}", err=True)
    with command_unit_of_work() as uow:
        made = assigning.open_stage(uow.session, files, stage, None)
        assigning.release_assignments(uow.session, stage, None, utcnow())
    click.echo(
        _(
            "Đã mở «%(stage)s»: %(made)s lượt chấm đã giao cho %(judges)s giám khảo.",
            stage=stage.name,
            made=made,
            judges=len(stage.active_members),
        )
    )


def _judge_accounts(emails: str | None) -> list[User]:
    """The accounts named in a comma-separated list of e-mails (any unknown one: refused)."""
    found = []
    for email in (e.strip() for e in (emails or "").split(",") if e.strip()):
        user = find_user_by_login(db.session, email)
        if user is None:
            raise click.ClickException(_("Không có tài khoản «%(login)s».", login=email))
        found.append(user)
    return found


@judging_cli.command("jury")
@click.argument("slug")
@unit_option
@click.option("--add", "to_add", metavar="EMAIL[,EMAIL…]", help="Giám khảo đưa vào hội đồng.")
@click.option("--head", "head", metavar="EMAIL", help="Trưởng ban giám khảo.")
@click.option(
    "--remove", "to_remove", metavar="EMAIL[,EMAIL…]", help="Giám khảo rút khỏi hội đồng."
)
def jury_command(
    slug: str, unit_code: str | None, to_add: str | None, head: str | None, to_remove: str | None
) -> None:
    """Set the current stage's panel: add judges, name the head judge, withdraw judges (their
    unscored entries go to others); then print the panel."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    stage = stages.current_stage(db.session, contest, round_.id if round_ else None)
    if stage is None:
        raise click.ClickException(_("Cuộc thi chưa có vòng chấm (thang điểm, hội đồng)."))
    with command_unit_of_work() as uow:
        for judge in _judge_accounts(to_add):
            panel.add_judge(uow.session, stage, judge)
        if head:
            panel.set_head_judge(uow.session, stage, _judge_accounts(head)[0])
        for judge in _judge_accounts(to_remove):
            panel.withdraw_judge(uow.session, stage, judge, None)
    for member in panel.members(db.session, stage):
        state = _(" (đã rút)") if member.is_withdrawn else ""
        click.echo(f"{member.judge.email or member.judge.phone}\t{member.judge.full_name}{state}")
    if stage.head_judge is not None:
        click.echo(_("Trưởng ban: %(name)s", name=stage.head_judge.full_name))


@judging_cli.command("status")
@click.argument("slug")
@unit_option
@click.option("--json", "as_json", is_flag=True)
def status_command(slug: str, unit_code: str | None, as_json: bool) -> None:
    """Stage, progress per judge, results waiting for a rule. With --unit the same shape,
    its phase being the unit judging's state ("on" or "finalised")."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    status = reports.judging_status(db.session, contest, round_)
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False))
        return
    # The JSON keeps the states' codes (for scripts); people read them in words.
    phase = (ContestPhase if round_ is None else UnitJudgingState)(status["phase"])
    stage_state = StageState(status["stage_state"]).label if status["stage_state"] else None
    click.echo(f"{slug}: {phase.label}, {status['stage']} ({stage_state})")
    click.echo(
        _(
            "  bài: %(entries)s, cảnh báo chưa xử lý: %(flags)s",
            entries=status["entries"],
            flags=status["open_flags"],
        )
    )
    for state, count in sorted(status["results_by_state"].items()):
        click.echo(f"  {ResultState(state).label}: {count}")
    for judge in status["judges"]:
        click.echo(f"  {judge['name']}: {judge['submitted']}/{judge['assigned']}")


@judging_cli.command("forward")
@click.argument("slug")
@click.option("--unit", "unit_code", required=True, metavar="CODE", help="Đơn vị đã tự chấm.")
@click.option(
    "--entries",
    "entry_list",
    default=None,
    help="Số bài (id) gửi lên, cách nhau bởi dấu phẩy; bỏ trống: theo đề xuất của kết quả chấm.",
)
@click.option("--reason", default="", help="Lý do, khi danh sách khác với đề xuất.")
def forward_command(slug: str, unit_code: str, entry_list: str | None, reason: str) -> None:
    """Send a unit's entries up by its own judging's results, as its forward page does: the
    proposal within the quota, or the entries named (another choice needs --reason). A tie
    at the quota's cut is the organiser's to settle, never the command's."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    chosen = None  # the proposal; a tie at the cut is refused by the service
    if entry_list is not None:
        try:
            chosen = [int(part) for part in entry_list.split(",") if part.strip()]
        except ValueError as error:
            message = _("--entries: các số bài cách nhau bởi dấu phẩy.")
            raise click.ClickException(message) from error
    with command_unit_of_work() as uow:
        result = units.forward_by_results(uow.session, round_, None, utcnow(), chosen, reason)
    click.echo(
        _(
            "Đã gửi %(n)d bài và %(p)d hồ sơ lên %(unit)s theo kết quả chấm.",
            n=len(result.forwarded),
            p=len(result.profiles),
            unit=round_.parent.unit.name,
        )
    )


@judging_cli.command("finalise")
@click.argument("slug")
@unit_option
@click.option(
    "--share-ties",
    "share_reason",
    metavar="REASON",
    help="Đồng giải mọi trường hợp đồng điểm ở ranh giới giải, với lý do này.",
)
def finalise_command(slug: str, unit_code: str | None, share_reason: str | None) -> None:
    """Lock scores and prizes, rejoin codes to names (for a unit: its key opens to it)."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    with command_unit_of_work() as uow:
        if share_reason:
            prizes.share_all_ties(
                uow.session, contest, None, share_reason, round_.id if round_ else None
            )
        if round_ is None:
            given = lifecycle.finalise(uow.session, contest, None, utcnow())
        else:
            given = units.finalise_unit(uow.session, round_, None, utcnow())
    if round_ is not None:
        click.echo(
            _("Đã công bố kết quả chấm của %(unit)s: %(n)s giải.", unit=round_.unit.name, n=given)
        )
        return
    click.echo(_("Đã chốt kết quả «%(slug)s»: %(n)s giải.", slug=slug, n=given))


@results_cli.command("export")
@click.argument("slug")
@unit_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def export_command(slug: str, unit_code: str | None, out: str) -> None:
    """Write the results to FILE.xlsx or FILE.csv (with --unit: that unit's judging's)."""
    contest = get_contest(slug)
    round_ = _scope(contest, unit_code)
    round_id = round_.id if round_ is not None else None
    extension = os.path.splitext(out)[1].lower()
    if extension not in (".xlsx", ".csv"):
        raise click.UsageError(_("--out phải là tệp .xlsx hoặc .csv"))
    if stages.final_stage(db.session, contest, round_id) is None:
        raise click.ClickException(_("Cuộc thi chưa có vòng chấm."))
    data = reports.export_data(db.session, contest, round_id)
    body = export.to_xlsx(data) if extension == ".xlsx" else export.to_csv(data)
    with open(out, "wb") as fh:
        fh.write(body)
    click.echo(out)


def init_app(app: Flask) -> None:
    app.cli.add_command(judging_cli)
    app.cli.add_command(results_cli)
