"""A helper program kept running between requests, for tools whose start costs more than
their work: EPUBCheck's JVM (4 s to compile its schemas) and pandoc (a 160 MB program mapped
anew for each essay). Each keeper runs one helper per Python process, one request at a time
(converter.py keeps one per conversion slot); the helper is stopped after `idle_seconds`
unused, on an overrun, when a request is interrupted in any way (so that no answer is left
unread for the next request), and at exit.

The helper is started from a thread kept for that purpose, so that a helper started under
`setpriv --pdeathsig` dies with this process, not with the request thread that first used it.
A forked child forgets its parent's helper (and a lock a parent's thread may have held) and
starts its own."""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from weakref import WeakSet

_ALL: WeakSet[ResidentProcess] = WeakSet()


class ResidentStopped(Exception):
    """The helper ended without answering (it could not start, it crashed, or it ran out of
    memory): `reason` is the end of what it wrote on its error stream during that request,
    `returncode` its exit status."""

    def __init__(self, reason: str, returncode: int | None) -> None:
        super().__init__(reason)
        self.reason, self.returncode = reason, returncode


class ResidentProcess:
    """One helper per process. `command` gives its command line when it starts; `exchange`
    sends a request and reads the answer: a line, then as many bytes as `body_size` reads off
    that line."""

    def __init__(
        self,
        command: Callable[[], list[str]],
        idle_seconds: float,
        new_session: bool = False,
        max_memory_mb: int | None = None,
    ) -> None:
        """`max_memory_mb`: a helper found holding more memory of its own than this after a
        request is stopped (the next request starts another), so that an idle helper holds no
        more. Its own: resident, less the pages it shares with files (its program's code)."""
        self.command, self.idle_seconds, self.new_session = command, idle_seconds, new_session
        self.max_memory_mb = max_memory_mb
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._launcher: ThreadPoolExecutor | None = None
        self._errors = None
        self._pending = b""
        self._owner = 0
        self._last_used = 0.0
        atexit.register(self.stop, 5)
        _ALL.add(self)

    @property
    def process(self) -> subprocess.Popen | None:
        """The helper now running, if any."""
        return self._process

    def exchange(
        self, request: bytes, timeout: float, body_size: Callable[[bytes], int] = lambda _: 0
    ) -> tuple[bytes, bytes]:
        """The answer's first line (without its line break) and the bytes that follow it.
        Raises subprocess.TimeoutExpired past `timeout` seconds, ResidentStopped when the
        helper ends without an answer; after either, or any other interruption (a `body_size`
        that cannot read the line included), the helper is gone. A request that times out
        while waiting for another's turn leaves the helper running."""
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=timeout):
            raise subprocess.TimeoutExpired(self.command()[0], timeout)
        try:
            process = self._running()
            try:
                self._errors.seek(0)
                self._errors.truncate()  # the reason, should it fail, is this request's
                self._send(process, request, deadline, timeout)
                header = self._receive(process, deadline, timeout, line=True)
                body = self._receive(process, deadline, timeout, size=body_size(header))
            except BaseException:
                self._stop(kill=True)
                raise
            self._last_used = time.monotonic()
            if self.max_memory_mb is not None and _own_memory_mb(process.pid) > self.max_memory_mb:
                self._stop()
            return header, body
        finally:
            self._lock.release()

    def stop(self, wait: float = -1) -> None:
        """Stop the helper, if one runs (the next request starts another). With `wait`
        seconds, a request still running past them is cut short (at exit)."""
        if self._lock.acquire(timeout=wait):
            try:
                self._stop()
            finally:
                self._lock.release()
        else:
            self._stop(kill=True)

    def _watch_idle(self, process: subprocess.Popen, seconds: float) -> None:
        """One timer per helper, set again until the helper has been unused long enough."""
        timer = threading.Timer(seconds, self._stop_if_idle, args=(process,))
        timer.daemon = True
        timer.start()

    def _stop_if_idle(self, process: subprocess.Popen) -> None:
        with self._lock:
            if self._process is not process:
                return  # stopped already; a later helper has its own timer
            left = self._last_used + self.idle_seconds - time.monotonic()
            if left <= 0:
                self._stop()
                return
        self._watch_idle(process, left)

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._owner == os.getpid():
            if self._process.poll() is None:
                return self._process
            self._stop()
        if self._owner != os.getpid():
            # A forked child starts its own helper and launcher, leaving the parent's be.
            self._process, self._owner = None, os.getpid()
            self._launcher = ThreadPoolExecutor(1, thread_name_prefix="resident-launcher")
        self._errors = tempfile.TemporaryFile()
        self._pending = b""
        try:
            self._process = self._launcher.submit(
                subprocess.Popen,
                self.command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                bufsize=0,
                start_new_session=self.new_session,
            ).result()
        except BaseException:
            self._errors.close()
            raise
        os.set_blocking(self._process.stdin.fileno(), False)
        self._last_used = time.monotonic()
        self._watch_idle(self._process, self.idle_seconds)
        return self._process

    def _send(self, process: subprocess.Popen, request: bytes, deadline: float, timeout: float):
        view = memoryview(request)
        with selectors.DefaultSelector() as waiting:
            waiting.register(process.stdin, selectors.EVENT_WRITE)
            while view:
                if not waiting.select(max(0.0, deadline - time.monotonic())):
                    raise subprocess.TimeoutExpired(self.command()[0], timeout)
                try:
                    view = view[os.write(process.stdin.fileno(), view) :]
                except BrokenPipeError:
                    raise self._ended(process) from None

    def _receive(
        self, process: subprocess.Popen, deadline: float, timeout: float, *, line=False, size=0
    ) -> bytes:
        """A line (without its break), or `size` bytes, read by the deadline."""
        with selectors.DefaultSelector() as waiting:
            waiting.register(process.stdout, selectors.EVENT_READ)
            while (b"\n" not in self._pending) if line else (len(self._pending) < size):
                if not waiting.select(max(0.0, deadline - time.monotonic())):
                    raise subprocess.TimeoutExpired(self.command()[0], timeout)
                chunk = os.read(process.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise self._ended(process)
                self._pending += chunk
        if line:
            answer, _, self._pending = self._pending.partition(b"\n")
        else:
            answer, self._pending = self._pending[:size], self._pending[size:]
        return answer

    def _ended(self, process: subprocess.Popen) -> ResidentStopped:
        try:
            returncode = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            returncode = None
        self._errors.seek(0)
        return ResidentStopped(self._errors.read().decode("utf-8", "replace")[-300:], returncode)

    def _stop(self, kill: bool = False) -> None:
        """Stop the helper (`kill`: at once, in the middle of a request)."""
        process, self._process = self._process, None
        if process is None or self._owner != os.getpid():
            return
        if kill:
            # With a session of its own, whatever the helper started goes with it.
            with contextlib.suppress(ProcessLookupError):  # ended already, children too
                if self.new_session:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
        try:
            process.stdin.close()  # the helper ends at the end of its input
        except BrokenPipeError:
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        self._errors.close()

    def _forget(self) -> None:
        """In a forked child: the parent's helper and lock are the parent's."""
        self._lock = threading.Lock()
        self._process, self._launcher, self._owner = None, None, 0


def _own_memory_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            _size, resident, shared = (int(pages) for pages in fh.read().split()[:3])
        return (resident - shared) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _forget_all_in_child() -> None:
    for resident in list(_ALL):
        resident._forget()


os.register_at_fork(after_in_child=_forget_all_in_child)
