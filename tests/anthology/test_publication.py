"""Issue 26: the board publishes final results; the public pages, the Atom feed, the API and
the widget say the winners with their subjects and categories — and nothing before, nothing
about an entry that did not win."""

from __future__ import annotations

import re

import feedparser
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy import func, select

from anthology.models import Announcement, AnthologyBuild, BuildState
from anthology.services import builds, contents, publication
from contest.platform import storage
from contest.platform.audit import AuditEvent
from contest.platform.db import db, utcnow
from contest.platform.errors import DomainError
from contest.platform.jobs import Job
from contest.platform.mail import MAIL
from contest.platform.storage import file_store
from judging.services.reports import awards
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

SLUG = "son-la-2019"
BASE = f"/public/{SLUG}"


@pytest.fixture
def board(world):
    return world["users"]["province"]


def _publish(finalised, board):
    publication.publish_results(db.session, finalised["contest"], board, NOW)
    db.session.commit()


def _winners_and_losers(contest):
    ranked = awards(db.session, contest)
    return [a.entry for a in ranked if a.prize_level], [
        a.entry for a in ranked if not a.prize_level
    ]


def test_final_results_stay_out_of_sight_until_the_board_publishes(client, world, finalised):
    contest = finalised["contest"]
    won, _lost = _winners_and_losers(contest)
    login(client, world["users"]["entrant_a"])
    for path in (
        f"{BASE}/",
        f"{BASE}/essays/{won[0].id}",
        f"{BASE}/widget",
        f"{BASE}/book.pdf",
        f"/api/v1/contests/{SLUG}/winners",
        f"/api/v1/contests/{SLUG}/profiles",
        f"/api/v1/contests/{SLUG}/book",
    ):
        assert client.get(path).status_code == 404, path
    entry_page = client.get(f"/entries/{won[0].id}").get_data(as_text=True)
    assert "Kết quả:" not in entry_page  # nor from an entry's own page
    listed = client.get("/api/v1/contests").get_json()["contests"]
    assert [c["results_public"] for c in listed] == [False]


def test_the_public_reads_the_winners_with_subjects_and_categories_and_nothing_else(
    client, world, finalised, board
):
    contest = finalised["contest"]
    _publish(finalised, board)
    won, lost = _winners_and_losers(contest)
    assert won and lost
    page = client.get(f"{BASE}/").get_data(as_text=True)
    for entry in won:
        assert entry.title in page and entry.author.full_name in page
        assert entry.subject_name in page
        assert contest.category_names[entry.subject_category] in page
    for entry in lost:
        assert entry.title not in page and entry.author.full_name not in page
        assert client.get(f"{BASE}/essays/{lost[0].id}").status_code == 404
    essay = client.get(f"{BASE}/essays/{won[0].id}").get_data(as_text=True)
    assert won[0].title in essay and won[0].body_text.split()[5] in essay
    # A page on the site's layout carries the visitor's own form token: never shared by a
    # proxy. Token-free answers (the widget, the feed) are, for a minute.
    response = client.get(f"{BASE}/")
    assert not response.cache_control.public
    for token_free in (f"{BASE}/widget", f"{BASE}/feed.atom"):
        answer = client.get(token_free)
        assert answer.cache_control.public and answer.cache_control.max_age == 60
        assert "Set-Cookie" not in answer.headers


def test_publishing_is_audited_posts_the_news_and_mails_the_authors_once(
    app, world, finalised, board
):
    app.config.update(MAIL_SERVER="localhost", PUBLIC_URL="https://thi.example.vn")
    contest = finalised["contest"]
    mails = select(func.count(Job.id)).where(Job.kind == MAIL)
    assert db.session.scalar(mails) == 0  # finalising told nobody
    _publish(finalised, board)
    sent = db.session.scalar(mails)
    assert sent == len(awards(db.session, contest))
    with pytest.raises(DomainError, match="đã được công bố"):
        publication.publish_results(db.session, contest, board, NOW)
    with pytest.raises(DomainError, match="lý do"):
        publication.withdraw_results(db.session, contest, board, "  ", NOW)
    publication.withdraw_results(db.session, contest, board, "Sai tên một tác giả", NOW)
    db.session.commit()
    assert not contest.are_results_public and contest.is_finalised
    assert publication.announcements(db.session, contest) == []
    _publish(finalised, board)
    assert db.session.scalar(mails) == sent  # a correction does not mail everyone again
    logged = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert logged[-3:] == ["results_publish", "results_withdraw", "results_publish"]


def test_the_feed_is_atom_with_the_news_of_published_contests(client, world, finalised, board):
    publication.post_announcement(
        db.session, finalised["contest"], board, "Phát động cuộc thi", "Nhận bài tới 30/9.", NOW
    )
    db.session.commit()
    _publish(finalised, board)
    for path in ("/public/feed.atom", f"{BASE}/feed.atom"):
        response = client.get(path)
        assert response.mimetype == "application/atom+xml"
        parsed = feedparser.parse(response.data)
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.version == "atom10"
        titles = [e.title for e in parsed.entries]
        assert "Phát động cuộc thi" in titles
        assert any(t.startswith("Công bố kết quả") for t in titles)
        assert all(e.link.startswith("http") for e in parsed.entries)
    home = client.get("/").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in home


def test_news_loses_its_control_characters_and_a_second_click_posts_nothing(
    client, world, finalised, board
):
    contest = finalised["contest"]
    news = publication.post_announcement(
        db.session, contest, board, "Tin\x0bmới\u202e", "Dòng\x00 một", NOW
    )
    assert (news.title, news.body) == ("Tinmới", "Dòng một")
    with pytest.raises(DomainError, match="vừa được đăng"):
        publication.post_announcement(db.session, contest, board, "Tinmới", "Dòng một", NOW)
    db.session.commit()
    parsed = feedparser.parse(client.get("/public/feed.atom").data)
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Tinmới"]


def test_no_address_with_a_control_character_reaches_the_database(client, world, finalised, board):
    _publish(finalised, board)
    for path in (
        "/public/a%00b/",
        "/public/a%00b/feed.atom",
        "/api/v1/contests/a%00b",
        f"{BASE}/units/a%00b",
        f"{BASE}/essays/1/media/a%00b.png",
    ):
        assert client.get(path).status_code == 404, path


def test_news_is_checked_and_a_draft_has_none(world, finalised, board):
    contest = finalised["contest"]
    for title, body, message in (
        ("", "x", "Tiêu đề"),
        ("x" * 201, "", "Tiêu đề"),
        ("Tin", "x" * 5001, "Nội dung"),
    ):
        with pytest.raises(DomainError, match=message):
            publication.post_announcement(db.session, contest, board, title, body, NOW)
    assert db.session.scalar(select(func.count(Announcement.id))) == 0


def _validator(document):
    """Each answer checked against its schema in the OpenAPI document (JSON Schema 2020-12),
    the document's components carried along so that its `#/components/…` references hold."""

    def check(path_template: str, status: str, answer) -> None:
        schema = document["paths"][path_template]["get"]["responses"][status]
        schema = schema["content"]["application/json"]["schema"]
        Draft202012Validator({**schema, "components": document["components"]}).validate(answer)

    return check


def test_the_api_answers_as_its_openapi_document_says(client, world, finalised, board):
    contest = finalised["contest"]
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    check = _validator(document)
    # Before publication: the contest and its news, but results are a documented 404.
    for path in ("winners", "profiles", "book"):
        answer = client.get(f"/api/v1/contests/{SLUG}/{path}")
        assert answer.status_code == 404
        check(f"/contests/{{slug}}/{path}", "404", answer.get_json())
    _publish(finalised, board)
    check("/contests", "200", client.get("/api/v1/contests").get_json())
    check("/contests/{slug}", "200", client.get(f"/api/v1/contests/{SLUG}").get_json())
    for path in ("winners", "profiles", "book"):
        answer = client.get(f"/api/v1/contests/{SLUG}/{path}")
        assert answer.status_code == 200 and answer.headers["ETag"]
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        check(f"/contests/{{slug}}/{path}", "200", answer.get_json())
        again = client.get(
            f"/api/v1/contests/{SLUG}/{path}", headers={"If-None-Match": answer.headers["ETag"]}
        )
        assert again.status_code == 304
    winners = client.get(f"/api/v1/contests/{SLUG}/winners").get_json()["winners"]
    won, lost = _winners_and_losers(contest)
    assert sorted(w["title"] for w in winners) == sorted(e.title for e in won)
    assert not {e.title for e in lost} & {w["title"] for w in winners}
    assert client.get("/api/v1/contests/khong-co/winners").status_code == 404


def test_the_book_files_are_offered_once_built_and_published(client, world, finalised, board):
    contest = finalised["contest"]
    folder = storage.file_store().root + "/anthology/public-test"
    builds.build_book(db.session, contest, folder, ("epub",), now=utcnow(), files=file_store())
    db.session.add(
        AnthologyBuild(
            contest_id=contest.id,
            state=BuildState.DONE,
            folder="anthology/public-test",
            formats="epub",
            finished_at=NOW,
        )
    )
    db.session.commit()
    assert client.get(f"{BASE}/book.epub").status_code == 404  # not published yet
    _publish(finalised, board)
    files = client.get(f"/api/v1/contests/{SLUG}/book").get_json()["files"]
    assert [f["format"] for f in files] == ["epub"] and files[0]["bytes"] > 1000
    with client.get(f"{BASE}/book.epub") as download:
        assert download.status_code == 200 and download.data[:2] == b"PK"
        assert len(download.data) == files[0]["bytes"]
    assert client.get(f"{BASE}/book.pdf").status_code == 404  # this build made no PDF
    assert "EPUB" in client.get(f"{BASE}/").get_data(as_text=True)


def test_profiles_and_unit_pages_show_the_book_s_and_the_unit_s_winners(
    client, world, finalised, board
):
    contest = finalised["contest"]
    _publish(finalised, board)
    profiles = publication.public_profiles(db.session, contest)
    assert profiles
    page = client.get(f"{BASE}/profiles/{profiles[0].id}").get_data(as_text=True)
    assert profiles[0].name in page and profiles[0].achievements in page
    assert client.get(f"{BASE}/profiles/999999").status_code == 404
    with_photo = next(p for p in profiles if p.photo_path)
    with client.get(f"{BASE}/profiles/{with_photo.id}/photo") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    winner = publication.public_winners(db.session, contest)[0]
    unit_page = client.get(f"{BASE}/units/{winner.unit_code.lower()}").get_data(as_text=True)
    assert winner.title in unit_page
    # A district's page holds its communes' winners too; the province's, everyone's.
    everyone = publication.public_winners(db.session, contest)
    assert publication.unit_winners(db.session, contest, world["units"]["SL"]) == everyone
    district = world["units"]["MCH"]
    assert publication.unit_winners(db.session, contest, district) == [
        w for w in everyone if w.unit_code in ("MCH", "MCH-CSO")
    ]
    assert client.get(f"{BASE}/units/KHONGCO").status_code == 404


def test_a_vietnamese_domain_is_kept_in_its_ascii_form():
    assert publication.parse_origins(
        "https://sởgd.vn\nhttps://SonLa.gov.vn/\nhttp://b.vn:8080"
    ) == [
        "https://xn--sgd-vnz.vn",
        "https://sonla.gov.vn",
        "http://b.vn:8080",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "https://a.vn:８０",
        "https://a.vn:",
        "https://a.vn:99999",
        "http://x:y",
        "https://a..vn",
        "*",
        "https://sonla.gov.vn; script-src *",
        "https://sonla.gov.vn/path",
        "javascript:alert(1)",
        "'self'",
        "https://user:pw@sonla.gov.vn",
        "https://*.gov.vn",
    ],
)
def test_a_widget_origin_that_would_widen_the_policy_is_refused_whole(world, finalised, text):
    contest = finalised["contest"]
    with pytest.raises(DomainError, match="không phải một địa chỉ trang"):
        publication.save_widget_origins(
            db.session, contest, world["users"]["province"], f"https://ok.vn\n{text}"
        )
    db.session.rollback()
    assert publication.portal_settings(db.session, contest).origins == []


def test_the_widget_may_be_framed_by_the_named_origins_only(client, world, finalised, board):
    contest = finalised["contest"]
    publication.save_widget_origins(
        db.session, contest, board, "https://SonLa.gov.vn\nhttps://sonla.gov.vn/\nhttp://b.vn:8080"
    )
    _publish(finalised, board)
    response = client.get(f"{BASE}/widget")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://sonla.gov.vn http://b.vn:8080" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "X-Frame-Options" not in response.headers
    assert "<script" not in response.get_data(as_text=True)
    other = client.get(f"{BASE}/")
    assert other.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]


ORGANISER_POSTS = ["publish", "withdraw", "news", "widget"]


@pytest.mark.parametrize("who", ["entrant_a", "organiser_d1", "judge", "head_judge", None])
def test_only_the_province_reaches_the_publishing_page_and_its_actions(
    client, world, finalised, who
):
    if who:
        login(client, world["users"][who])
    page = client.get(f"/anthology/{SLUG}/publication")
    assert page.status_code in (302, 403, 404)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for action in ORGANISER_POSTS:
        answer = client.post(
            f"/anthology/{SLUG}/publication/{action}",
            data={"csrf_token": token, "reason": "x", "title": "x", "origins": "https://a.vn"},
        )
        assert answer.status_code in (302, 403, 404), action
        if answer.status_code == 302:
            assert "/login" in answer.headers["Location"]
    assert not finalised["contest"].are_results_public
    assert db.session.scalar(select(func.count(Announcement.id))) == 0


def test_the_board_publishes_posts_and_withdraws_from_its_page(client, world, finalised):
    login(client, world["users"]["province"])
    page = client.get(f"/anthology/{SLUG}/publication").get_data(as_text=True)
    token = csrf_token(page)
    client.post(f"/anthology/{SLUG}/publication/publish", data={"csrf_token": token})
    assert finalised["contest"].are_results_public
    answer = client.post(
        f"/anthology/{SLUG}/publication/news",
        data={"csrf_token": token, "title": "", "body": ""},
        follow_redirects=True,
    )
    assert "Tiêu đề: Trường này là bắt buộc." in answer.get_data(as_text=True)
    client.post(
        f"/anthology/{SLUG}/publication/withdraw",
        data={"csrf_token": token, "reason": ""},
        follow_redirects=True,
    )
    assert finalised["contest"].are_results_public  # no reason, no withdrawal
    client.post(
        f"/anthology/{SLUG}/publication/withdraw",
        data={"csrf_token": token, "reason": "Sửa tên tác giả"},
    )
    assert not finalised["contest"].are_results_public
    assert client.get(f"{BASE}/").status_code == 404


def test_the_cli_publishes_posts_and_withdraws_as_the_page_does(runner, world, finalised):
    contest = finalised["contest"]
    posted = runner.invoke(args=["results", "news", SLUG, "--title", "Lễ trao giải ngày 15/5"])
    assert posted.exit_code == 0, posted.output
    assert db.session.get(Announcement, int(posted.output)).title == "Lễ trao giải ngày 15/5"
    done = runner.invoke(args=["results", "publish", SLUG])
    assert done.exit_code == 0 and "Đã công bố kết quả" in done.output
    again = runner.invoke(args=["results", "publish", SLUG])
    assert again.exit_code == 1 and "đã được công bố" in again.output
    back = runner.invoke(args=["results", "withdraw", SLUG, "--reason", "Sửa giải"])
    assert back.exit_code == 0
    db.session.expire_all()
    assert not contest.are_results_public
    missing = runner.invoke(args=["results", "publish", "khong-co"])
    assert missing.exit_code == 1 and "Không có cuộc thi" in missing.output


ROLES = ["anonymous", "entrant_a", "organiser_d1", "judge", "head_judge", "province"]
# Every public and API page, and who reads it before the board publishes: the news, the feed,
# the API's list and its description are open from the contest's publication on; the rest
# stays a 404 for every role (the province included: its own pages show it the results).
ALWAYS_OPEN = {
    "/public/feed.atom",
    f"{BASE}/feed.atom",
    f"{BASE}/news",
    "/api/openapi.json",
    "/api/v1/contests",
    f"/api/v1/contests/{SLUG}",
}
RESULTS = {
    f"{BASE}/",
    f"{BASE}/essays/{{winner}}",
    f"{BASE}/essays/{{winner}}/media/1.png",
    f"{BASE}/profiles/{{profile}}",
    f"{BASE}/profiles/{{photo}}/photo",
    f"{BASE}/units/{{unit}}",
    f"{BASE}/book.pdf",
    f"{BASE}/widget",
    f"/api/v1/contests/{SLUG}/winners",
    f"/api/v1/contests/{SLUG}/profiles",
    f"/api/v1/contests/{SLUG}/book",
}
# Open after publication, but a 404 for lack of a file: no book was built.
NO_FILE = {f"{BASE}/book.pdf"}


def test_the_public_matrix_covers_every_public_and_api_route(app):
    covered = [re.sub(r"\{[a-z]+\}", "x", u) for u in ALWAYS_OPEN | RESULTS]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("public", "api"):
            continue
        pattern = re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", rule.rule) + "$")
        if not any(pattern.match(u) for u in covered):
            missing.append(rule.rule)
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_public_pages_only_once_published(client, world, finalised, role):
    contest = finalised["contest"]
    won, _lost = _winners_and_losers(contest)
    assert won[0] == finalised["rich"]  # the best marks: its picture is 1.png
    profiles = [i.profile for i in contents.items(db.session, contest) if i.profile_id]
    values = {
        "winner": won[0].id,
        "profile": profiles[0].id,
        "photo": next(p.id for p in profiles if p.photo_path),
        "unit": won[0].author_unit.code,
    }
    if role != "anonymous":
        login(client, world["users"][role])
    for template in sorted(ALWAYS_OPEN | RESULTS):
        url = template.format(**values)
        with client.get(url) as answer:
            expected = 200 if template in ALWAYS_OPEN else 404
            assert answer.status_code == expected, (role, url)
    publication.publish_results(db.session, contest, world["users"]["province"], NOW)
    db.session.commit()
    for template in sorted(ALWAYS_OPEN | RESULTS):
        url = template.format(**values)
        with client.get(url) as answer:
            expected = 404 if template in NO_FILE else 200
            assert answer.status_code == expected, (role, url)
