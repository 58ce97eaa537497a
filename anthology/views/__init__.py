"""The anthology's pages, split by audience: the book's (organisers: front matter, contents,
builds, certificates), the board's publishing (results, news, widget), the public pages and
feed, and the read-only API for the provincial portal. A blueprint each."""

from __future__ import annotations

from anthology.views import api, book, public, publishing

BLUEPRINTS = (book.bp, public.bp, api.bp)

__all__ = ["BLUEPRINTS", "api", "book", "public", "publishing"]
