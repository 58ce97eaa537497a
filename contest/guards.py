"""Rules that packages built on the core add to tick-and-forward. The core never imports
them: judging registers, for instance, that a unit round holding its own judging sends its
entries up by its results, not by ticks (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from contest.models import Round

ForwardGuard = Callable[[Round], None]


def register_forward_guard(app: Flask, guard: ForwardGuard) -> None:
    """`guard(round_)` raises a domain error when the round may not tick and forward."""
    app.extensions.setdefault("guongsang.forward_guards", []).append(guard)


def check_tick_and_forward(round_: Round) -> None:
    """Run every registered guard: the views and the CLI call this before ticking or
    forwarding, so a refusal reaches the user as the guard's message."""
    for guard in current_app.extensions.get("guongsang.forward_guards", []):
        guard(round_)
