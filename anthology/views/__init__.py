"""The anthology's pages, split by audience: the book's (organisers: front matter, contents,
builds, the printed cover, certificates), units' forwarding letters, the board's publishing
(results, news, widget, papers, proposals) — one `anthology` blueprint — then the public
pages and feed (`public`) and the read-only API for the provincial portal (`api`)."""

from __future__ import annotations

from anthology.views import api, authors, book, cover, letters, public, publishing

BLUEPRINTS = (book.bp, public.bp, api.bp)

__all__ = ["BLUEPRINTS", "api", "authors", "book", "cover", "letters", "public", "publishing"]
