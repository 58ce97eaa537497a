"""An author sees their prize and downloads their own certificate once the board published
the results (issue 24): numbered as in the whole set the province prints; nobody else's, and
nothing before publication."""

from __future__ import annotations

import io

import docx

from anthology.services import certificates, publication
from anthology.services.contents import winners
from contest.platform.db import db
from contest.platform.storage import file_store
from judging.services.reports import awards
from tests.anthology.test_certificates import all_text
from tests.plugins.factories import NOW, PASSWORD
from tests.plugins.web import login

SLUG = "son-la-2019"


def _winner(contest):
    return winners(db.session, contest)[-1]  # the set's last certificate: its number is not 01


def _text(data: bytes) -> str:
    return "\n".join(all_text(docx.Document(io.BytesIO(data))))


def test_an_author_downloads_their_certificate_once_results_are_public(client, world, finalised):
    contest = finalised["contest"]
    award = _winner(contest)
    entry, author = award.entry, award.entry.author
    url = f"/anthology/{SLUG}/entries/{entry.id}/certificate.docx"
    login(client, author, PASSWORD)
    assert client.get(url).status_code == 404  # finalised, not yet published
    assert "Giấy chứng nhận" not in client.get(f"/entries/{entry.id}").get_data(as_text=True)
    publication.publish_results(db.session, contest, world["users"]["province"], NOW)
    db.session.commit()
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert f'href="{url}"' in page and award.prize_level.name in page
    mine = client.get(f"/c/{SLUG}/entries").get_data(as_text=True)
    assert f'href="{url}"' in mine
    got = client.get(url)
    assert got.status_code == 200 and got.mimetype.endswith("wordprocessingml.document")
    text = _text(got.data)
    whole = _text(certificates.certificates_docx(db.session, file_store(), contest))
    assert author.full_name in text and text.count("Số: ") == 1
    number = next(line for line in text.splitlines() if line.startswith("Số: "))
    ranked = [a.entry_id for a in winners(db.session, contest)]
    assert number == f"Số: {ranked.index(entry.id) + 1:02d}/GCN-HĐTĐKT" and number in whole
    # Another author's certificate is not theirs to take.
    other = next(a.entry for a in awards(db.session, contest) if a.entry.author_id != author.id)
    assert client.get(f"/anthology/{SLUG}/entries/{other.id}/certificate.docx").status_code == 404
