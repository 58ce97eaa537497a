"""Pandoc for essays, run the safe way: sandboxed (it reads only the file it is given), its
heap capped, under a time limit, in a process group killed on timeout and when the worker dies,
and at most MAX_CONVERSIONS at once on the machine. Also the conversions every stored essay
goes through: to plain text (word count, leak scan), to HTML (reading pages), and a pass over
its document tree (`contest.documents.essay_ast`). Those text-to-text conversions go to one
pandoc kept running between essays (`pandoc_server.lua`): its start, a 160 MB program mapped
anew, cost three times the conversion itself (bench/README.md)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import math
import os
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

import cachetools
import pypandoc
from flask_babel import lazy_gettext as _l

from contest.documents import essay_ast
from contest.platform.errors import IntakeError
from contest.platform.resident import ResidentProcess, ResidentStopped
from contest.platform.text import nfc

# pandoc's heap, and how many conversions may run at once on the machine (2 cores).
PANDOC_HEAP_MB = 400
MAX_CONVERSIONS = 2
SLOTS_FOLDER = "guong-sang-conversions"
HEAP_EXHAUSTED = 251  # how a GHC program exits when it reaches its -M limit
# Children die with the worker: a killed web process leaves no pandoc running.
_DIE_WITH_PARENT = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"]
PANDOC_SERVER = os.path.join(os.path.dirname(__file__), "pandoc_server.lua")
# Texts above this go to a pandoc of their own. Near its heap cap, the pandoc kept running
# spends the whole time limit collecting garbage where a pandoc of its own stops at once with
# "heap exhausted" (a 2 MB text under a 70 MB cap: 1.2 s against the full 120 s limit); an
# essay of this size needs a tenth of the cap.
RESIDENT_MAX_BYTES = 512 * 1024
# An idle pandoc costs memory (about 80 MB of its own after a hundred essays), not processor
# time: it is stopped after a minute unused, or at once when holding more than RESIDENT_MAX_MB.
# It keeps every warning it gave, for any essay, as long as it runs: past
# RESIDENT_MAX_WARNINGS it starts anew.
IDLE_SECONDS = 60
RESIDENT_MAX_MB = 200
RESIDENT_MAX_WARNINGS = 1000
# What the conversions kept for reuse may hold (`converted`): some 8 MB, a hundred essays
# read through their tree (JSON is the bulk) or many more turned into HTML alone.
MEMO_CHARACTERS = 4_000_000
MEMO_ENTRY_OVERHEAD = 256
log = logging.getLogger(__name__)

# Stored essays are markdown read without raw HTML or raw blocks: what looks like a tag is text.
MARKDOWN_IN = "markdown-raw_html-raw_attribute"
MARKDOWN_OUT = "markdown-raw_html-raw_attribute-link_attributes"

TOO_COMPLEX = _l("Tệp quá lớn hoặc quá phức tạp để xử lý an toàn. Hãy lưu bài thành tệp nhỏ hơn.")
_ESSAY_FAILURES = {
    "timeout": _l("Xử lý tệp quá thời gian cho phép. Tệp có thể bị hỏng."),
    "heap": TOO_COMPLEX,
    "error": _l("Không đọc được nội dung tệp. Tệp có thể bị hỏng."),
}


class PandocFailure(StrEnum):
    TIMEOUT = "timeout"
    HEAP = "heap"  # the document needs more memory than pandoc may take
    ERROR = "error"


class PandocError(Exception):
    """pandoc did not finish: `failure` says how, `detail` is the end of its error output."""

    def __init__(self, failure: PandocFailure, detail: str = "") -> None:
        super().__init__(f"{failure}: {detail}")
        self.failure, self.detail = failure, detail


def run_pandoc(
    args: list[str],
    *,
    timeout: int,
    stdin: bytes | None = None,
    cwd: str | None = None,
    heap_mb: int | None = None,
) -> bytes:
    """The one way pandoc runs, for essays and the book alike: the pandoc that
    pypandoc-binary ships, sandboxed (it reads only the files named on its command line),
    its heap capped when `heap_mb` is given, in a process group killed on overrun and when
    this process dies. Its output, or a PandocError."""
    heap = ["+RTS", f"-M{heap_mb}m", "-RTS"] if heap_mb else []
    command = [*_DIE_WITH_PARENT, pypandoc.get_pandoc_path(), *heap, "--sandbox", *args]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
    )
    try:
        output, errors = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PandocError(PandocFailure.TIMEOUT) from exc
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    if process.returncode != 0:
        detail = errors.decode("utf-8", "replace")[-500:]
        if process.returncode == HEAP_EXHAUSTED or b"Heap exhausted" in errors:
            raise PandocError(PandocFailure.HEAP, detail)
        raise PandocError(PandocFailure.ERROR, detail)
    return output


def essay_pandoc(args: list[str], stdin: bytes | None, timeout: int, cwd: str | None = None) -> str:
    """pandoc over an essay: one of the machine's conversion slots, its heap capped, and a
    failure told to the entrant as an IntakeError."""
    with conversion_slot(timeout):
        try:
            output = run_pandoc(args, timeout=timeout, stdin=stdin, cwd=cwd, heap_mb=PANDOC_HEAP_MB)
        except PandocError as error:
            raise IntakeError(_ESSAY_FAILURES[error.failure]) from error
    return output.decode("utf-8")


def _server_command() -> list[str]:
    pandoc, heap = pypandoc.get_pandoc_path(), ["+RTS", f"-M{PANDOC_HEAP_MB}m", "-RTS"]
    return [*_DIE_WITH_PARENT, pandoc, *heap, "lua", PANDOC_SERVER, pandoc]


def make_resident_pandoc() -> ResidentProcess:
    return ResidentProcess(_server_command, IDLE_SECONDS, True, RESIDENT_MAX_MB)


# One per conversion slot: a thread holding slot N uses pandoc N, so that two conversions in
# one process run at once, as two in two processes do, and never wait for each other.
resident_pandocs = [make_resident_pandoc() for _ in range(MAX_CONVERSIONS)]


def _outputs_size(outputs: Sequence[str]) -> int:
    """The characters kept, and what an entry costs besides (its key, the tuple, headers)."""
    return sum(map(len, outputs)) + MEMO_ENTRY_OVERHEAD


def new_memo() -> cachetools.LRUCache:
    return cachetools.LRUCache(MEMO_CHARACTERS, getsizeof=_outputs_size)


# The outputs of recent conversions, by the text, reader and writers they came from (nothing
# else changes what pandoc gives): a public essay page converts its book copy at each visit, a
# judges' copy made again reads its essay again. Bounded by the characters it holds.
converted = new_memo()
_converted_lock = threading.Lock()


def _fresh_memo_in_child() -> None:
    """A forked child starts with a memo and a lock of its own: another thread of the parent
    may have held the lock, or been halfway through changing the memo, when it forked."""
    global converted, _converted_lock
    converted, _converted_lock = new_memo(), threading.Lock()


os.register_at_fork(after_in_child=_fresh_memo_in_child)


def convert_text(text: str, reader: str, writer: str, timeout: int) -> str:
    """`pandoc -f reader -t writer --wrap=none` over `text`, by the pandoc kept running: one
    of the machine's conversion slots, its heap capped, and a failure told to the entrant as
    an IntakeError (the details, which name the server's programs, go to the log)."""
    return convert_texts(text, reader, (writer,), timeout)[0]


def convert_texts(text: str, reader: str, writers: Sequence[str], timeout: int) -> list[str]:
    """`convert_text` for several writers within one `timeout`: the kept pandoc reads the
    text once for all of them (reading is most of the cost); a text too large for it gets a
    pandoc per writer. A conversion made lately in this process is not made again
    (`converted`)."""
    source = text.encode()
    key = hashlib.blake2b(f"{reader} {','.join(writers)}\n".encode() + source).digest()
    with _converted_lock:
        kept = converted.get(key)
    if kept is not None:
        return list(kept)
    outputs = _convert_texts(source, reader, writers, timeout)
    if _outputs_size(outputs) <= converted.maxsize // 16:  # one essay never empties it
        with _converted_lock:
            converted[key] = tuple(outputs)
    return outputs


def _convert_texts(source: bytes, reader: str, writers: Sequence[str], timeout: int) -> list[str]:
    if len(source) > RESIDENT_MAX_BYTES:
        deadline = time.monotonic() + timeout
        return [
            essay_pandoc(
                ["-f", reader, "-t", writer, "--wrap=none"],
                source,
                max(1, math.ceil(deadline - time.monotonic())),
            )
            for writer in writers
        ]
    request = f"{reader} {','.join(writers)} {len(source)}\n".encode() + source
    with conversion_slot(timeout) as slot:
        resident = resident_pandocs[slot]
        try:
            status, output = resident.exchange(request, timeout, _answer_size)
        except subprocess.TimeoutExpired as error:
            raise IntakeError(_ESSAY_FAILURES[PandocFailure.TIMEOUT]) from error
        except (ResidentStopped, OSError, ValueError) as error:
            reason = getattr(error, "reason", str(error))
            log.warning("pandoc stopped during a conversion: %s", reason)
            exhausted = getattr(error, "returncode", None) == HEAP_EXHAUSTED
            failure = (
                PandocFailure.HEAP
                if exhausted or "Heap exhausted" in reason
                else PandocFailure.ERROR
            )
            raise IntakeError(_ESSAY_FAILURES[failure]) from error
        if int(status.split(b" ")[2]) > RESIDENT_MAX_WARNINGS:
            resident.stop()
    if not status.startswith(b"ok "):
        log.warning("pandoc could not convert an essay: %s", output[-500:])
        raise IntakeError(_ESSAY_FAILURES[PandocFailure.ERROR])
    outputs = _outputs(output)
    if len(outputs) != len(writers):
        log.warning("pandoc answered %d outputs for %d writers", len(outputs), len(writers))
        raise IntakeError(_ESSAY_FAILURES[PandocFailure.ERROR])
    return outputs


def _outputs(answer: bytes) -> list[str]:
    """Each writer's output from the server's answer: its byte length on a line, then it.
    An answer that does not end where its last output does gives no output at all."""
    outputs, start = [], 0
    while start < len(answer):
        line_end = answer.find(b"\n", start)
        size = answer[start:line_end]
        if line_end < 0 or not size.isdigit() or line_end + 1 + int(size) > len(answer):
            return []
        start = line_end + 1 + int(size)
        try:
            outputs.append(answer[line_end + 1 : start].decode("utf-8"))
        except UnicodeDecodeError:
            return []
    return outputs


def _answer_size(status: bytes) -> int:
    """How many bytes follow the server's answer line ("ok 123 0", "error 45 2")."""
    return int(status.split(b" ")[1])


@contextmanager
def conversion_slot(timeout: int) -> Iterator[int]:
    """At most MAX_CONVERSIONS conversions at once on this machine, across threads and
    worker processes (one lock file per slot; a killed process frees its slot). Waits up to
    `timeout` seconds, then asks the person to try again. Gives the slot's number."""
    folder = os.path.join(tempfile.gettempdir(), SLOTS_FOLDER)
    os.makedirs(folder, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        for number in range(MAX_CONVERSIONS):
            handle = open(os.path.join(folder, f"slot-{number}"), "a+b")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield number
            finally:
                handle.close()  # closing the file releases the lock
            return
        if time.monotonic() >= deadline:
            raise IntakeError(_l("Máy chủ đang bận xử lý nhiều tệp. Vui lòng thử lại sau ít phút."))
        time.sleep(0.2)


def markdown_to_text_and_html(markdown: str, timeout: int = 30) -> tuple[str, str]:
    """Plain text of the essay, for the word count and the leak scan, and its HTML as
    `markdown_to_html` makes it, from one reading of the markdown (`convert_texts`): the
    text is read exactly as the reading pages read it, so "<!-- a name -->", which they show
    as text, is scanned too."""
    text, html = convert_texts(markdown, MARKDOWN_IN, ("plain", "html5"), timeout)
    return nfc(text), html


def markdown_to_html(markdown: str, timeout: int = 30) -> str:
    """HTML of the essay for reading pages; raw HTML in the source is not passed through."""
    return convert_text(markdown, MARKDOWN_IN, "html5", timeout)


def markdowns_to_html(markdowns: list[str], timeout: int = 60) -> list[str]:
    """HTML of many essays from one pandoc run (loading a large demo): each essay's own
    HTML, as `markdown_to_html` makes it, found between marker paragraphs. Should a marker
    not come out whole (an essay swallowed it), each essay is converted on its own."""
    if not markdowns:
        return []
    marker = f"gs-split-{secrets.token_hex(8)}"
    joined = f"\n\n{marker}\n\n".join(m.strip() for m in markdowns)
    parts = markdown_to_html(joined, timeout).split(f"<p>{marker}</p>\n")
    if len(parts) != len(markdowns):
        return [markdown_to_html(m, timeout) for m in markdowns]
    return parts


def rewrite_markdown(
    markdown: str,
    picture: Callable[[str], str | None],
    links: essay_ast.LinkPolicy,
    timeout: int = 30,
) -> tuple[str, essay_ast.Outcome]:
    """Stored essay markdown passed through `essay_ast.clean_tree` (see there)."""
    cleaned, outcome, _readings = _rewrite(markdown, picture, links, (), timeout)
    return cleaned, outcome


def rewrite_and_read(
    markdown: str,
    picture: Callable[[str], str | None],
    links: essay_ast.LinkPolicy,
    timeout: int = 30,
) -> tuple[str, essay_ast.Outcome, tuple[str, str] | None]:
    """`rewrite_markdown`, and, when the cleaning changed nothing, the plain text and HTML
    from the same reading (the words of the rewritten markdown; its HTML may lack what a
    markdown round trip adds, such as a table's column alignment); else None, and the
    caller reads the rewritten markdown."""
    cleaned, outcome, readings = _rewrite(markdown, picture, links, ("plain", "html5"), timeout)
    return cleaned, outcome, (nfc(readings[0]), readings[1]) if readings else None


def _rewrite(
    markdown: str,
    picture: Callable[[str], str | None],
    links: essay_ast.LinkPolicy,
    also: tuple[str, ...],
    timeout: int,
) -> tuple[str, essay_ast.Outcome, list[str]]:
    """One reading of `markdown` gives its tree, the tree written back as markdown and the
    `also` writers' outputs. A tree the cleaning leaves as it was needs nothing more (the
    written markdown is what writing the cleaned tree gives: a pandoc tree survives JSON
    whole); a changed one is written again, and `also` is dropped. Reading is most of a
    conversion's cost: most essays, with no picture or link, cost one instead of three."""
    read, written, *readings = convert_texts(
        markdown, MARKDOWN_IN, ("json", MARKDOWN_OUT, *also), timeout
    )
    tree = json.loads(read)
    outcome = essay_ast.clean_tree(tree, picture, links)
    if tree == json.loads(read):
        return written, outcome, readings
    return tree_to_markdown(tree, timeout), outcome, []


def tree_to_markdown(tree: dict, timeout: int) -> str:
    return convert_text(json.dumps(tree), "json", MARKDOWN_OUT, timeout)
