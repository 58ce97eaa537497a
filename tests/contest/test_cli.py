"""The operator CLI: import, forward, status, demo."""

from __future__ import annotations

import csv
import json

from sqlalchemy import func, select

from contest.models import Entry, EntryState
from contest.platform.db import db
from tests.plugins.documents import OFFICE_EXPECTED_TEXT, docx_bytes
from tests.plugins.factories import vietnamese_essay

COLUMNS = [
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


def write_csv(folder, rows):
    path = folder / "bai.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def row(name, phone, file, unit="MCH-CSO", category="2.4"):
    return [name, phone, "", unit, f"Bài của {name}", "Lò Văn Pánh", "individual", category, file]


def test_import_all_good_rows(runner, world, tmp_path):
    (tmp_path / "a.docx").write_bytes(docx_bytes([vietnamese_essay(50)]))
    (tmp_path / "b.txt").write_text(vietnamese_essay(60), encoding="utf-8")
    path = write_csv(
        tmp_path,
        [row("Tòng Văn Ỏn", "0901000001", "a.docx"), row("Lường Thị Lả", "0901000002", "b.txt")],
    )
    result = runner.invoke(
        args=["entries", "import", "--contest", "son-la-2019", "--unit", "MCH-CSO", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "Đã nhập 2 bài" in result.stderr
    entries = db.session.scalars(select(Entry).order_by(Entry.id)).all()
    assert result.stdout.splitlines() == [f"id={e.id}" for e in entries]
    assert [e.word_count for e in entries] == [50, 60]
    assert {e.state for e in entries} == {EntryState.SUBMITTED}


def test_one_bad_row_imports_nothing_and_names_its_line(app, runner, world, tmp_path):
    (tmp_path / "a.docx").write_bytes(docx_bytes([vietnamese_essay(50)]))
    (tmp_path / "bad.docx").write_bytes(b"not a document")
    path = write_csv(
        tmp_path,
        [
            row("Tòng Văn Ỏn", "0901000001", "a.docx"),
            row("Lường Thị Lả", "0901000002", "bad.docx"),
            row("Cầm Thị Hoa", "0901000003", "missing.txt"),
            row("Vì Văn Sơn", "0901000004", "a.docx", category="9.9"),
        ],
    )
    result = runner.invoke(
        args=["entries", "import", "--contest", "son-la-2019", "--unit", "MCH-CSO", str(path)]
    )
    assert result.exit_code != 0
    assert "Dòng 3:" in result.output and "Dòng 4:" in result.output and "Dòng 5:" in result.output
    assert "Dòng 2:" not in result.output
    assert db.session.scalar(select(func.count(Entry.id))) == 0
    import os

    folder = os.path.join(app.config["STORAGE_DIR"], "entries")
    assert not os.path.exists(folder) or os.listdir(folder) == []


def test_forward_by_ids_and_quota(runner, world, make_entry):
    a, b = make_entry(), make_entry()
    result = runner.invoke(  # codes are case-blind, as everywhere
        args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "mch-cso", "--all"]
    )
    assert result.exit_code != 0 and "Vượt chỉ tiêu" in result.output
    result = runner.invoke(
        args=[
            "rounds",
            "forward",
            "--contest",
            "son-la-2019",
            "--unit",
            "MCH-CSO",
            "--entries",
            str(b.id),
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert (a.state, b.state) == (EntryState.NOT_SELECTED, EntryState.FORWARDED)


def test_status_json(runner, world, make_entry):
    make_entry()
    make_entry(world["users"]["entrant_b"], submit=False)
    result = runner.invoke(args=["contest", "status", "son-la-2019", "--json"])
    status = json.loads(result.output)
    assert status["entries_by_state"] == {"submitted": 1, "draft": 1}
    assert status["entries_by_unit"]["MCH-CSO"]["states"] == {"submitted": 1}
    assert status["entries_by_unit"]["YCH"]["name"] == "Huyện Yên Châu"
    # People read the states in words, not codes.
    plain = runner.invoke(args=["contest", "status", "son-la-2019"]).output
    assert "giai đoạn Nhận bài" in plain and "Đã nộp: 1" in plain
    assert "submitted" not in plain and "submission" not in plain


def test_demo_loads_and_prints_accounts(app, runner):
    result = runner.invoke(args=["demo", "--entries", "12", "--seed", "7"])
    assert result.exit_code == 0, result.output
    lines = [line.split(" | ") for line in result.output.splitlines() if " | " in line]
    roles = {parts[0] for parts in lines}
    assert {
        "Ban Tổ chức cấp tỉnh",
        "Cán bộ thi đua của đơn vị",
        "Giám khảo",
        "Trưởng ban giám khảo",
        "Người dự thi",
    } <= roles
    assert ["Ban Tổ chức cấp tỉnh", "btc@sonla.gov.vn", "sonla-2019-demo", "Tỉnh Sơn La"] in lines
    open_rounds = [parts[1] for parts in lines if parts[3].endswith("(vòng thi còn mở)")]
    assert "tdkt.vho@sonla.gov.vn" in open_rounds and "tdkt.syt@sonla.gov.vn" in open_rounds
    assert db.session.scalar(select(func.count(Entry.id))) == 12
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "btc@sonla.gov.vn" in again.output
    assert runner.invoke(args=["demo"]).exit_code != 0


def test_import_essays_as_offices_write_them_and_read_their_stored_text(
    runner, world, tmp_path, office_samples
):
    rows = []
    for number, kind in enumerate(OFFICE_EXPECTED_TEXT):
        (tmp_path / f"bai-{number}.{kind}").write_bytes(office_samples[kind])
        rows.append(row(f"Tòng Văn Ỏn {number}", f"090100000{number}", f"bai-{number}.{kind}"))
    path = write_csv(tmp_path, rows)
    result = runner.invoke(
        args=["entries", "import", "--contest", "son-la-2019", "--unit", "MCH-CSO", str(path)]
    )
    assert result.exit_code == 0, result.output
    ids = [line.removeprefix("id=") for line in result.stdout.splitlines()]
    assert len(ids) == len(OFFICE_EXPECTED_TEXT)
    for entry_id, expected in zip(ids, OFFICE_EXPECTED_TEXT.values(), strict=True):
        text = runner.invoke(args=["entries", "text", entry_id])
        assert text.exit_code == 0
        readable = text.stdout.replace("\\", "")  # Markdown escapes typed punctuation
        for paragraph in expected:
            assert paragraph in readable


def test_a_scanned_pdf_row_is_refused_by_its_line(runner, world, tmp_path, office_samples):
    (tmp_path / "scan.pdf").write_bytes(office_samples["scan.pdf"])
    path = write_csv(tmp_path, [row("Tòng Văn Ỏn", "0901000001", "scan.pdf")])
    result = runner.invoke(
        args=["entries", "import", "--contest", "son-la-2019", "--unit", "MCH-CSO", str(path)]
    )
    assert result.exit_code == 1
    assert "Dòng 2" in result.stderr and "quét" in result.stderr
    assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_entries_text_of_an_unknown_entry_says_so(runner, world):
    result = runner.invoke(args=["entries", "text", "999"])
    assert result.exit_code == 1 and "999" in result.stderr
