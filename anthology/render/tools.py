"""The external programs of a book build (pandoc, Typst, EPUBCheck) run one way: captured
output, a time limit, and an overrun turned into the build's own error."""

from __future__ import annotations

import subprocess

from anthology.errors import BookBuildError


def run_tool(
    command: list[str], overrun_message, timeout: int, cwd: str | None = None
) -> subprocess.CompletedProcess:
    """Run `command`; past `timeout` seconds it is killed and the build fails with
    `overrun_message`. The caller judges the exit status."""
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BookBuildError(overrun_message) from exc


def error_tail(done: subprocess.CompletedProcess, size: int = 500) -> str:
    """The end of what the program wrote on its error stream, for the build's message."""
    return done.stderr.decode("utf-8", "replace")[-size:]
