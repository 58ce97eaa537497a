"""Workers started at the same moment, for the tests of races (two clicks, two judges)."""

from __future__ import annotations

import threading


def run_together(workers) -> list[str]:
    """Start every worker at the same moment; what went wrong, as text (empty when all did
    well). A worker reports a problem by returning it."""
    barrier = threading.Barrier(len(workers))
    problems: list[str] = []

    def run(work):
        try:
            problems.extend(work(barrier.wait))
        except Exception as error:  # a 500 raises in the test client (TESTING)
            problems.append(repr(error))

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # A worker still running would write into the next test's database.
    problems.extend(f"{t.name} still runs after 300 s" for t in threads if t.is_alive())
    return problems
