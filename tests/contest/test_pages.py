"""What the core's pages say: the audit log and an entry's history as sentences, domain errors
in the viewer's language, and listings that load their rows together."""

from __future__ import annotations

from contest.audit import ContestAction
from contest.models import Round, Unit
from contest.platform.audit import sentence
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services.forwarding import forward_round
from tests.contest.test_views import post_form
from tests.plugins.factories import NOW, vietnamese_essay
from tests.plugins.web import csrf_token, login


def _switch_to_english(client) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/lang/en", data={"csrf_token": csrf_token(page), "next": "/"})


def test_the_audit_log_tells_each_change_as_a_sentence(client, world, make_entry):
    entry = make_entry(title="Người giữ rừng")
    forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[entry.id])
    db.session.commit()
    login(client, "tdkt.mch@sonla.gov.vn")
    district = world["rounds"]["MCH"].id
    token = csrf_token(client.get(f"/rounds/{district}").get_data(as_text=True))
    client.post(
        f"/rounds/{district}/entries/{entry.id}/mark", data={"csrf_token": token, "marked": "1"}
    )
    client.post(f"/rounds/{district}/forward", data={"csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    login(client, "btc@sonla.gov.vn")

    log = client.get("/c/son-la-2019/audit").get_data(as_text=True)
    assert "Huyện Mộc Châu đã gửi 1 bài và 0 hồ sơ lên Tỉnh Sơn La" in log
    assert "Xã Chiềng Sơn đã gửi 1 bài và 0 hồ sơ lên Huyện Mộc Châu" in log
    assert "Huyện Mộc Châu đã gửi «Người giữ rừng» lên Tỉnh Sơn La" in log
    assert "Quàng Văn Hặc đã nộp bài «Người giữ rừng»" in log
    assert "Round #" not in log and ">close<" not in log

    _switch_to_english(client)
    log = client.get("/c/son-la-2019/audit").get_data(as_text=True)
    assert "Huyện Mộc Châu sent 1 entries and 0 profiles up to Tỉnh Sơn La" in log


def test_an_entrys_history_names_who_did_what(client, world, make_entry):
    entry = make_entry(title="Bông hoa ban")
    login(client, "a@example.com")
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Quàng Văn Hặc đã viết bài «Bông hoa ban»" in page
    assert "Quàng Văn Hặc đã nộp bài «Bông hoa ban»" in page


def test_an_event_recorded_before_sentences_reads_as_a_plain_line(world):
    event = AuditEvent(
        object_type="Round",
        object_id=13,
        action=str(ContestAction.ROUND_FORWARDED),
        from_state="open",
        to_state="closed",
        detail="3 bài, 0 hồ sơ",
        params_json="{}",
    )
    assert sentence(event) == "Hệ thống: close (Round #13) open → closed · 3 bài, 0 hồ sơ"


def test_an_event_missing_a_parameter_still_reads(world):
    event = AuditEvent(
        object_type="Round",
        object_id=1,
        action=str(ContestAction.ROUND_FORWARDED),
        params_json='{"object": "Huyện Mộc Châu"}',
    )
    assert sentence(event) == "Huyện Mộc Châu đã gửi … bài và … hồ sơ lên …"


def test_domain_errors_follow_the_interface_language(client, world):
    login(client, "a@example.com")
    _switch_to_english(client)
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Bài dài",
            "subject_profile_id": "0",
            "subject_name": "Lò Văn Pánh",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "declarations": "y",
            "submit_now": "1",
            "body": vietnamese_essay(450),
        },
    )
    text = response.get_data(as_text=True)
    assert "The essay has 450 words, more than the maximum of 400 words." in text
    assert "Bài viết có 450 chữ" not in text


def _add_communes(world, how_many: int) -> None:
    district = world["units"]["MCH"]
    for n in range(how_many):
        commune = Unit(code=f"MCH-X{n}", name=f"Xã Thử {n}", kind="commune", parent=district)
        db.session.add(commune)
        db.session.add(
            Round(contest=world["contest"], unit=commune, parent=world["rounds"]["MCH"], quota=1)
        )
    db.session.commit()


def test_round_and_settings_pages_do_not_load_row_by_row(client, world, count_queries):
    login(client, "btc@sonla.gov.vn")
    pages = ("/c/son-la-2019/settings", f"/rounds/{world['rounds']['MCH'].id}", "/accounts")

    def queries_per_page() -> list[int]:
        counts = []
        for url in pages:
            db.session.expire_all()
            with count_queries(db.engine) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    before = queries_per_page()
    _add_communes(world, 4)
    assert queries_per_page() == before
