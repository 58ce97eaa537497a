"""The core's extension points, each a blinker signal declared once here (as Indico's
`indico/core/signals/`). Packages built on the core connect their receivers in their own
`hooks.py`, for their app (`connect(receiver, sender=app)`); the core sends with the current
app as sender and never imports them.

Link signals: each receiver returns a list of (label, url) pairs for the object sent."""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import current_app

_signals = Namespace()

home_links = _signals.signal(
    "home-links", doc="Links on the home page under a contest, for the signed-in user."
)
public_home_links = _signals.signal(
    "public-home-links", doc="Links on the home page under a contest, for everyone."
)
home_facts = _signals.signal(
    "home-facts", doc="(label, text) facts about a contest on the home page (its prizes …)."
)
nav_links = _signals.signal("nav-links", doc="Places in the header for the newest contest.")
feeds = _signals.signal(
    "feeds", doc="(title, url) of the Atom feeds every page announces in its head (`obj` None)."
)
entry_links = _signals.signal("entry-links", doc="Links on an entry's page (`obj` an Entry).")
round_links = _signals.signal("round-links", doc="Links on a unit round's page (`obj` a Round).")
ticking = _signals.signal(
    "ticking",
    doc="A round is about to tick entries or forward by ticks (`obj` the Round): a receiver "
    "raises a domain error to refuse (a unit that holds its own judging forwards by results).",
)
intake = _signals.signal(
    "intake",
    doc="Unit rounds of a contest (`obj`) that take no more essays for a reason of the "
    "receiver's package (judging: the unit's own judging has begun or published its results): "
    "each receiver returns {round id: the reason, a sentence for the entrant}.",
)
forward_ways = _signals.signal(
    "forward-ways",
    doc="Each receiver returns {way: handler(session, round_, actor, now, entry_ids, reason)}: "
    "ways a unit round sends its entries up other than by ticks (judging: 'by-results', its "
    "own judging's proposal when `entry_ids` is None). A handler returns the "
    "`forwarding.ForwardResult` or raises a domain error.",
)
reminders = _signals.signal(
    "reminders",
    doc="Deadline reminders due for a contest (`obj`) at `now`: each receiver sends its own "
    "package's (judging: judges who have not finished) in the caller's unit of work, once "
    "each, and returns how many people it told.",
)
demo_stages = _signals.signal(
    "demo-stages",
    doc="Each receiver returns {demo stage: handler(contest, seed, files)}, run after the core's "
    "part of that stage, in the order the packages connected.",
)
contest_file = _signals.signal(
    "contest-file",
    doc="Each receiver returns a `services.contest_file.FileSection`: the key it owns in a "
    "contest file, and how to write, check and load it (judging's rubric, stages, prizes).",
)

LINK_SIGNALS = {
    "extra_home_links": home_links,
    "public_home_links": public_home_links,
    "home_facts": home_facts,
    "nav_links": nav_links,
    "site_feeds": feeds,
    "entry_extra_links": entry_links,
    "round_extra_links": round_links,
}


def _sender() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def collected(signal, obj) -> list:
    """Every receiver's list for `obj`, joined in the order they connected."""
    found: list = []
    for _receiver, value in signal.send(_sender(), obj=obj):
        found.extend(value or [])
    return found


def demo_stage_handlers() -> list[dict]:
    """What each package adds to the demo's stages, in the order they connected."""
    return [value for _receiver, value in demo_stages.send(_sender())]


def contest_file_sections() -> list:
    """Every package's section of a contest file, in the order the packages connected."""
    return [value for _receiver, value in contest_file.send(_sender())]


def intake_closures(contest) -> dict[int, str]:
    """Every receiver's {round id: reason} for the rounds of `contest` closed to new essays."""
    found: dict[int, str] = {}
    for _receiver, value in intake.send(_sender(), obj=contest):
        found.update(value or {})
    return found


def forward_way(name: str):
    """The handler a package gave for sending a round up by `name`; None if none did."""
    for _receiver, value in forward_ways.send(_sender()):
        if name in (value or {}):
            return value[name]
    return None


def send_reminders(session, contest, now) -> int:
    """Every package's reminders due for `contest` at `now`; how many people were told."""
    return sum(
        value or 0
        for _receiver, value in reminders.send(_sender(), obj=contest, session=session, now=now)
    )


def check_ticking(round_) -> None:
    """Run every receiver of `ticking`: one that refuses raises its domain error."""
    ticking.send(_sender(), obj=round_)
