"""Results exports (XLSX through openpyxl, or CSV): a sheet of results and a sheet of every
judge's criterion scores. Names appear only after finalisation."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

RESULT_HEADERS = [
    "Mã phách",
    "Hạng",
    "Giải",
    "Điểm chính thức",
    "Điểm hiệu chỉnh (tham khảo)",
    "Tên bài",
    "Tác giả",
    "Đơn vị",
]


@dataclass
class ExportData:
    results: list[list]
    criteria: list[str]
    judge_rows: list[list]


def judge_headers(criteria: list[str]) -> list[str]:
    return ["Mã phách", "Giám khảo", *criteria, "Tổng"]


def to_xlsx(data: ExportData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append(RESULT_HEADERS)
    for row in data.results:
        sheet.append(row)
    judges = workbook.create_sheet("Điểm giám khảo")
    judges.append(judge_headers(data.criteria))
    for row in data.judge_rows:
        judges.append(row)
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
    writer.writerow(RESULT_HEADERS)
    writer.writerows(data.results)
    writer.writerow([])
    writer.writerow(judge_headers(data.criteria))
    writer.writerows(data.judge_rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
