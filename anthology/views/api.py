"""The read-only JSON API for the provincial portal (`/api/v1/…`), described by the OpenAPI
3.1 document at `/api/openapi.json` (`anthology/openapi.py`; the tests check every answer
against it). It says what the public pages say and no more: results, profiles and the book
only once the board publishes them, a 404 before. Answers may be cached a minute by anyone
(ETag, conditional requests), are throttled like the public pages and may be read from any
site's scripts (nothing in them is private)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from anthology import openapi
from anthology.services import publication
from anthology.views.public import PUBLIC_MAX_AGE_SECONDS, absolute
from contest.models import Contest
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.platform.throttle import limiter
from contest.services.queries import contests_newest_first

bp = Blueprint("api", __name__, url_prefix="/api")
limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(bp)


class NotPublished(Exception):
    """Asked for something that is not public (an unknown contest, a draft, results not
    published yet): one 404 for all, so a draft's name cannot be probed."""


@bp.errorhandler(NotPublished)
@bp.errorhandler(404)  # any other 404 of an API address (a refused one) answers in JSON too
def _not_published(error: Exception):
    return _cached(jsonify(error="not_found", message=_("Không có dữ liệu công khai.")), 404)


@bp.after_request
def _open_to_other_sites(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _cached(response: Response, status: int = 200) -> Response:
    response.status_code = status
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE_SECONDS
    if status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def _contest(slug: str, *, results: bool = False) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None or contest.is_draft or (results and not contest.are_results_public):
        raise NotPublished
    return contest


def _summary(contest: Contest) -> dict:
    public = contest.are_results_public
    return {
        "slug": contest.slug,
        "title": contest.title,
        "stage": contest.stage_label(utcnow()),
        "opens_at": contest.opens_at.isoformat() + "Z",
        "closes_at": contest.closes_at.isoformat() + "Z",
        "results_public": public,
        "links": {
            "news": absolute(url_for("public.news", slug=contest.slug)),
            "feed": absolute(url_for("public.atom", slug=contest.slug)),
            "results": absolute(url_for("public.results", slug=contest.slug)) if public else None,
        },
    }


@bp.route("/openapi.json")
def openapi_document():
    return _cached(jsonify(openapi.document(absolute(url_for("api.contests")))))


@bp.route("/v1/contests")
def contests():
    found = contests_newest_first(db.session)
    return _cached(jsonify(contests=[_summary(c) for c in found]))


@bp.route("/v1/contests/<slug>")
def contest(slug: str):
    found = _contest(slug)
    news = [
        {"id": n.id, "title": n.title, "body": n.body, "posted_at": n.posted_at.isoformat() + "Z"}
        for n in publication.announcements(db.session, found)
    ]
    return _cached(jsonify(contest=_summary(found), news=news))


@bp.route("/v1/contests/<slug>/winners")
def winners(slug: str):
    found = _contest(slug, results=True)
    rows = [
        {
            "prize": w.prize,
            "prize_order": w.prize_position,
            "shared": w.is_shared,
            "title": w.title,
            "author": w.author,
            "unit": {"code": w.unit_code, "name": w.unit_name},
            "subject": {
                "name": w.subject,
                "kind": w.subject_kind,
                "kind_label": w.subject_kind_label,
            },
            "category": {"code": w.category, "name": w.category_name},
            "in_book": w.in_book,
            "essay_url": absolute(url_for("public.essay", slug=slug, entry_id=w.entry_id)),
        }
        for w in publication.public_winners(db.session, found)
    ]
    return _cached(jsonify(contest=slug, winners=rows))


@bp.route("/v1/contests/<slug>/profiles")
def profiles(slug: str):
    found = _contest(slug, results=True)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "category": {"code": p.category, "name": found.category_names.get(p.category, "")},
            "unit": p.unit.name,
            "position": p.position,
            "achievements": p.achievements,
            "commendations": p.commendations,
            "url": absolute(url_for("public.profile", slug=slug, profile_id=p.id)),
            "photo_url": absolute(url_for("public.profile_photo", slug=slug, profile_id=p.id))
            if p.photo_path
            else None,
        }
        for p in publication.public_profiles(db.session, found)
    ]
    return _cached(jsonify(contest=slug, profiles=rows))


@bp.route("/v1/contests/<slug>/book")
def book(slug: str):
    found = _contest(slug, results=True)
    files = [
        {
            "format": f.format,
            "bytes": f.size,
            "built_at": f.built_at.isoformat() + "Z" if f.built_at else None,
            "url": absolute(url_for("public.book", slug=slug, fmt=f.format)),
        }
        for f in publication.book_files(db.session, file_store(), found)
    ]
    return _cached(jsonify(contest=slug, files=files))
