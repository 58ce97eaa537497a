"""EPUBCheck kept running between books (anthology/render/resident_epubcheck.py): the same
verdicts as a JVM per book, and no JVM left behind when a check overruns, when the JVM
dies or cannot start, or when no book comes for a while."""

from __future__ import annotations

import os
import signal
import time

import pypandoc
import pytest

from anthology.errors import BookBuildError
from anthology.render import checks, resident_epubcheck
from anthology.render.resident_epubcheck import CheckerStopped, ResidentEpubCheck

# EPUBCheck itself, which no database changes: the SQLite pass only.
pytestmark = pytest.mark.render_once


@pytest.fixture(scope="module")
def small_epub(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("epub") / "nho.epub")
    pypandoc.convert_text(
        "# Người giữ rừng\n\nÔng Lò Văn Pánh gắn bó với rừng.",
        "epub3",
        format="markdown",
        outputfile=path,
        extra_args=["--metadata=title:Gương sáng", "--metadata=lang:vi-VN"],
    )
    return path


def _gone(process, seconds=30):
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return process.poll() is not None


def test_one_jvm_checks_book_after_book_and_leaves_no_report(small_epub):
    assert checks.epubcheck_messages(small_epub) == (0, [])
    first = resident_epubcheck.resident._process
    status, _ = checks.epubcheck_messages(small_epub)
    assert status == 0 and resident_epubcheck.resident._process is first
    assert first.poll() is None
    assert os.listdir(os.path.dirname(small_epub)) == ["nho.epub"]


def test_a_broken_book_gets_the_same_refusal_as_before(tmp_path):
    broken = tmp_path / "hong.epub"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(BookBuildError, match="không đạt EPUBCheck: PKG"):
        checks.check_epub(str(broken))


def test_an_overrun_kills_the_jvm_and_the_next_book_starts_another(small_epub, monkeypatch):
    checker = ResidentEpubCheck()
    try:
        with pytest.raises(resident_epubcheck.subprocess.TimeoutExpired):
            checker.run(small_epub, small_epub + ".json", timeout=0.001)
        assert checker._process is None
        assert checker.run(small_epub, small_epub + ".json", timeout=120) == 0
        killed = checker._process
        os.kill(killed.pid, signal.SIGKILL)  # dies between two books: the next starts another
        assert _gone(killed)
        monkeypatch.setattr(resident_epubcheck, "IDLE_SECONDS", 0.2)
        assert checker.run(small_epub, small_epub + ".json", timeout=120) == 0
        idle = checker._process
        assert idle is not killed and _gone(idle)  # stopped once unused
        assert checker._process is None
    finally:
        checker.stop()


def test_a_jvm_that_cannot_start_is_a_message_not_a_hang(small_epub, monkeypatch, tmp_path):
    monkeypatch.setattr(resident_epubcheck, "SERVER", str(tmp_path / "Missing.java"))
    checker = ResidentEpubCheck()
    with pytest.raises(CheckerStopped) as stopped:
        checker.run(small_epub, small_epub + ".json", timeout=60)
    assert "Missing.java" in stopped.value.reason and checker._process is None
    monkeypatch.setattr(checks, "resident", checker)
    with pytest.raises(BookBuildError, match="EPUBCheck không chạy trọn được"):
        checks.check_epub(small_epub)


def test_without_the_jdk_s_compiler_each_book_gets_a_jvm_of_its_own(small_epub, monkeypatch):
    """A Java runtime alone cannot start the server from its source: the book is still
    checked, as it was before the server."""
    monkeypatch.setattr(checks, "can_stay_running", lambda: False)
    monkeypatch.setattr(checks, "resident", None)  # any use of it would fail
    assert checks.epubcheck_messages(small_epub) == (0, [])


def test_a_path_with_a_line_break_never_reaches_the_server(small_epub):
    with pytest.raises(ValueError):
        ResidentEpubCheck().run(small_epub + "\r", small_epub + ".json", timeout=5)
    with pytest.raises(BookBuildError, match="chi tiết có trong nhật ký máy chủ"):
        checks.check_epub(small_epub + "\rx")
