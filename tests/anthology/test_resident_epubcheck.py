"""EPUBCheck kept running between books (anthology/render/resident_epubcheck.py): the same
verdicts as a JVM per book, and a message when the JVM cannot start. How a helper kept
running is stopped on an overrun, replaced when it dies and stopped when unused is tried in
tests/contest/platform/test_resident.py."""

from __future__ import annotations

import os

import pypandoc
import pytest

from anthology.errors import BookBuildError
from anthology.render import checks, resident_epubcheck
from anthology.render.resident_epubcheck import ResidentEpubCheck
from contest.platform.resident import ResidentStopped

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


def test_one_jvm_checks_book_after_book_and_leaves_no_report(small_epub):
    assert checks.epubcheck_messages(small_epub) == (0, [])
    first = resident_epubcheck.resident.server.process
    status, _ = checks.epubcheck_messages(small_epub)
    assert status == 0 and resident_epubcheck.resident.server.process is first
    assert first.poll() is None
    assert os.listdir(os.path.dirname(small_epub)) == ["nho.epub"]


def test_a_broken_book_gets_the_same_refusal_as_before(tmp_path):
    broken = tmp_path / "hong.epub"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(BookBuildError, match="không đạt EPUBCheck: PKG"):
        checks.check_epub(str(broken))


def test_a_jvm_that_cannot_start_is_a_message_not_a_hang(small_epub, monkeypatch, tmp_path):
    monkeypatch.setattr(resident_epubcheck, "SERVER", str(tmp_path / "Missing.java"))
    checker = ResidentEpubCheck()
    with pytest.raises(ResidentStopped) as stopped:
        checker.run(small_epub, small_epub + ".json", timeout=60)
    assert "Missing.java" in stopped.value.reason and checker.server.process is None
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
