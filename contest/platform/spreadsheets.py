"""Tables in and out as CSV or XLSX (openpyxl), for every export and import: what a
spreadsheet would run as a formula is written as text, and a file read back gives each row
with its line number for the messages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from contest.platform.errors import InvalidInput

# An upload larger than any real list: refused before it is parsed.
MAX_TABLE_BYTES = 5 * 1024 * 1024


# What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection: = + - @,
# a tab or a return first), also after a ";" or ",": a spreadsheet set to Vietnamese opens a
# CSV split on ";" (some on ","), each piece a cell of its own.
_PIECE_STARTS_FORMULA = re.compile(r"(?:^|[;,])\s*[=+\-@]|^[\t\r]")


def csv_safe(value):
    """Text a spreadsheet would run as a formula (an author named "=HYPERLINK(…)", or
    "x;=HYPERLINK(…)" for one that splits on semicolons) gets a leading apostrophe, which
    shows it as the text it is; numbers stay numbers."""
    if isinstance(value, str) and _PIECE_STARTS_FORMULA.search(value):
        return "'" + value
    return value


def from_csv_safe(value: str) -> str:
    """Undo `csv_safe` on a file read back: "'=x" was written for "=x"."""
    if value.startswith("'") and _PIECE_STARTS_FORMULA.search(value[1:]):
        return value[1:]
    return value


def append_as_data(sheet, row: list) -> None:
    """openpyxl stores any text starting with "=" as a formula: keep every text a string."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def table_xlsx(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """One sheet: a bold, frozen header, then the rows as data."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        append_as_data(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Gương Sáng"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file as (line number, {column: text}), by its header row;
    empty rows skipped. A file that is neither is refused with a message."""
    if len(data) > MAX_TABLE_BYTES:
        raise InvalidInput(_l("Tệp quá lớn (tối đa 5 MB)."))
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            lines = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise InvalidInput(_l("Không đọc được tệp .xlsx.")) from error
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput(_l("Tệp .csv phải lưu với bảng mã UTF-8.")) from error
        try:
            lines = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:  # a field past the csv module's limit, a stray NUL
            raise InvalidInput(_l("Không đọc được tệp .csv: %(why)s.", why=str(error))) from error
    else:
        raise InvalidInput(_l("Chỉ nhận tệp .csv hoặc .xlsx."))
    if not lines:
        raise InvalidInput(_l("Tệp trống."))
    header = [name.strip().lower() for name in lines[0]]
    rows = []
    for number, values in enumerate(lines[1:], start=2):
        if not any(value.strip() for value in values):
            continue
        cells = [from_csv_safe(value) for value in values] + [""] * len(header)
        rows.append((number, dict(zip(header, cells, strict=False))))
    return rows
