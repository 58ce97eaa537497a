"""Results exports (XLSX through openpyxl, or CSV): a sheet of results and a sheet of every
judge's criterion scores. Names appear only after finalisation."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contest.platform.spreadsheets import append_as_data, csv_safe


def result_headers() -> list[str]:
    return [
        _("Mã phách"),
        _("Hạng"),
        _("Giải"),
        _("Điểm chính thức"),
        _("Điểm hiệu chỉnh (tham khảo)"),
        _("Tên bài"),
        _("Tác giả"),
        _("Đơn vị"),
        _("Phân định bài bằng điểm"),
    ]


@dataclass
class ExportData:
    results: list[list]
    criteria: list[str]
    judge_rows: list[list]


def judge_headers(criteria: list[str]) -> list[str]:
    return [_("Mã phách"), _("Giám khảo"), *criteria, _("Tổng")]


def to_xlsx(data: ExportData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Kết quả")
    sheet.append(result_headers())
    for row in data.results:
        append_as_data(sheet, row)
    judges = workbook.create_sheet(_("Điểm giám khảo"))
    append_as_data(judges, judge_headers(data.criteria))
    for row in data.judge_rows:
        append_as_data(judges, row)
    for ws in (sheet, judges):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    workbook.properties.creator = "Gương Sáng"
    workbook.properties.lastModifiedBy = "Gương Sáng"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(data: ExportData) -> bytes:
    """CSV holds one table: the results, then a blank line, then the judges' scores."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(result_headers())
    writer.writerows([csv_safe(v) for v in row] for row in data.results)
    writer.writerow([])
    writer.writerow([csv_safe(v) for v in judge_headers(data.criteria)])
    writer.writerows([csv_safe(v) for v in row] for row in data.judge_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
