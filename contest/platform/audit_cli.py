"""`flask --app wsgi audit verify`: walk the audit log's hash chain and name the first row
that does not hold (exit status 1), or say the chain is whole and print its head."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from contest.platform.audit import missing_guards, verify_chain
from contest.platform.audit_chain import Fault
from contest.platform.db import db

audit_cli = AppGroup("audit", help="Nhật ký thao tác.")

# What is wrong with the first broken row, after the row before it (`previous`) or, for the
# first row still there, at the head of the log (key None).
FAULT_MESSAGES = {
    (Fault.CONTENT_CHANGED, True): _l("nội dung dòng đã bị sửa sau khi ghi"),
    (Fault.CONTENT_CHANGED, False): _l("nội dung dòng đã bị sửa sau khi ghi"),
    (Fault.ROWS_MISSING, True): _l("thiếu dòng giữa dòng %(previous)s và dòng này"),
    (Fault.ROWS_MISSING, False): _l("thiếu các dòng đầu nhật ký, trước dòng này"),
    (Fault.LINK_BROKEN, True): _l("dòng không nối tiếp dòng %(previous)s (liên kết bị đứt)"),
    (Fault.LINK_BROKEN, False): _l("dòng đầu nhật ký không bắt đầu chuỗi (liên kết bị đứt)"),
}


@audit_cli.command("verify")
@click.option("--json", "as_json", is_flag=True)
def audit_verify_command(as_json: bool) -> None:
    """Walk the audit log's hash chain; exit status 1 at the first row that does not hold, or
    when the triggers that keep the log append-only are gone."""
    missing = missing_guards(db.session)
    if missing:
        raise click.ClickException(
            _(
                "Cơ sở dữ liệu không còn chặn việc sửa, xóa nhật ký (thiếu trigger: %(names)s). "
                "Chạy lại `flask --app wsgi db upgrade` hoặc khôi phục từ bản sao lưu tin cậy.",
                names=", ".join(missing),
            )
        )
    verdict = verify_chain(db.session)
    broken = verdict.broken
    if as_json:
        click.echo(
            json.dumps(
                {
                    "rows": verdict.rows,
                    "intact": broken is None,
                    "head": verdict.head,
                    "broken": None
                    if broken is None
                    else {
                        "id": broken.id,
                        "created_at": broken.created_at.isoformat(),
                        "fault": str(broken.fault),
                        "previous_id": broken.previous_id,
                    },
                },
                ensure_ascii=False,
            )
        )
        if broken is not None:
            sys.exit(1)
        return
    if broken is None:
        click.echo(_("%(n)d dòng, chuỗi nguyên vẹn", n=verdict.rows))
        click.echo(_("Mã cuối chuỗi: %(hash)s", hash=verdict.head))
        return
    fault = FAULT_MESSAGES[broken.fault, broken.previous_id is not None]
    raise click.ClickException(
        _(
            "Dòng %(id)d (%(time)s): %(fault)s",
            id=broken.id,
            time=broken.created_at.isoformat(sep=" ", timespec="seconds"),
            fault=str(fault) % {"previous": broken.previous_id},
        )
    )
