"""pandoc kept running between essays (contest/documents/converter.py): the same output as
a pandoc per conversion, one process for many, a failure told as before, and no process left
behind when it dies, overruns or goes unused."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from contest.documents import converter
from contest.documents.converter import MARKDOWN_IN, MARKDOWN_OUT
from contest.platform.errors import IntakeError

# No database is read: the SQLite pass only.
pytestmark = pytest.mark.render_once

TEXTS = (
    "",
    "Một dòng",
    "Ông Lò Văn Pánh\tgiữ rừng\n\n\tkhối mã\n",
    "Dòng Windows\r\nnối tiếp\r\n\r\n* mục\r\n",
    "\ufeffBài có BOM\n",
    "# Người tốt\n\nViệc tốt[^1] và [liên kết](mailto:a@b.vn)\n\n[^1]: Chú thích\n",
    "<!-- Nguyễn Văn A -->\n\n<b>in đậm</b> <script>alert(1)</script>",
    "```\nkhối chưa đóng",
    "| Họ tên | Đơn vị |\n|---|---|\n| Lò Thị B | Mường La |\n",
    "Kết hợp: Nguye\u0302\u0303n 😀 \u200b",
    "x\x00y",
)


@pytest.mark.parametrize("writer", ["plain", "html5", "json", MARKDOWN_OUT])
def test_each_conversion_is_what_a_pandoc_of_its_own_prints(writer, own_pandoc):
    for text in TEXTS:
        alone = converter.essay_pandoc(
            ["-f", MARKDOWN_IN, "-t", writer, "--wrap=none"], text.encode(), 30
        )
        assert converter.convert_text(text, MARKDOWN_IN, writer, 30) == alone, (text, writer)
    assert own_pandoc.process is not None  # the conversions above went to it


def test_a_tree_round_trip_matches_too(own_pandoc):
    tree = converter.convert_text(TEXTS[5], MARKDOWN_IN, "json", 30)
    alone = converter.essay_pandoc(
        ["-f", "json", "-t", MARKDOWN_OUT, "--wrap=none"], tree.encode(), 30
    )
    assert converter.convert_text(tree, "json", MARKDOWN_OUT, 30) == alone


def test_one_pandoc_converts_essay_after_essay_and_a_dead_one_is_replaced(own_pandoc):
    assert converter.markdown_to_text("Chữ", 30) == "Chữ\n"
    first = own_pandoc.process
    assert converter.markdown_to_html("*Chữ*", 30) == "<p><em>Chữ</em></p>\n"
    assert own_pandoc.process is first
    os.kill(first.pid, signal.SIGKILL)  # dies between two essays: the next starts another
    first.wait(30)
    assert converter.markdown_to_text("Lại", 30) == "Lại\n"
    assert own_pandoc.process is not first and own_pandoc.process.poll() is None


def test_what_pandoc_cannot_read_is_refused_and_the_pandoc_stays(own_pandoc, caplog):
    converter.markdown_to_text("Chữ", 30)
    running = own_pandoc.process
    with pytest.raises(IntakeError, match="Không đọc được nội dung tệp"):
        converter.convert_text('{"blocks": [', "json", MARKDOWN_OUT, 30)
    assert own_pandoc.process is running and running.poll() is None
    assert "JSON" in caplog.text  # pandoc's own words go to the log, not to the entrant


def test_a_pandoc_that_cannot_start_is_a_message_not_a_hang(own_pandoc, monkeypatch, tmp_path):
    monkeypatch.setattr(converter, "PANDOC_SERVER", str(tmp_path / "missing.lua"))
    with pytest.raises(IntakeError, match="Không đọc được nội dung tệp") as refused:
        converter.markdown_to_text("Chữ", 30)
    assert "missing.lua" not in str(refused.value) and own_pandoc.process is None


def test_a_large_text_gets_a_pandoc_of_its_own(own_pandoc, monkeypatch):
    monkeypatch.setattr(converter, "RESIDENT_MAX_BYTES", 10)
    assert (
        converter.markdown_to_text("Một bài dài hơn mười byte", 30) == "Một bài dài hơn mười byte\n"
    )
    assert own_pandoc.process is None


def test_the_pandoc_outlives_the_thread_that_started_it_and_stops_when_unused(own_pandoc):
    """It runs under `--pdeathsig`: started by a request's thread, it would die with that
    thread. It stops by itself once unused."""
    own_pandoc.idle_seconds = 1.5
    request = threading.Thread(target=converter.markdown_to_text, args=("Chữ", 30))
    request.start()
    request.join()
    started = own_pandoc.process
    time.sleep(0.5)
    assert started.poll() is None
    assert converter.markdown_to_text("Nữa", 30) == "Nữa\n" and own_pandoc.process is started
    deadline = time.monotonic() + 30
    while own_pandoc.process is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert own_pandoc.process is None
    assert started.wait(timeout=10) is not None
