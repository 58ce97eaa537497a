"""What everyone may read once the board publishes the results: the winners with their
subjects and categories, each winning essay as the book prints it, the book's exemplar
profiles, the book's files, a page per unit, the news, an Atom feed and an embeddable
winners widget. Before publication every results page is a 404, as is anything about an
entry that did not win or a profile the book does not carry."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from anthology.services import feed, publication
from contest.documents import pictures
from contest.documents.sanitise import essay_markup
from contest.models import Contest, Unit
from contest.platform.config import setting
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store, safe_join
from contest.platform.throttle import limiter
from contest.services.queries import find_round
from judging.services import units as unit_judging

bp = Blueprint("public", __name__, url_prefix="/public")
limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"])(bp)

# Shared caches may keep an anonymous visitor's page this long (a withdrawal shows after it).
PUBLIC_MAX_AGE_SECONDS = 60
BOOK_TYPES = {"pdf": "application/pdf", "epub": "application/epub+zip"}


def shared_cache(response: Response) -> Response:
    """A token-free public answer (feed, files, pictures, widget) may be kept by proxies for
    a minute, for anonymous visitors only — never one that set a session cookie. Pages built
    on the site's layout are not shared: they carry the visitor's own form token."""
    if not current_user.is_authenticated and not session.modified:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE_SECONDS
        response.vary.add("Cookie")
    return response


def public_contest(slug: str) -> Contest:
    """A contest whose results the board has published; anything else is a 404."""
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None or not contest.are_results_public:
        abort(404)
    return contest


def _page(template: str, **values) -> Response:
    return current_app.make_response(render_template(template, **values))


@bp.route("/<slug>/")
def results(slug: str):
    contest = public_contest(slug)
    winners = publication.public_winners(db.session, contest)
    return _page(
        "anthology/public/results.html",
        contest=contest,
        winners=winners,
        units=sorted({(w.unit_code, w.unit_name) for w in winners}, key=lambda u: u[1]),
        files=publication.book_files(db.session, file_store(), contest),
        profiles=publication.public_profiles(db.session, contest),
        news=publication.announcements(db.session, contest),
    )


@bp.route("/<slug>/essays/<int:entry_id>")
def essay(slug: str, entry_id: int):
    contest = public_contest(slug)
    found = publication.public_essay(db.session, contest, entry_id)
    if found is None:
        abort(404)
    body = essay_markup(
        found.html(),
        lambda name: url_for("public.essay_media", slug=slug, entry_id=entry_id, name=name),
    )
    return _page("anthology/public/essay.html", contest=contest, winner=found.winner, body=body)


@bp.route("/<slug>/essays/<int:entry_id>/media/<path:name>")
def essay_media(slug: str, entry_id: int, name: str):
    found = publication.public_essay(db.session, public_contest(slug), entry_id)
    if found is None:
        abort(404)
    media = file_store().entry_media(found.entry.storage_key)
    return shared_cache(pictures.picture_response(safe_join(media, name)))


@bp.route("/<slug>/profiles/<int:profile_id>")
def profile(slug: str, profile_id: int):
    contest = public_contest(slug)
    found = _book_profile(contest, profile_id)
    return _page("anthology/public/profile.html", contest=contest, profile=found)


@bp.route("/<slug>/profiles/<int:profile_id>/photo")
def profile_photo(slug: str, profile_id: int):
    found = _book_profile(public_contest(slug), profile_id)
    if not found.photo_path:
        abort(404)
    return shared_cache(pictures.picture_response(file_store().path(found.photo_path)))


def _book_profile(contest: Contest, profile_id: int):
    found = next(
        (p for p in publication.public_profiles(db.session, contest) if p.id == profile_id), None
    )
    if found is None:
        abort(404)
    return found


@bp.route("/<slug>/units/<code>")
def unit(slug: str, code: str):
    """A unit's winners at the province (its communes' included) and, when it judged its
    own round, its own prizes."""
    contest = public_contest(slug)
    found = db.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if found is None:
        abort(404)
    round_ = find_round(db.session, contest, found.id)
    own = unit_judging.winners(db.session, round_) if round_ and not round_.is_province else []
    return _page(
        "anthology/public/unit.html",
        contest=contest,
        unit_name=found.name,
        winners=publication.unit_winners(db.session, contest, found),
        own=own,
    )


@bp.route("/<slug>/book.<any(pdf, epub):fmt>")
def book(slug: str, fmt: str):
    contest = public_contest(slug)
    found = next(
        (f for f in publication.book_files(db.session, file_store(), contest) if f.format == fmt),
        None,
    )
    if found is None:
        abort(404)
    response = send_file(
        found.path,
        mimetype=BOOK_TYPES[fmt],
        as_attachment=True,
        download_name=f"{contest.slug}.{fmt}",
        conditional=True,
    )
    return shared_cache(response)


@bp.route("/<slug>/widget")
def widget(slug: str):
    """The winners list alone, for other sites to frame: its own `frame-ancestors`, the
    origins the board named (none named: only this site)."""
    contest = public_contest(slug)
    origins = publication.portal_settings(db.session, contest).origins
    response = _page(
        "anthology/public/widget.html",
        contest=contest,
        winners=publication.public_winners(db.session, contest),
        results_url=absolute(url_for("public.results", slug=slug)),
    )
    response.headers["Content-Security-Policy"] = feed.widget_policy(origins)
    return shared_cache(response)  # its own page: no form, no token


def absolute(path: str) -> str:
    """An absolute address for other sites: on PUBLIC_URL when it is set (a proxy's cached
    copy then never carries a forged Host), else on the address the request came to."""
    return (setting("PUBLIC_URL") or request.host_url).rstrip("/") + path


@bp.route("/feed.atom", defaults={"slug": None})
@bp.route("/<slug>/feed.atom")
def atom(slug: str | None):
    """The news of every published contest, or of one (its results' news included)."""
    contest = None
    if slug is not None:
        contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
        if contest is None or contest.is_draft:
            abort(404)
    body = feed.atom_feed(
        publication.announcements(db.session, contest),
        title=contest.title if contest else _("Tin tức các cuộc thi"),
        subtitle=_("Tin tức và kết quả do Hội đồng công bố"),
        home=absolute(url_for("public.news", slug=slug) if slug else url_for("contest.home")),
        self_url=absolute(request.path),
        link_of=lambda n: absolute(url_for("public.news", slug=n.contest.slug)) + f"#news-{n.id}",
        now=utcnow(),
    )
    return shared_cache(current_app.response_class(body, mimetype="application/atom+xml"))


@bp.route("/<slug>/news")
def news(slug: str):
    """The contest's news, from its publication on (a draft has none to show)."""
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None or contest.is_draft:
        abort(404)
    return _page(
        "anthology/public/news.html",
        contest=contest,
        news=publication.announcements(db.session, contest),
    )
