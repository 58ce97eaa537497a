"""Certificates in the Decree 30/2020 form, read back from the DOCX and the PDF; the CLI's
success and failures; the settings they need."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, date, datetime

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from anthology.errors import SettingsIncomplete
from anthology.render import certificates as certificate_render
from anthology.render import decree30
from anthology.services import certificates, settings
from anthology.services.contents import CleanCopy, edit_copy, winners
from contest.documents import office
from contest.platform.db import db
from contest.platform.errors import PrintError
from contest.platform.storage import file_store
from tests.plugins.web import csrf_token, login


def all_text(document) -> list[str]:
    """Every paragraph's text, those in tables too, in document order."""
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in document.element.body.iter(qn("w:p"))
    ]


def test_prize_phrase_and_administrative_date():
    assert decree30.prize_phrase("Giải Nhất") == "giải Nhất"
    assert decree30.prize_phrase("Khuyến khích") == "giải Khuyến khích"
    assert decree30.administrative_date(date(2020, 2, 5)) == "ngày 05 tháng 02 năm 2020"
    assert decree30.administrative_date(date(2020, 11, 15)) == "ngày 15 tháng 11 năm 2020"
    assert certificate_render.number(3, "HĐTĐKT") == "03/GCN-HĐTĐKT"
    assert certificate_render.number(12, "GCN-HĐTĐKT") == "12/GCN-HĐTĐKT"


def test_the_docx_is_an_administrative_paper(finalised):
    contest = finalised["contest"]
    before = datetime.now(UTC).replace(microsecond=0)
    data = certificates.certificates_docx(db.session, file_store(), contest)
    document = docx.Document(io.BytesIO(data))
    texts = all_text(document)
    prizes = [a.prize_level.name for a in winners(db.session, contest)]
    assert len(prizes) == 6

    assert texts.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 6
    motto = [
        r
        for p in document.element.body.iter(qn("w:p"))
        for r in p.iter(qn("w:r"))
        if "".join(t.text for t in r.iter(qn("w:t"))) == "Độc lập - Tự do - Hạnh phúc"
    ]
    assert len(motto) == 6
    assert all(
        r.rPr.find(qn("w:b")) is not None and r.rPr.find(qn("w:u")) is not None for r in motto
    )
    # One number per certificate, in the order of the prizes.
    numbers = [t for t in texts if t.startswith("Số: ")]
    assert numbers == [f"Số: {i:02d}/GCN-HĐTĐKT" for i in range(1, 7)]
    assert texts.count("Sơn La, ngày 15 tháng 5 năm 2020") == 6  # the day chosen, not finalisation
    assert texts.count("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG") == 6
    assert texts.count("ỦY BAN NHÂN DÂN TỈNH SƠN LA") == 6
    won = [t for t in texts if t.startswith("Đã đạt ")]
    assert [w.split(" với bài viết")[0] for w in won] == [
        f"Đã đạt {decree30.prize_phrase(p)}" for p in prizes
    ]
    assert any(w.startswith("Đã đạt giải Nhất với bài viết «") for w in won)
    assert not any("Giải" in w for w in won) and not any("{" in t for t in texts)
    assert texts.count("TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNHCHỦ TỊCH") == 6  # a line break
    assert texts.count("Lò Văn Minh") == 6

    # A4 landscape, declared as such in every section.
    sections = document.sections
    assert len(sections) == 6
    for section in sections:
        size = section._sectPr.find(qn("w:pgSz"))
        assert size.get(qn("w:orient")) == "landscape"
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    # Vietnamese, in Times New Roman.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert defaults.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"
    languages = {lang.get(qn("w:val")) for lang in document.element.body.iter(qn("w:lang"))}
    assert languages == {"vi-VN"}
    # Clean metadata: no python-docx leftovers, made now.
    props = document.core_properties
    assert props.comments == "" and "python-docx" not in (props.author + props.last_modified_by)
    assert props.author == "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" and props.language == "vi-VN"
    assert props.created >= before and props.created.year != 2013 and props.last_printed is None
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        app = package.read("docProps/app.xml").decode()
        assert "Microsoft" not in app and "Normal.dotm" not in app
        assert not any("thumbnail" in name for name in package.namelist())


def test_an_organisers_template_with_new_placeholders_in_a_table(finalised, world):
    contest = finalised["contest"]
    own = docx.Document()
    section = own.sections[0]
    section.page_width, section.page_height = section.page_height, section.page_width  # no orient
    cell = own.add_table(rows=1, cols=1).rows[0].cells[0]
    cell.paragraphs[0].add_run("Số: {so} — {ho_ten} — {giai}")
    paragraph = own.add_paragraph()
    paragraph.add_run("{dia_").font.bold = True  # Word splits a placeholder over runs
    paragraph.add_run("danh}, {ngay}; {nguoi_ky}")
    buffer = io.BytesIO()
    own.save(buffer)
    settings.save_certificate_template(
        db.session, file_store(), contest, world["users"]["province"], buffer.getvalue()
    )
    document = docx.Document(
        io.BytesIO(certificates.certificates_docx(db.session, file_store(), contest))
    )
    texts = all_text(document)
    assert [t for t in texts if t.startswith("Số: 01/")][0].endswith("— giải Nhất")
    assert texts.count("Sơn La, ngày 15 tháng 5 năm 2020; Lò Văn Minh") == 6
    size = document.sections[0]._sectPr.find(qn("w:pgSz"))
    assert size.get(qn("w:orient")) == "landscape"


def test_a_template_without_the_winner_in_any_paragraph_is_refused():
    from contest.platform.errors import InvalidInput

    blank = docx.Document()
    blank.add_paragraph("Giấy chứng nhận {giai}")
    buffer = io.BytesIO()
    blank.save(buffer)
    with pytest.raises(InvalidInput):
        certificate_render.check_template(buffer.getvalue())


def test_certificates_need_the_signer_and_date(finalised, world):
    contest = finalised["contest"]
    book = settings.settings_for(db.session, contest)
    book.certificate_date, book.certificate_signer_name = None, ""
    with pytest.raises(SettingsIncomplete) as refused:
        certificates.certificates_docx(db.session, file_store(), contest)
    assert "ngày ký, họ tên người ký" in str(refused.value)
    db.session.rollback()


def test_another_issuing_body_renders_its_own_papers():
    """A unit can issue its own certificates: nothing of the province is built in."""
    issuance = certificate_render.Issuance(
        parent_body="Sở Giáo dục và Đào tạo",
        body="Trường THPT Chiềng Sinh",
        code="THPTCS",
        place="Thành phố Sơn La",
        day=date(2021, 1, 8),
        signer_authority="HIỆU TRƯỞNG",
        signer_name="Cầm Văn Tâm",
    )
    data = certificate_render.render_certificates(
        certificate_render.default_template(),
        [certificate_render.Certificate("Lường Thị Hoa", "Nhì", "Bản em", "Lớp 11A", "Hội thi")],
        issuance,
    )
    texts = all_text(docx.Document(io.BytesIO(data)))
    assert "Số: 01/GCN-THPTCS" in texts and "TRƯỜNG THPT CHIỀNG SINH" in texts
    assert "Thành phố Sơn La, ngày 08 tháng 01 năm 2021" in texts
    assert not any("Sơn La, ngày 15" in t or "HỘI ĐỒNG" in t for t in texts)


def test_the_pdf_is_printed_and_readable(finalised):
    data = certificates.to_pdf(
        certificates.certificates_docx(db.session, file_store(), finalised["contest"])
    )
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 6  # one page per winner, none spilling over
    first = reader.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # landscape
    text = first.extract_text()
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 01/GCN-HĐTĐKT", "giải Nhất"):
        assert line in text


def test_a_failed_print_is_a_message(monkeypatch):
    def timeout(data, seconds):
        raise office.OfficeConversionError(office.OfficeFailure.TIMEOUT)

    monkeypatch.setattr(office, "to_pdf", timeout)
    with pytest.raises(PrintError) as refused:
        certificates.to_pdf(b"PK")
    assert "quá thời gian" in str(refused.value)


def test_cli_writes_docx_and_pdf(runner, finalised, tmp_path):
    tmp_path = tmp_path / "out"  # the fixture keeps its own files in tmp_path
    tmp_path.mkdir()
    for name in ("gcn.docx", "gcn.pdf"):
        out = tmp_path / name
        result = runner.invoke(args=["anthology", "certificates", "son-la-2019", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == str(out) and out.stat().st_size > 0
    assert len(docx.Document(str(tmp_path / "gcn.docx")).sections) == 6
    assert len(pypdf.PdfReader(str(tmp_path / "gcn.pdf")).pages) == 6
    assert sorted(os.listdir(tmp_path)) == ["gcn.docx", "gcn.pdf"]


def test_cli_failures_are_messages_and_leave_no_file(runner, finalised, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise office.OfficeConversionError(office.OfficeFailure.MISSING)

    tmp_path = tmp_path / "out"  # the fixture keeps its own files in tmp_path
    tmp_path.mkdir()
    cases = [
        (["no-such-contest", "--out", str(tmp_path / "a.docx")], "Không có cuộc thi"),
        (["son-la-2019", "--out", str(tmp_path / "a.odt")], "đuôi .docx hoặc .pdf"),
        (["son-la-2019", "--out", str(tmp_path / "none" / "a.docx")], "Không có thư mục"),
        (["son-la-2019", "--out", str(tmp_path / "a.pdf")], "chưa cài LibreOffice"),
    ]
    monkeypatch.setattr(office, "to_pdf", refused)
    for args, message in cases:
        result = runner.invoke(args=["anthology", "certificates", *args])
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    book = settings.settings_for(db.session, finalised["contest"])
    book.certificate_place = ""
    db.session.commit()
    result = runner.invoke(
        args=["anthology", "certificates", "son-la-2019", "--out", str(tmp_path / "b.docx")]
    )
    assert result.exit_code == 1 and "cần điền địa danh" in result.output
    assert os.listdir(tmp_path) == []


def test_the_book_page_offers_both_formats(client, finalised, world):
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "/anthology/son-la-2019/certificates.docx" in page
    assert "/anthology/son-la-2019/certificates.pdf" in page
    answer = client.get("/anthology/son-la-2019/certificates.docx")
    assert answer.status_code == 200 and answer.data.startswith(b"PK")


def test_the_book_page_serves_the_pdf(client, finalised, world):
    login(client, world["users"]["province"])
    answer = client.get("/anthology/son-la-2019/certificates.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(answer.data)).pages) == 6


def test_a_failed_pdf_on_the_web_is_a_message(client, finalised, world, monkeypatch):
    def missing(data, seconds):
        raise office.OfficeConversionError(office.OfficeFailure.MISSING)

    monkeypatch.setattr(office, "to_pdf", missing)
    login(client, world["users"]["province"])
    answer = client.get("/anthology/son-la-2019/certificates.pdf", follow_redirects=True)
    assert "chưa cài LibreOffice" in answer.get_data(as_text=True)


def test_the_settings_form_saves_the_certificate_fields(client, finalised, world):
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert 'name="certificate_date"' in page and "2020-05-15" in page
    data = {
        "csrf_token": csrf_token(page),
        "title": "Sách",
        "publisher": "Hội đồng",
        "year": "2020",
        "page_size": "B5",
        "margin_mm": "20",
        "certificate_code": "SGDĐT",
        "certificate_place": "Mộc Châu",
        "certificate_date": "2020-02-03",
        "certificate_signer": "GIÁM ĐỐC",
        "certificate_signer_name": "Hà Văn Tú",
    }
    client.post("/anthology/son-la-2019/settings", data=data)
    book = settings.settings_for(db.session, finalised["contest"])
    assert (book.certificate_date, book.certificate_place) == (date(2020, 2, 3), "Mộc Châu")
    texts = all_text(
        docx.Document(
            io.BytesIO(certificates.certificates_docx(db.session, file_store(), book.contest))
        )
    )
    assert "Mộc Châu, ngày 03 tháng 02 năm 2020" in texts and "Số: 01/GCN-SGDĐT" in texts
    client.post("/anthology/son-la-2019/settings", data={**data, "certificate_date": "15/5"})
    assert settings.settings_for(db.session, finalised["contest"]).certificate_date == date(
        2020, 2, 3
    )


def test_a_certificate_names_the_essay_as_the_book_prints_it(finalised):
    """Issue 27: once the organiser edits a winner's title for the book, its certificate
    carries the same title, not the one first submitted."""
    contest = finalised["contest"]
    first = winners(db.session, contest)[0].entry
    edit_copy(
        db.session,
        contest,
        first.id,
        "Người giữ rừng (bản biên tập)",
        CleanCopy(first.body_markdown, 0, 0),
        None,
    )
    db.session.commit()
    texts = all_text(
        docx.Document(io.BytesIO(certificates.certificates_docx(db.session, file_store(), contest)))
    )
    assert "Đã đạt giải Nhất với bài viết «Người giữ rừng (bản biên tập)»" in texts
    assert not any(f"«{first.title}»" in t for t in texts)
