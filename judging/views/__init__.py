"""Judging pages, split by audience: organisers (setup, panel, rọc phách, opening),
organiser results (ties, finalisation, reliability, export), judges (queue, scoring, head
judge) and units (a unit round's own judging). One blueprint, `judging`, shared by all of
them; the public results pages are the anthology's.

Judges reach entries only by blind code; nothing they can open names the author, the unit,
the file or the entry's id."""

from __future__ import annotations

from judging.views import judges, organiser_results, organisers, units
from judging.views.common import bp

__all__ = ["bp", "judges", "organiser_results", "organisers", "units"]
