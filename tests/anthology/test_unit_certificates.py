"""Issue 14: a unit's own winners page and certificates with the unit as issuing body — from
its organiser's pages (DOCX, PDF) and the CLI — only once the unit finalised, and only to
those who run its judging."""

from __future__ import annotations

import io
import os
from datetime import date

import docx
import pypdf
import pytest

from anthology.errors import NotFinalised
from anthology.services import certificates
from contest.lifecycles import ContestPhase
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from judging.services import units
from tests.anthology.test_certificates import all_text
from tests.plugins.factories import NOW
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import csrf_token, login

PAGE = "/anthology/son-la-2019/unit/MCH/certificates"
WINNERS = "/judging/son-la-2019/unit/MCH/winners"
FORM = {
    "parent_body": "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    "body": "Ủy ban nhân dân huyện Mộc Châu",
    "code": "UBND",
    "place": "Mộc Châu",
    "day": "2019-09-05",
    "signer_authority": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    "signer_name": "Hà Văn Huyện",
    "format": "docx",
}


def _finalise(district):
    """Score the district's five entries and finalise it: A for one, B for two, C for one;
    the last falls below every floor."""
    open_unit(district)
    for entry, share in zip(district["entries"], [0.9, 0.7, 0.65, 0.5, 0.3], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()
    return units.winners(db.session, district["round"])


def _issuance(round_, **changes):
    values = {
        "body": FORM["body"],
        "parent_body": FORM["parent_body"],
        "code": FORM["code"],
        "place": FORM["place"],
        "signer_authority": FORM["signer_authority"],
        "signer_name": FORM["signer_name"],
        **changes,
    }
    return certificates.unit_issuance(round_, date(2019, 9, 5), **values)


def test_no_unit_certificate_before_the_unit_finalised(world, district):
    round_ = district["round"]
    assert units.winners(db.session, round_) == []
    with pytest.raises(NotFinalised):
        certificates.unit_certificates_docx(db.session, round_, _issuance(round_), utcnow())


def test_the_unit_issues_its_own_papers(world, district):
    won = _finalise(district)
    round_ = district["round"]
    assert [a.prize_level.name for a in won] == [
        "Giải A cấp huyện",
        "Giải B cấp huyện",
        "Giải B cấp huyện",
        "Giải C cấp huyện",
    ]
    data = certificates.unit_certificates_docx(db.session, round_, _issuance(round_), utcnow())
    document = docx.Document(io.BytesIO(data))
    texts = all_text(document)
    assert len(document.sections) == len(won)
    assert texts.count("ỦY BAN NHÂN DÂN HUYỆN MỘC CHÂU") == len(won)
    assert texts.count("ỦY BAN NHÂN DÂN TỈNH SƠN LA") == len(won)
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" not in texts  # not the province's body
    assert [t for t in texts if t.startswith("Số: ")] == [
        f"Số: {i:02d}/GCN-UBND" for i in range(1, len(won) + 1)
    ]
    assert texts.count("Mộc Châu, ngày 05 tháng 9 năm 2019") == len(won)
    assert texts.count("TM. ỦY BAN NHÂN DÂNCHỦ TỊCH") == len(won)  # the line break kept
    named = [t.removeprefix("Chứng nhận tác giả: ") for t in texts if t.startswith("Chứng nhận")]
    assert named == [a.entry.author.full_name for a in won]
    assert any(t.startswith("Đã đạt giải A cấp huyện với bài viết «") for t in texts)
    assert document.core_properties.author == "Ủy ban nhân dân huyện Mộc Châu"


def test_the_units_agency_and_code_are_the_defaults_and_the_rest_is_asked_for(world, district):
    round_ = district["round"]
    issued = certificates.unit_issuance(
        round_, date(2019, 9, 5), place="Mộc Châu", signer_authority="CHỦ TỊCH", signer_name="A"
    )
    # Issue 27: an agency issues the paper, not a place ("HUYỆN MỘC CHÂU" before).
    assert (issued.body, issued.code, issued.parent_body) == (
        "Ủy ban nhân dân huyện Mộc Châu",
        "MCH",
        "",
    )
    department = world["units"]["SGD"]
    assert certificates.default_issuing_body(department) == "Sở Giáo dục và Đào tạo"
    with pytest.raises(InvalidInput) as refused:
        _issuance(round_, place=" ", signer_name="", body="")
    message = str(refused.value)
    assert "cơ quan ban hành" in message and "địa danh" in message
    assert "họ tên người ký" in message and "thẩm quyền" not in message


def test_typed_details_are_cleaned_and_kept_to_one_page(world, district):
    round_ = district["round"]
    issued = _issuance(round_, signer_name="Lò\x01 Văn\u202e A")  # as the CLI may pass it
    assert issued.signer_name == "Lò Văn A"
    for field, limit in certificates.UNIT_LIMITS.items():
        with pytest.raises(InvalidInput) as refused:
            _issuance(round_, **{field: "B" * (limit + 1)})
        assert f"dài quá {limit} ký tự" in str(refused.value)
        assert _issuance(round_, **{field: "B" * limit})


def _post(client, data):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, **data})


def test_the_organiser_downloads_the_units_certificates(client, world, district):
    won = _finalise(district)
    login(client, district["organiser"])
    overview = client.get("/judging/son-la-2019/unit/MCH/").get_data(as_text=True)
    assert PAGE in overview and WINNERS in overview
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="Ủy ban nhân dân huyện Mộc Châu"' in page and 'value="MCH"' in page
    assert f'value="{NOW.date().isoformat()}"' in page  # the day the unit gave its prizes
    assert 'id="province-still-judging"' in page  # the province judges on: hand out later
    answer = _post(client, FORM)
    assert answer.status_code == 200 and answer.mimetype.endswith("wordprocessingml.document")
    assert "son-la-2019-MCH-giay-chung-nhan.docx" in answer.headers["Content-Disposition"]
    assert len(docx.Document(io.BytesIO(answer.data)).sections) == len(won)
    refused = _post(client, {**FORM, "signer_name": "  "})
    assert refused.status_code == 200 and refused.mimetype == "text/html"
    assert "cần điền họ tên người ký" in refused.get_data(as_text=True)


def test_the_units_certificates_print_to_pdf(client, world, district):
    won = _finalise(district)
    login(client, district["organiser"])
    answer = _post(client, {**FORM, "format": "pdf"})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) == len(won)
    assert "MỘC CHÂU" in reader.pages[0].extract_text()


def test_before_finalising_the_page_says_so_and_offers_nothing(client, world, district):
    login(client, district["organiser"])
    page = client.get(PAGE).get_data(as_text=True)
    assert "chưa có giấy chứng nhận để cấp" in page and 'id="unit-certificates"' not in page
    assert client.get(WINNERS).status_code == 404
    refused = _post(client, FORM)
    assert "chưa làm được giấy chứng nhận" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "certificates_status", "winners_status"),
    [
        ("organiser_d1", 200, 200),
        ("province", 200, 200),
        ("organiser_d2", 404, 404),
        ("organiser_c1", 404, 404),  # a commune below the district runs none of its judging
        ("judge", 404, 404),  # a province judge: the winners' titles would unmask codes
        ("entrant_a", 404, 404),
    ],
)
def test_who_reaches_the_units_winners_and_certificates(
    client, world, district, who, certificates_status, winners_status
):
    _finalise(district)
    login(client, world["users"][who])
    assert client.get(PAGE).status_code == certificates_status
    assert client.get(WINNERS).status_code == winners_status


def test_a_unit_juror_reaches_neither(client, world, district):
    _finalise(district)
    login(client, district["jurors"][0])
    assert client.get(PAGE).status_code == 404
    assert client.get(WINNERS).status_code == 404


def test_the_winners_page_names_the_units_winners(client, world, district):
    won = _finalise(district)
    login(client, district["organiser"])
    page = client.get(WINNERS).get_data(as_text=True)
    assert "Danh sách đoạt giải của Huyện Mộc Châu" in page
    for award in won:
        assert award.entry.author.full_name in page
    assert page.index(won[0].entry.title) < page.index(won[-1].entry.title)
    loser = next(e for e in district["entries"] if e.id not in {a.entry_id for a in won})
    assert loser.title not in page


def test_the_cli_writes_the_units_certificates(runner, world, district, tmp_path):
    won = _finalise(district)
    out = tmp_path / "mch.docx"
    args = ["anthology", "certificates", "son-la-2019", "--unit", "MCH", "--out", str(out)]
    details = ["--place", "Mộc Châu", "--date", "2019-09-05", "--signer-name", "Hà Văn Huyện"]
    result = runner.invoke(args=[*args, *details, "--signer", "TM. ỦY BAN\\nCHỦ TỊCH"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    texts = all_text(docx.Document(str(out)))
    assert texts.count("ỦY BAN NHÂN DÂN HUYỆN MỘC CHÂU") == len(won)
    assert texts.count("TM. ỦY BANCHỦ TỊCH") == len(won)
    assert texts.count("Mộc Châu, ngày 05 tháng 9 năm 2019") == len(won)


def test_the_cli_refuses_with_a_message_and_writes_nothing(runner, world, district, tmp_path):
    tmp_path = tmp_path / "out"  # the fixtures keep their own files in tmp_path
    tmp_path.mkdir()
    out = tmp_path / "none.docx"
    base = ["anthology", "certificates", "son-la-2019", "--out", str(out)]
    details = ["--place", "Mộc Châu", "--signer", "CHỦ TỊCH", "--signer-name", "A"]
    result = runner.invoke(args=[*base, "--unit", "MCH", *details])
    assert result.exit_code == 1 and "chưa làm được giấy chứng nhận" in result.output
    _finalise(district)
    result = runner.invoke(args=[*base, "--unit", "MCH", "--place", "Mộc Châu"])
    assert result.exit_code == 1 and "cần điền thẩm quyền" in result.output
    result = runner.invoke(args=[*base, "--unit", "MCH", *details, "--body", "B" * 300])
    assert result.exit_code == 1 and "cơ quan ban hành dài quá 200 ký tự" in result.output
    result = runner.invoke(args=[*base, "--unit", "NOPE", *details])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert os.listdir(tmp_path) == []


def test_everyone_sees_the_units_winners_once_the_board_published(client, world, district):
    won = _finalise(district)
    login(client, world["users"]["entrant_b"])
    assert client.get(WINNERS).status_code == 404
    district["contest"].phase = ContestPhase.FINALISED  # final at the province, not public
    db.session.commit()
    assert client.get(WINNERS).status_code == 404
    district["contest"].phase = ContestPhase.RESULTS_PUBLIC  # the board published
    db.session.commit()
    page = client.get(WINNERS).get_data(as_text=True)
    assert won[0].entry.author.full_name in page
    assert PAGE not in page  # the certificates stay with those who run the unit's judging


def test_a_unit_winner_downloads_the_certificate_the_unit_issued(client, world, district):
    """Issue 24: once the unit published its results and printed its certificates, each of
    its winners downloads their own, numbered as in the unit's set; nobody else can."""
    found = _finalise(district)
    winner = found[1]  # the second certificate of the set
    author = winner.entry.author
    login(client, author)
    page = client.get(f"/entries/{winner.entry_id}").get_data(as_text=True)
    assert "Giấy chứng nhận giải của Huyện Mộc Châu" not in page  # not issued yet
    certificates.unit_certificates_docx(
        db.session, district["round"], _issuance(district["round"]), utcnow()
    )
    db.session.commit()
    page = client.get(f"/entries/{winner.entry_id}").get_data(as_text=True)
    url = f"/anthology/son-la-2019/entries/{winner.entry_id}/certificates/MCH.docx"
    assert "Giấy chứng nhận giải của Huyện Mộc Châu (DOCX)" in page and url in page
    paper = client.get(url)
    assert paper.status_code == 200
    text = "\n".join(all_text(docx.Document(io.BytesIO(paper.data))))
    assert author.full_name in text and "Ủy ban nhân dân huyện Mộc Châu".upper() in text.upper()
    assert "02/GCN-UBND" in text
    loser = next(e for e in district["entries"] if e.id not in {a.entry_id for a in found})
    assert client.get(url.replace(str(winner.entry_id), str(loser.id))).status_code == 404
    client.get("/logout")
    login(client, world["users"]["province"])
    assert client.get(url).status_code == 404  # an author's own paper
