"""The anthology's receivers of the core's signals (`contest.signals`): its links in the
core's pages (the book, publishing, the public results, an author's published result), the
news feed every page announces, and its demo stage — connected for one app by `connect(app)`."""

from __future__ import annotations

import json

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_login import current_user

from anthology import demo
from anthology.services import certificates
from contest import signals
from contest.demo import STAGES
from contest.platform.db import db
from contest.policy import can_download_certificate, can_manage_round
from judging import wording
from judging.services.reports import official_result


def _home_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    contest = obj
    links = []
    if current_user.is_province_organiser and contest.is_finalised:
        links.append(
            (
                _("Tuyển tập (DOCX, EPUB, PDF) và giấy chứng nhận"),
                url_for("anthology.overview", slug=contest.slug),
            )
        )
    if current_user.is_province_organiser and not contest.is_draft:
        links.append(
            (
                _("Công bố: kết quả, tin tức, trang nhúng"),
                url_for("anthology.publication_page", slug=contest.slug),
            )
        )
        links.append(
            (
                _("Thống kê: bài theo thời gian, lĩnh vực, giám khảo"),
                url_for("anthology.statistics_page", slug=contest.slug),
            )
        )
    return links


def _public_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    """Everyone: the contest's news, and its results once the board published them."""
    contest = obj
    if contest.is_draft:
        return []
    links = [(_("Tin tức"), url_for("public.news", slug=contest.slug))]
    if contest.are_results_public:
        links.insert(
            0,
            (
                _("Kết quả, bài đoạt giải và tuyển tập"),
                url_for("public.results", slug=contest.slug),
            ),
        )
    return links


def _entry_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    """Once the board published the results, the entry's official score and prize (never
    who gave what); before that nobody learns a result from an entry's page."""
    entry = obj
    if not entry.contest.are_results_public:
        return []
    award, score = official_result(db.session, entry)
    if award is None:
        return []
    label = _(
        "Kết quả: %(prize)s — %(score)s điểm",
        prize=award.prize_level.name if award.prize_level else _("không đạt giải"),
        score=f"{score:g}" if score is not None else "—",
    )
    url = url_for("public.results", slug=entry.contest.slug)
    notes = wording.tie_break_texts(json.loads(award.tie_breaks), name_other=False)
    return [(label, url)] + [(text, url) for text in notes]


def _certificate_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    """The author's certificate of their province prize, once the board published the
    results (the province's organisers, once finalised); and of each unit's own prize its
    unit issued."""
    entry = obj
    here = {"slug": entry.contest.slug, "entry_id": entry.id}
    links = []
    if current_user.is_authenticated and entry.author_id == current_user.id:
        for round_ in certificates.unit_certificate_rounds(db.session, entry):
            for fmt in ("docx", "pdf"):
                links.append(
                    (
                        _(
                            "Giấy chứng nhận giải của %(unit)s (%(fmt)s)",
                            unit=round_.unit.name,
                            fmt=fmt.upper(),
                        ),
                        url_for(
                            "anthology.author_unit_certificate",
                            code=round_.unit.code,
                            fmt=fmt,
                            **here,
                        ),
                    )
                )
    if not can_download_certificate(current_user, entry):
        return links
    award, _score = official_result(db.session, entry)
    if award is None or award.prize_level is None:
        return links
    return links + [
        (
            _("Giấy chứng nhận %(prize)s (DOCX)", prize=award.prize_level.name),
            url_for("anthology.author_certificate", fmt="docx", **here),
        ),
        (
            _("Giấy chứng nhận %(prize)s (PDF)", prize=award.prize_level.name),
            url_for("anthology.author_certificate", fmt="pdf", **here),
        ),
    ]


def _round_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    """Once a unit's round has sent its choice up, its letter for those who run the round."""
    round_ = obj
    if round_.is_province or round_.closed_at is None:
        return []
    if not can_manage_round(current_user, round_):
        return []
    url = url_for("anthology.forwarding_letter", slug=round_.contest.slug, round_id=round_.id)
    return [(_("Công văn giới thiệu bài và hồ sơ gửi lên"), url)]


def _feeds(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    return [(_("Tin tức các cuộc thi"), url_for("public.atom"))]


def _nav_links(sender, obj) -> list[tuple[str, str]]:  # noqa: ARG001
    contest = obj
    if current_user.is_province_organiser and contest.is_finalised:
        return [(_("Tuyển tập"), url_for("anthology.overview", slug=contest.slug))]
    return []


def _demo_stages(sender) -> dict:  # noqa: ARG001
    """The book's settings, with the demo's first stage."""
    return {STAGES[0]: demo.demo_stage}


def connect(app: Flask) -> None:
    """Connect the anthology's receivers for `app`."""
    signals.home_links.connect(_home_links, sender=app)
    signals.public_home_links.connect(_public_links, sender=app)
    signals.entry_links.connect(_entry_links, sender=app)
    signals.entry_links.connect(_certificate_links, sender=app)
    signals.feeds.connect(_feeds, sender=app)
    signals.round_links.connect(_round_links, sender=app)
    signals.nav_links.connect(_nav_links, sender=app)
    signals.demo_stages.connect(_demo_stages, sender=app)
