"""Places in the core's pages where packages built on top add their own links.

The core never imports judging or anthology; they register a callable per slot here."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

SLOTS = (
    "extra_home_links",
    "public_home_links",
    "entry_extra_links",
    "round_extra_links",
    "nav_links",
    "home_facts",
)


def register(app: Flask, slot: str, provider: Callable[..., list[tuple[str, str]]]) -> None:
    """`provider(obj)` returns (label, url) pairs to show in `slot`."""
    assert slot in SLOTS, slot
    app.extensions.setdefault("guongsang.links", {}).setdefault(slot, []).append(provider)


def collect(slot: str):
    def links(obj) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for provider in current_app.extensions.get("guongsang.links", {}).get(slot, []):
            found.extend(provider(obj))
        return found

    return links


def init_app(app: Flask) -> None:
    @app.context_processor
    def link_slots() -> dict:
        return {slot: collect(slot) for slot in SLOTS}
