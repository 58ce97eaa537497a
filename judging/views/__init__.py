"""Judging pages, split by audience: organisers (setup, panel, rọc phách, opening),
organiser results (ties, finalisation, reliability, export), judges (queue, scoring, head
judge), units (a unit round's own judging, issue 14) and public (winners). One blueprint,
`judging`, shared by all of them.

Judges reach entries only by blind code; nothing they can open names the author, the unit,
the file or the entry's id."""

from __future__ import annotations

from judging.views import judges, organiser_results, organisers, public, units
from judging.views.common import bp

__all__ = ["bp", "judges", "organiser_results", "organisers", "public", "units"]
