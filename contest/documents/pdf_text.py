"""The text layer of a PDF essay, with its paragraphs rebuilt. Layout and pictures are not kept;
a scanned PDF (pictures of pages, no text) has nothing to give and is refused by the caller.

The PDF is read in a child process under a time and memory limit: a crafted PDF of a few KB can
ask for minutes of CPU or gigabytes of memory, and must cost the web worker neither."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys

from pypdf import PdfReader

# A line that ends like this closes its paragraph; any other line runs on into the next.
_PARAGRAPH_END = re.compile(r"[.!?…:;»”\"')]\s*$")
MIN_TEXT_CHARACTERS = 20


class PdfUnreadable(Exception):
    """Broken, encrypted, or holding no text (a scan)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}".strip()
        if _PARAGRAPH_END.search(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024


def extract_text(data: bytes, timeout: int = 30, max_pages: int = 200) -> str:
    """Plain text, paragraphs separated by a blank line, read in a limited child process."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))

    try:
        done = subprocess.run(
            # This file run as a script, isolated (-I): it imports pypdf alone, not the app
            # (1.5 s of CPU per PDF), nor anything from the working folder.
            [sys.executable, "-I", os.path.abspath(__file__), str(max_pages)],
            input=data,
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfUnreadable("broken") from exc
    if done.returncode != 0:
        raise PdfUnreadable("broken")
    answer = json.loads(done.stdout)
    if "error" in answer:
        raise PdfUnreadable(answer["error"])
    return answer["text"]


def _read(data: bytes, max_pages: int) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable("encrypted")
        if len(reader.pages) > max_pages:
            raise PdfUnreadable("too_many_pages")
        lines = []
        for page in reader.pages:
            lines.extend((page.extract_text() or "").splitlines())
            lines.append("")
    except PdfUnreadable:
        raise
    except Exception as exc:  # pypdf raises many kinds on crafted files: all mean "broken"
        raise PdfUnreadable("broken") from exc
    text = "\n\n".join(_paragraphs(lines))
    if sum(1 for ch in text if ch.isalnum()) < MIN_TEXT_CHARACTERS:
        raise PdfUnreadable("no_text")
    return text


if __name__ == "__main__":
    # The child: PDF bytes on stdin, {"text": …} or {"error": reason} on stdout.
    try:
        result = {"text": _read(sys.stdin.buffer.read(), int(sys.argv[1]))}
    except PdfUnreadable as error:
        result = {"error": error.reason}
    sys.stdout.write(json.dumps(result))
