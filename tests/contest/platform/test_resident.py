"""A helper kept running between requests (contest/platform/resident.py), tried with a
small shell helper: answers read whole, and no helper left behind when a request overruns,
when it dies between or during requests, or when it goes unused."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from contest.platform.resident import ResidentProcess, ResidentStopped

# Answers "<word> <size>" and then <size> bytes of body, sent in two writes; "sleep" hangs
# (with a child of its own), "die" writes a reason and ends with status 3.
HELPER = """\
while read word; do
  case "$word" in
    sleep) sleep 300 & echo $! > "$1"; wait ;;
    die) echo "out of luck" >&2; exit 3 ;;
    *) printf '%s 10\\n01234' "$word"; sleep 0.05; printf '56789' ;;
  esac
done
"""


def _body(header: bytes) -> int:
    return int(header.split()[1])


@pytest.fixture
def helper(tmp_path):
    script = tmp_path / "helper.sh"
    script.write_text(HELPER)
    resident = ResidentProcess(
        lambda: ["/bin/sh", str(script), str(tmp_path / "child.pid")], 300, new_session=True
    )
    yield resident
    resident.stop()


def test_one_helper_answers_request_after_request(helper):
    assert helper.exchange(b"a\n", 10, _body) == (b"a 10", b"0123456789")
    first = helper.process
    assert helper.exchange(b"b\n", 10, _body) == (b"b 10", b"0123456789")
    assert helper.process is first and first.poll() is None


def test_an_overrun_kills_the_helper_and_its_children(helper, tmp_path):
    helper.exchange(b"a\n", 10, _body)
    hung = helper.process
    with pytest.raises(subprocess.TimeoutExpired):
        helper.exchange(b"sleep\n", 0.5, _body)
    assert helper.process is None and hung.poll() is not None
    child = int((tmp_path / "child.pid").read_text())
    time.sleep(0.2)
    assert not os.path.exists(f"/proc/{child}") or _state(child) == "Z"
    assert helper.exchange(b"c\n", 10, _body) == (b"c 10", b"0123456789")  # another starts


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[1].split()[0]


def test_a_helper_that_dies_answering_says_why(helper):
    with pytest.raises(ResidentStopped) as stopped:
        helper.exchange(b"die\n", 10, _body)
    assert stopped.value.returncode == 3 and "out of luck" in stopped.value.reason
    assert helper.process is None


def test_a_helper_killed_between_requests_is_replaced(helper):
    helper.exchange(b"a\n", 10, _body)
    killed = helper.process
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(10)
    assert helper.exchange(b"b\n", 10, _body) == (b"b 10", b"0123456789")
    assert helper.process is not killed


def test_an_unreadable_answer_stops_the_helper(helper):
    with pytest.raises(IndexError):
        helper.exchange(b"a\n", 10, lambda header: int(header.split()[5]))
    assert helper.process is None


def test_an_unused_helper_stops_by_itself(helper):
    helper.idle_seconds = 0.3
    helper.exchange(b"a\n", 10, _body)
    started = helper.process
    time.sleep(0.2)
    helper.exchange(b"b\n", 10, _body)  # used again: the timer waits on
    assert helper.process is started
    assert started.wait(timeout=10) is not None
    assert helper.process is None


def test_a_helper_that_cannot_start_is_an_error_not_a_hang(tmp_path):
    resident = ResidentProcess(lambda: [str(tmp_path / "missing")], 300)
    with pytest.raises(OSError):
        resident.exchange(b"a\n", 10)
    assert resident.process is None
