"""Issue 24: a round page offers only what the round's state allows and says why; once sent
up it counts what went up, not what is chosen; unit codes are case-blind in the commands too;
a refused forward returns to the forward card, where the message is shown."""

from __future__ import annotations

import csv
import re

from sqlalchemy import select

from contest.lifecycles import ContestPhase
from contest.models import Entry
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services import forwarding, profiles
from tests.plugins.documents import docx_bytes
from tests.plugins.factories import NOW, entrant, vietnamese_essay
from tests.plugins.web import csrf_token, login

MARK_FORM = re.compile(r"/rounds/\d+/(entries|profiles)/\d+/mark")


def test_once_the_province_judges_no_round_is_offered_ticks_or_forwarding(
    client, world, make_entry
):
    make_entry(world["users"]["entrant_b"])
    world["contest"].phase = ContestPhase.JUDGING
    db.session.commit()
    login(client, world["users"]["organiser_d2"])
    html = client.get(f"/rounds/{world['rounds']['YCH'].id}").get_data(as_text=True)
    assert not MARK_FORM.search(html)
    assert "Gửi kết quả lên cấp trên" not in html
    assert "Cấp tỉnh đã mở chấm" in html  # why, where the button was


def test_a_sent_round_counts_what_went_up(client, world, make_entry):
    round_ = world["rounds"]["YCH"]
    organiser = world["users"]["organiser_d2"]
    entry = make_entry(world["users"]["entrant_b"])
    profile = profiles.create_profile(
        db.session,
        contest=world["contest"],
        round_=round_,
        actor=organiser,
        name="Cầm Văn Hiến",
        kind="individual",
        category="2.1",
        files=file_store(),
    )
    forwarding.mark_entry(db.session, round_, entry, True)
    forwarding.mark_profile(db.session, round_, profile, True)
    forwarding.forward_round(db.session, round_, organiser, NOW)
    db.session.commit()
    login(client, organiser)
    html = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    counter = re.search(r'<strong id="quota-counter".*?</strong>', html, re.S).group(0)
    assert "Đã gửi 1 / chỉ tiêu 2 bài" in counter and "1 / 1 hồ sơ" in counter
    assert "Đã chọn" not in counter
    assert not MARK_FORM.search(html)


def test_a_refused_forward_returns_to_the_forward_card(client, world, make_entry):
    round_ = world["rounds"]["MCH-CSO"]
    make_entry()
    make_entry()
    login(client, world["users"]["organiser_c1"])
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert 'id="forward"' in page
    world["contest"].phase = ContestPhase.JUDGING  # meanwhile, the province opened judging
    db.session.commit()
    refused = client.post(f"/rounds/{round_.id}/forward", data={"csrf_token": csrf_token(page)})
    assert refused.location.endswith(f"/rounds/{round_.id}#forward")


def test_imported_rows_name_their_unit_in_any_case(runner, world, tmp_path):
    (tmp_path / "a.docx").write_bytes(docx_bytes([vietnamese_essay(50)]))
    path = tmp_path / "entries.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "author_name",
                "author_phone",
                "author_email",
                "author_unit",
                "title",
                "subject_name",
                "subject_kind",
                "subject_category",
                "file",
            ]
        )
        out.writerow(
            [
                "Tòng Văn Ỏn",
                "0901000001",
                "",
                "mch-cso",
                "Bài của Ỏn",
                "Lò Văn Pánh",
                "individual",
                "2.4",
                "a.docx",
            ]
        )
    result = runner.invoke(
        args=["entries", "import", "--contest", "son-la-2019", "--unit", "mch", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Entry.author_unit_id)) == world["units"]["MCH-CSO"].id


def test_forward_options_that_do_not_go_together_are_refused(runner, world):
    base = ["rounds", "forward", "--contest", "son-la-2019", "--unit", "ych"]
    assert runner.invoke(args=[*base, "--all", "--by-results"]).exit_code == 2
    assert runner.invoke(args=[*base, "--all", "--reason", "x"]).exit_code == 2
    no_judging = runner.invoke(args=[*base, "--by-results"])
    assert no_judging.exit_code == 1
    assert "chưa bật chấm thi riêng" in no_judging.output


def test_entries_are_ticked_several_at_once_within_the_quota_or_not_at_all(
    client, world, make_entry
):
    round_ = world["rounds"]["YCH"]  # quota 2
    authors = [entrant(world, f"ych{i}@example.com", "YCH") for i in range(3)]
    entries = [make_entry(authors[0]), make_entry(authors[1])]
    entries.append(make_entry(world["users"]["entrant_a"]))  # in Xã Chiềng Sơn's round
    login(client, world["users"]["organiser_d2"])
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert 'data-check-all="bulk-mark"' in page and 'form="bulk-mark"' in page
    token, url = csrf_token(page), f"/rounds/{round_.id}/entries/mark"

    def post(ids, marked="1"):
        return client.post(
            url,
            data={"csrf_token": token, "marked": marked, "entry_id": [e.id for e in ids]},
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "không nằm trong danh sách chờ" in post(entries)  # one is not this round's
    assert "Chưa đánh dấu bài nào." in post([])
    db.session.expire_all()
    assert not any(e.is_marked for e in entries)
    html = post(entries[:2])
    assert "Đã chọn 2 bài." in html and "Đã chọn 2 / chỉ tiêu 2 bài" in html
    html = post(entries[:2], "0")
    assert "Đã bỏ chọn 2 bài." in html
    third = make_entry(authors[2])
    forwarding.mark_entry(db.session, round_, third, True)
    db.session.commit()
    html = post(entries[:2])  # one seat left for two: neither is ticked
    assert "còn chọn thêm được 1 bài, đã đánh dấu 2 bài chưa chọn" in html
    db.session.expire_all()
    assert not any(e.is_marked for e in entries[:2])
