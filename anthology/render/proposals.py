"""The list of exemplars the board proposes for the chairman's certificate of merit: a paper
in Decree 30's form (DOCX) and the same rows as a sheet (XLSX)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from anthology.render import decree30
from anthology.render.reports import Paper
from contest.platform.spreadsheets import append_as_data

HEADER = ["STT", "Tập thể, cá nhân", "Đơn vị", "Lĩnh vực", "Thành tích tóm tắt"]


@dataclass(frozen=True)
class Proposed:
    name: str
    kind: str
    unit: str
    category: str
    justification: str


def proposals_docx(contest_title: str, rows: list[Proposed], paper: Paper) -> bytes:
    document = decree30.new_document()
    decree30.heading(document, paper.issuance, paper.number)
    decree30.title(
        document,
        [
            "Danh sách",
            "Đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho các tập thể, cá nhân "
            f"tiêu biểu qua {contest_title}",
        ],
    )
    decree30.body(
        document,
        f"Hội đồng đề nghị tặng Bằng khen cho {len(rows)} tập thể, cá nhân có thành tích "
        "tiêu biểu dưới đây:",
    )
    decree30.table(
        document,
        HEADER,
        [
            [i, f"{r.name} ({r.kind})", r.unit, r.category, r.justification]
            for i, r in enumerate(rows, 1)
        ],
        [12, 40, 33, 25, 55],
        size=11,
    )
    decree30.closing(
        document, paper.recipients, paper.issuance.signer_authority, paper.issuance.signer_name
    )
    return decree30.to_bytes(document)


def proposals_xlsx(rows: list[Proposed]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đề nghị Bằng khen"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, r in enumerate(rows, 1):
        append_as_data(sheet, [i, f"{r.name} ({r.kind})", r.unit, r.category, r.justification])
    for letter, width in zip("ABCDE", (6, 40, 32, 30, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
