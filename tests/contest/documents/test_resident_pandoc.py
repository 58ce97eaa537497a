"""pandoc kept running between essays (contest/documents/converter.py): the same output as
a pandoc per conversion, one process for many, a failure told as before, nothing carried from
one essay to the next, and no process left behind when it dies, overruns or goes unused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from contest.documents import converter, essay_ast
from contest.documents.converter import MARKDOWN_IN, MARKDOWN_OUT
from contest.documents.essay_ast import LinkPolicy
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
    "Ông Smith Jr. Bản Mòng, xem fig. 2 và No. 7",
)


def _plain(text: str, timeout: int) -> str:
    return converter.convert_text(text, MARKDOWN_IN, "plain", timeout)


@pytest.mark.parametrize("writer", ["plain", "html5", "json", MARKDOWN_OUT])
def test_each_conversion_is_what_a_pandoc_of_its_own_prints(writer, own_pandoc):
    for text in TEXTS:
        alone = converter.essay_pandoc(
            ["-f", MARKDOWN_IN, "-t", writer, "--wrap=none"], text.encode(), 30
        )
        assert converter.convert_text(text, MARKDOWN_IN, writer, 30) == alone, (text, writer)
    assert own_pandoc[0].process is not None  # the conversions above went to it


@pytest.mark.parametrize("resident", [True, False])
def test_several_writers_over_one_reading_give_each_writer_s_own_output(
    resident, own_pandoc, monkeypatch
):
    """Read once, written several ways: each output as one conversion gives it, kept
    apart whatever it holds (line breaks, digits, nothing), by the kept pandoc or, for a
    text too large for it, by a pandoc per writer."""
    writers = ("plain", "html5", "json", MARKDOWN_OUT)
    alone = {t: [converter.convert_text(t, MARKDOWN_IN, w, 30) for w in writers] for t in TEXTS}
    if not resident:
        monkeypatch.setattr(converter, "RESIDENT_MAX_BYTES", -1)
    for text in TEXTS:
        assert converter.convert_texts(text, MARKDOWN_IN, writers, 30) == alone[text], text


def test_an_answer_that_does_not_add_up_gives_no_output():
    assert converter._outputs(b"3\nabc2\nxy") == ["abc", "xy"]
    assert converter._outputs("3\nữ".encode()) == ["ữ"]  # lengths in bytes, not characters
    broken_character = "2\nữ".encode()
    for broken in (b"4\nabc", b"+3\nabc", b"3\nabcdef", b"3abc", b"\nabc", broken_character):
        assert converter._outputs(broken) == [], broken


def test_a_tree_round_trip_matches_too(own_pandoc):
    tree = converter.convert_text(TEXTS[5], MARKDOWN_IN, "json", 30)
    alone = converter.essay_pandoc(
        ["-f", "json", "-t", MARKDOWN_OUT, "--wrap=none"], tree.encode(), 30
    )
    assert converter.convert_text(tree, "json", MARKDOWN_OUT, 30) == alone


def _rewritten_apart(text: str, links) -> str:
    """The cleaned markdown as a reading and a writing of its own give it."""
    tree = json.loads(converter.convert_text(text, MARKDOWN_IN, "json", 30))
    essay_ast.clean_tree(tree, lambda source: "media/1.png", links)
    return converter.tree_to_markdown(tree, 30)


@pytest.mark.parametrize("links", list(LinkPolicy))
def test_a_rewrite_that_changes_nothing_is_read_once(links, own_pandoc, monkeypatch):
    """Most essays (no picture, no link) are read once for their cleaned markdown (as writing
    the tree gives it), their text and their HTML (as reading them gives it). One the
    cleaning changes (a link) is written and its markdown read again, as before."""
    readers = []
    real = converter.convert_texts
    monkeypatch.setattr(converter, "convert_texts", lambda *a: readers.append(a[1]) or real(*a))

    def rewrite(text: str) -> tuple[list[str], str, tuple[str, str] | None]:
        readers.clear()
        cleaned, _outcome, read = converter.rewrite_and_read(text, lambda s: "media/1.png", links)
        return list(readers), cleaned, read

    for text in TEXTS:
        used, cleaned, read = rewrite(text)
        assert cleaned == _rewritten_apart(text, links), text
        if read is None:
            assert used == [MARKDOWN_IN, "json"], text
        else:
            assert used == [MARKDOWN_IN] and read == converter.markdown_to_text_and_html(text)
            # The text scanned is the text of the copy's markdown, word for word (the HTML
            # may differ in what a markdown round trip adds: a table's column alignment).
            assert read[0] == converter.markdown_to_text_and_html(cleaned)[0], text
    assert rewrite("Ông *Lò Văn Pánh* giữ rừng.\n\nBản Mòng")[0] == [MARKDOWN_IN]
    linked = "Xem [trang](https://example.vn) và ![ảnh](a.png)"
    assert rewrite(linked)[0] == [MARKDOWN_IN, "json"]


def test_judges_get_no_attribute_of_a_table_or_a_figure(own_pandoc):
    """An id or a data- attribute is in the HTML's source, not in the text the scan reads:
    the judges' copy keeps none (a figure's picture kept, its attributes gone)."""
    text = (
        "| Xã | Bản |\n|---|---|\n| Chiềng | Mòng |\n\n"
        'Table: Bảng {#nguyen-van-teo data-x="Tèo"}\n\n'
        "![Ảnh ở bản](media/1.png){#lo-thi-hoa .anh}\n"
    )
    for links, kept in ((LinkPolicy.AS_TEXT, False), (LinkPolicy.KEEP_SAFE, True)):
        cleaned, _outcome = converter.rewrite_markdown(text, str, links)
        html = converter.markdown_to_html(cleaned)
        assert "<table" in html and "<img" in html and "Ảnh ở bản" in html
        assert ("nguyen-van-teo" in html and "lo-thi-hoa" in html) is kept, html


def test_the_reader_opens_no_file(own_pandoc, tmp_path):
    secret = tmp_path / "secret.tex"
    secret.write_text("Mật khẩu máy chủ")
    text = f"\\input{{{secret}}}\n\\include{{{secret}}}\n\nChữ"
    assert "Mật khẩu" not in converter.convert_text(text, "latex", "plain", 30)
    assert own_pandoc[0].process is not None


def test_one_pandoc_converts_essay_after_essay_and_a_dead_one_is_replaced(own_pandoc):
    assert converter.markdown_to_text_and_html("Chữ", 30) == ("Chữ\n", "<p>Chữ</p>\n")
    first = own_pandoc[0].process
    assert converter.markdown_to_html("*Chữ*", 30) == "<p><em>Chữ</em></p>\n"
    assert own_pandoc[0].process is first
    os.kill(first.pid, signal.SIGKILL)  # dies between two essays: the next starts another
    first.wait(30)
    assert _plain("Lại", 30) == "Lại\n"
    assert own_pandoc[0].process is not first and own_pandoc[0].process.poll() is None


def test_its_heap_is_capped_and_it_dies_with_its_process(own_pandoc, tmp_path):
    script = (
        "import os, signal\n"
        "from contest.documents import converter\n"
        "converter.convert_text('Chữ', converter.MARKDOWN_IN, 'plain', 30)\n"
        "print(converter.resident_pandocs[0].process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    # Slots of its own (TMPDIR): slot 0 taken by the other test process would give it pandoc 1.
    worker = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.getcwd(),
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert worker.returncode == -signal.SIGKILL, worker.stderr
    pandoc = int(worker.stdout)
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pandoc}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pandoc}")
    _plain("Chữ", 30)
    with open(f"/proc/{own_pandoc[0].process.pid}/cmdline", "rb") as fh:
        assert f"-M{converter.PANDOC_HEAP_MB}m".encode() in fh.read().split(b"\0")


def test_what_pandoc_cannot_read_is_refused_and_the_pandoc_stays(own_pandoc, caplog):
    _plain("Chữ", 30)
    running = own_pandoc[0].process
    with pytest.raises(IntakeError, match="Không đọc được nội dung tệp"):
        converter.convert_text('{"blocks": [', "json", MARKDOWN_OUT, 30)
    assert own_pandoc[0].process is running and running.poll() is None
    assert "JSON" in caplog.text  # pandoc's own words go to the log, not to the entrant


def test_warnings_and_memory_kept_from_earlier_essays_are_bounded(own_pandoc, monkeypatch):
    """pandoc keeps every warning it gave while it runs: past the bound, or larger than
    allowed, it is replaced by a new one after its answer."""
    warned = "Chữ[^a]\n\n[^a]: một\n\n[^a]: hai\n"  # a duplicate note: a warning
    _plain("Chữ", 30)
    running = own_pandoc[0].process
    monkeypatch.setattr(converter, "RESIDENT_MAX_WARNINGS", 0)
    _plain("Chữ", 30)
    assert own_pandoc[0].process is running  # no warning yet: kept
    assert _plain(warned, 30).startswith("Chữ")
    assert own_pandoc[0].process is None and running.wait(10) is not None
    monkeypatch.setattr(converter, "RESIDENT_MAX_WARNINGS", 1000)
    _plain("Chữ", 30)
    own_pandoc[0].max_memory_mb = 1
    _plain("Chữ", 30)
    assert own_pandoc[0].process is None


def test_two_threads_convert_at_once_without_waiting_for_each_other(own_pandoc):
    long_essay = "Người giữ rừng bản Mòng. " * 12_000  # 410 KB: most of a second
    took = {}

    def convert(name, text):
        started = time.monotonic()
        _plain(text, 30)
        took[name] = time.monotonic() - started

    slow = threading.Thread(target=convert, args=("long", long_essay))
    slow.start()
    deadline = time.monotonic() + 10
    while own_pandoc[0].process is None and time.monotonic() < deadline:
        time.sleep(0.01)
    convert("short", "Chữ")
    slow.join()
    assert took["short"] < took["long"], took
    assert own_pandoc[1].process is not None  # the short essay went to the second pandoc


def test_a_forked_child_converts_while_its_parent_is_busy(own_pandoc):
    """A fork while a parent's thread converts: the child does not wait on the parent's
    lock, and starts a pandoc of its own."""
    _plain("Chữ", 30)
    parents = own_pandoc[0].process
    with own_pandoc[0]._lock:  # as a thread of the parent in the middle of a conversion
        child = os.fork()
        if child == 0:
            try:
                ok = _plain("Con", 5) == "Con\n"
                ok = ok and converter.resident_pandocs[0].process.pid != parents.pid
            finally:
                os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert own_pandoc[0].process is parents and parents.poll() is None


def test_a_pandoc_that_cannot_start_is_a_message_not_a_hang(own_pandoc, monkeypatch, tmp_path):
    monkeypatch.setattr(converter, "PANDOC_SERVER", str(tmp_path / "missing.lua"))
    with pytest.raises(IntakeError, match="Không đọc được nội dung tệp") as refused:
        _plain("Chữ", 30)
    assert "missing.lua" not in str(refused.value) and own_pandoc[0].process is None


def test_a_large_text_gets_a_pandoc_of_its_own(own_pandoc, monkeypatch):
    monkeypatch.setattr(converter, "RESIDENT_MAX_BYTES", 10)
    text = "Một bài dài hơn mười byte"
    assert _plain(text, 30) == f"{text}\n"
    assert own_pandoc[0].process is None


def test_the_pandoc_outlives_the_thread_that_started_it_and_stops_when_unused(own_pandoc):
    """It runs under `--pdeathsig`: started by a request's thread, it would die with that
    thread. It stops by itself once unused."""
    own_pandoc[0].idle_seconds = 1.0
    request = threading.Thread(target=_plain, args=("Chữ", 30))
    request.start()
    request.join()
    started = own_pandoc[0].process
    time.sleep(0.3)
    assert started.poll() is None
    assert _plain("Nữa", 30) == "Nữa\n" and own_pandoc[0].process is started
    deadline = time.monotonic() + 30
    while own_pandoc[0].process is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert own_pandoc[0].process is None
    assert started.wait(timeout=10) is not None
