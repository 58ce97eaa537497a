"""The news as an Atom feed for the provincial portal (feedgen writes it), and the
`Content-Security-Policy` of the winners widget other sites frame."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from anthology.models import Announcement


def atom_feed(
    news: list[Announcement],
    *,
    title: str,
    subtitle: str,
    home: str,
    self_url: str,
    link_of: Callable[[Announcement], str],
    now: datetime,
) -> bytes:
    """Atom 1.0 of `news` (newest first): each piece of news links to `link_of(news)`, an
    absolute address that is also its id. With no news yet, the feed was updated `now`."""
    generator = FeedGenerator()
    generator.id(home)
    generator.title(title)
    generator.subtitle(subtitle)
    generator.link(href=home, rel="alternate")
    generator.link(href=self_url, rel="self")
    generator.language("vi")
    updated = max((n.posted_at for n in news), default=None) or now
    generator.updated(updated.replace(tzinfo=UTC))
    for item in reversed(news):  # feedgen writes the last one added first
        entry = generator.add_entry()
        link = link_of(item)
        entry.id(link)
        entry.title(item.title)
        entry.link(href=link, rel="alternate")
        entry.content(item.body or item.title, type="text")
        entry.published(item.posted_at.replace(tzinfo=UTC))
        entry.updated(item.posted_at.replace(tzinfo=UTC))
        entry.author(name=item.contest.title)
    return generator.atom_str(pretty=True)


def widget_policy(origins: list[str]) -> str:
    """The widget's own policy: nothing runs, nothing loads but this site's stylesheet, and
    only this site and the named origins may frame it."""
    ancestors = " ".join(["'self'", *origins])
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )
