"""A unit that judges its own round takes no essay its judging would never see (issue 24):
once its first stage opened, and after it published its results, its entrants (and those of
the units below it) are told so on every page, and the service refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.errors import DeadlinePassed
from contest.models import Entry
from contest.platform.db import db
from contest.services import deadlines, entries
from judging.services import units
from tests.plugins.factories import NOW, entrant
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import login

OPENED = "Huyện Mộc Châu đã bắt đầu chấm vòng đơn vị"
FINISHED = "Huyện Mộc Châu đã chấm xong vòng đơn vị"


def test_no_essay_goes_into_a_unit_whose_judging_began(client, world, district, make_entry):
    author = entrant(world, "muon@example.com", "MCH", name="Người nộp muộn")
    db.session.commit()
    draft = make_entry(author, submit=False)
    open_unit(district)
    with pytest.raises(DeadlinePassed, match=OPENED):
        make_entry(author)
    db.session.rollback()
    with pytest.raises(DeadlinePassed, match=OPENED):
        entries.submit_entry(db.session, draft, author, NOW, declarations_accepted=True)
    db.session.rollback()
    # The commune below sends up to Mộc Châu: an essay there could not be judged either.
    commune = deadlines.intake_refusal(db.session, world["contest"], world["units"]["MCH-CSO"], NOW)
    assert OPENED in commune
    login(client, author)
    page = client.get(f"/entries/{draft.id}").get_data(as_text=True)
    assert OPENED in page and "Nộp bài</button>" not in page
    assert "Huyện Mộc Châu</option>" not in client.get("/register").get_data(as_text=True)


def test_no_essay_goes_into_a_unit_that_finished_judging(client, world, district):
    open_unit(district)
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()
    author = district["entries"][0].author
    login(client, author)
    mine = client.get("/c/son-la-2019/entries").get_data(as_text=True)
    assert FINISHED in mine and "Gửi bài mới" not in mine
    refused = client.get("/c/son-la-2019/entries/new", follow_redirects=True)
    assert FINISHED in refused.get_data(as_text=True)
    before = db.session.scalars(select(Entry)).all()
    assert len(before) == len(district["entries"])


def test_an_author_sees_their_unit_prize_once_the_unit_published(client, world, district):
    """The unit's prize on the author's own pages, and nothing before its results (issue 24);
    no rank, no judge."""
    open_unit(district)
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    best = district["entries"][0]
    login(client, best.author)
    assert "Kết quả vòng Huyện Mộc Châu" not in client.get(f"/entries/{best.id}").get_data(True)
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()
    said = "Kết quả vòng Huyện Mộc Châu: Giải A cấp huyện"
    assert said in client.get(f"/entries/{best.id}").get_data(as_text=True)
    assert said in client.get("/c/son-la-2019/entries").get_data(as_text=True)
    last = district["entries"][-1]
    login(client, last.author)
    page = client.get(f"/entries/{last.id}").get_data(as_text=True)
    assert "Kết quả vòng Huyện Mộc Châu: Giải C cấp huyện" in page
    assert "Giám khảo huyện" not in page
