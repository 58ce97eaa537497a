"""Conversions kept for reuse (converter.converted): a text converted lately is not sent to
pandoc again, whoever asks; a failure is not kept; the memory it takes is bounded; and a
process forked while another thread held its lock still converts."""

from __future__ import annotations

import os
import threading
import time

import cachetools
import pytest

from contest.documents import converter
from contest.documents.converter import MARKDOWN_IN
from contest.platform.errors import IntakeError

# No database is read: the SQLite pass only.
pytestmark = pytest.mark.render_once


@pytest.fixture
def sent(own_pandoc, monkeypatch):
    """The conversions that reach pandoc, with a memo of this test's own."""
    monkeypatch.setattr(converter, "converted", converter.new_memo())
    calls = []
    real = converter._convert_texts

    def counted(source, reader, writers, timeout):
        calls.append((source.decode(), reader, tuple(writers)))
        return real(source, reader, writers, timeout)

    monkeypatch.setattr(converter, "_convert_texts", counted)
    return calls


def test_a_text_converted_lately_is_not_converted_again(sent):
    first = converter.markdown_to_text_and_html("Ông *Lò Văn Pánh* giữ rừng.")
    assert converter.markdown_to_text_and_html("Ông *Lò Văn Pánh* giữ rừng.") == first
    assert len(sent) == 1
    # Another writer, another reader or another text is another conversion.
    converter.markdown_to_html("Ông *Lò Văn Pánh* giữ rừng.")
    converter.convert_text("Ông *Lò Văn Pánh* giữ rừng.", "commonmark", "html5", 30)
    converter.markdown_to_html("Bà *Lò Thị Hoa* giữ rừng.")
    assert len(sent) == 4
    # What a caller does with its outputs leaves the next caller's whole.
    outputs = converter.convert_texts("Một dòng", MARKDOWN_IN, ("plain", "html5"), 30)
    outputs.clear()
    assert converter.convert_texts("Một dòng", MARKDOWN_IN, ("plain", "html5"), 30) == [
        "Một dòng\n",
        "<p>Một dòng</p>\n",
    ]
    assert len(sent) == 5


def test_a_failure_is_not_kept(sent, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(converter, "_outputs", lambda answer: [])  # an answer that does not add up
        with pytest.raises(IntakeError):
            converter.markdown_to_html("Bài hỏng")
    assert converter.markdown_to_html("Bài hỏng") == "<p>Bài hỏng</p>\n"
    assert len(sent) == 2


def test_the_memory_it_takes_is_bounded(sent, monkeypatch):
    memo = cachetools.LRUCache(16 * 400, getsizeof=converter._outputs_size)
    monkeypatch.setattr(converter, "converted", memo)
    converter.markdown_to_html("a" * 200)  # with its overhead, over a sixteenth: not kept
    assert len(memo) == 0
    for number in range(20):
        converter.markdown_to_html(f"Bài số {number}: " + "chữ " * 17)
    assert 0 < memo.currsize <= memo.maxsize and len(memo) < 20
    converter.markdown_to_html("Bài số 19: " + "chữ " * 17)  # the latest is still there
    assert len(sent) == 21


def test_a_child_forked_while_the_lock_was_held_converts(sent):
    converter.markdown_to_html("Trước khi tách")
    holder_ready, release = threading.Event(), threading.Event()

    def hold():
        with converter._converted_lock:
            holder_ready.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holder_ready.wait(30)
    child = os.fork()
    if child == 0:  # no cleanup in the child: it only answers by its exit code
        try:
            os._exit(0 if converter.markdown_to_html("Sau khi tách") else 1)
        except BaseException:
            os._exit(2)
    release.set()
    holder.join()
    for _ in range(300):  # a hung child fails the test instead of hanging it
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            break
        time.sleep(0.1)
    else:
        os.kill(child, 9)
        os.waitpid(child, 0)
        pytest.fail("the forked child waited for a lock it can never get")
    assert os.waitstatus_to_exitcode(status) == 0
