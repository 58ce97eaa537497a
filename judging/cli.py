"""Operator commands: judging open/status/finalise, results export."""

from __future__ import annotations

import json
import os

import click
from flask import Flask
from flask.cli import AppGroup

from contest.cli import get_contest
from contest.db import db, utcnow
from contest.errors import DomainError
from judging import export, services
from judging.errors import LeaksUnresolved

judging_cli = AppGroup("judging", help="Chấm thi cấp tỉnh.")
results_cli = AppGroup("results", help="Kết quả.")


@judging_cli.command("open")
@click.argument("slug")
def open_command(slug: str) -> None:
    """Leak scan, blind codes, assignment and release of the current stage."""
    contest = get_contest(slug)
    stage = services.current_stage(db.session, contest)
    if stage is None:
        raise click.ClickException("Cuộc thi chưa có vòng chấm (thang điểm, hội đồng).")
    try:
        made = services.open_stage(db.session, stage, None, utcnow())
        services.release_assignments(db.session, stage, None, utcnow())
    except LeaksUnresolved as error:
        db.session.rollback()
        services.prepare_blind_copies(db.session, contest, None)
        db.session.commit()
        for flag in services.open_flags(db.session, contest):
            code = services.code_of_entry(db.session, flag.entry_id)
            click.echo(f"{code}\t{flag.kind}\t{flag.snippet}", err=True)
        raise click.ClickException(str(error)) from error
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Đã mở «{stage.name}»: {made} lượt chấm đã giao cho "
        f"{len(services.active_members(stage))} giám khảo."
    )


@judging_cli.command("status")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
def status_command(slug: str, as_json: bool) -> None:
    """Stage, progress per judge, results waiting for a rule."""
    contest = get_contest(slug)
    stage = services.current_stage(db.session, contest)
    results = services.stage_results(db.session, stage) if stage else []
    status = {
        "contest": contest.slug,
        "phase": contest.phase,
        "stage": stage.name if stage else None,
        "stage_state": stage.state if stage else None,
        "open_flags": len(services.open_flags(db.session, contest)),
        "entries": len(results),
        "results_by_state": _count(r.result.state for r in results),
        "third_judges": sum(
            1 for r in results if len(r.totals) > (stage.judges_per_entry if stage else 2)
        ),
        "judges": [
            {k: v for k, v in p.items() if k != "judge_id"}
            for p in (services.progress(db.session, stage) if stage else [])
        ],
    }
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False))
        return
    click.echo(f"{slug}: {status['phase']}, {status['stage']} ({status['stage_state']})")
    click.echo(f"  bài: {status['entries']}, cảnh báo chưa xử lý: {status['open_flags']}")
    for state, count in sorted(status["results_by_state"].items()):
        click.echo(f"  {state}: {count}")
    for judge in status["judges"]:
        click.echo(f"  {judge['name']}: {judge['submitted']}/{judge['assigned']}")


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


@judging_cli.command("finalise")
@click.argument("slug")
@click.option(
    "--share-ties",
    "share_reason",
    metavar="REASON",
    help="Đồng giải mọi trường hợp đồng điểm ở ranh giới giải, với lý do này.",
)
def finalise_command(slug: str, share_reason: str | None) -> None:
    """Lock scores and prizes, rejoin codes to names."""
    contest = get_contest(slug)
    try:
        if share_reason:
            services.share_all_ties(db.session, contest, None, share_reason)
        prizes = services.finalise(db.session, contest, None, utcnow())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Đã công bố kết quả «{slug}»: {prizes} giải.")


@results_cli.command("export")
@click.argument("slug")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def export_command(slug: str, out: str) -> None:
    """Write the results to FILE.xlsx or FILE.csv."""
    contest = get_contest(slug)
    extension = os.path.splitext(out)[1].lower()
    if extension not in (".xlsx", ".csv"):
        raise click.UsageError("--out phải là tệp .xlsx hoặc .csv")
    if services.final_stage(db.session, contest) is None:
        raise click.ClickException("Cuộc thi chưa có vòng chấm.")
    data = services.export_data(db.session, contest)
    body = export.to_xlsx(data) if extension == ".xlsx" else export.to_csv(data)
    with open(out, "wb") as fh:
        fh.write(body)
    click.echo(out)


def init_app(app: Flask) -> None:
    app.cli.add_command(judging_cli)
    app.cli.add_command(results_cli)
