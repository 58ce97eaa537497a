"""Issue 27: Vietnamese trim sizes (14,5 × 20,5 cm, 16 × 24 cm, 13 × 19 cm) and any size in
millimetres, with margins that scale; on the book page and for one build on the CLI."""

from __future__ import annotations

import pytest
from PIL import Image
from pypdf import PdfReader

from anthology import trim
from anthology.render.book import PageSetup
from anthology.render.pdf_writer import size_pictures
from anthology.services import builds, contents, settings
from contest.platform.db import db, utcnow
from contest.platform.errors import DomainError
from contest.platform.storage import file_store
from tests.plugins.web import csrf_token, login

MM = 72 / 25.4


@pytest.mark.parametrize(
    ("text", "key"),
    [("b5", "B5"), ("145x205", "145x205"), (" 150 × 230 mm ", "150x230"), ("130*190", "130x190")],
)
def test_sizes_are_read_as_printers_write_them(text, key):
    assert trim.parse_trim(text) == key


@pytest.mark.parametrize("text", ["", "B6", "10x10", "300x200", "145x", "1450x2050", "x"])
def test_a_size_no_book_could_have_is_refused(text):
    with pytest.raises(ValueError):
        trim.parse_trim(text)


def test_formats_and_margins():
    assert trim.format_cm("145x205") == "14,5 × 20,5 cm"
    assert trim.format_cm("B5") == "17,6 × 25 cm"
    assert trim.scaled_margin("B5", 20) == 20
    assert trim.scaled_margin("145x205", 20) == 16
    assert trim.scaled_margin("A4", 20) == 24
    assert trim.scaled_margin("130x190", 12) == 12  # never below the floor


def test_a_book_of_14_5_by_20_5_cm_builds_at_its_size(finalised, runner, tmp_path):
    contest = finalised["contest"]
    result = runner.invoke(
        args=["anthology", "build", contest.slug, "--out", str(tmp_path), "--format", "pdf",
              "--trim", "145x205"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    reader = PdfReader(result.stdout.strip())
    box = reader.pages[0].mediabox
    assert round(float(box.width) / MM) == 145 and round(float(box.height) / MM) == 205
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "khổ 14,5 × 20,5 cm" in text
    # The settings are untouched: the next build is B5 again.
    assert settings.settings_for(db.session, contest).page_size == "B5"
    bad = runner.invoke(args=["anthology", "build", contest.slug, "--out", str(tmp_path),
                              "--trim", "10x10"])  # fmt: skip
    assert bad.exit_code == 1 and "Khổ sách «10x10»" in bad.output


def test_the_book_page_keeps_a_size_in_millimetres(client, world, finalised):
    contest = finalised["contest"]
    login(client, world["users"]["province"])
    page = client.get(f"/anthology/{contest.slug}/").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(page),
        "title": "Tuyển tập",
        "publisher": "Hội đồng",
        "year": "2020",
        "margin_mm": "20",
        "page_size": "custom",
        "custom_size": "150x230",
    }
    client.post(f"/anthology/{contest.slug}/settings", data=form)
    db.session.expire_all()
    assert settings.settings_for(db.session, contest).page_size == "150x230"
    page = client.get(f"/anthology/{contest.slug}/").get_data(as_text=True)
    assert 'value="150x230"' in page and '<option selected value="custom">' in page
    refused = client.post(
        f"/anthology/{contest.slug}/settings",
        data={**form, "custom_size": "10x10"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Khổ sách «10x10» không dùng được" in refused
    db.session.expire_all()
    assert settings.settings_for(db.session, contest).page_size == "150x230"


def test_the_service_refuses_a_bad_size(world, finalised):
    with pytest.raises(DomainError, match="không dùng được"):
        settings.save_settings(
            db.session,
            finalised["contest"],
            None,
            title="T",
            publisher="P",
            page_size="A7",
        )


def test_builds_of_every_named_size_take_their_size(finalised, tmp_path):
    contest = finalised["contest"]
    for key in ("160x240", "130x190"):
        written = builds.build_book(
            db.session,
            contest,
            str(tmp_path / key),
            ("pdf",),
            None,
            key,
            now=utcnow(),
            files=file_store(),
        )
        box = PdfReader(written["pdf"]).pages[0].mediabox
        assert (round(float(box.width) / MM), round(float(box.height) / MM)) == trim.size_mm(key)


def _mm(box) -> tuple[int, ...]:
    return tuple(round(float(v) / MM) for v in box)


def test_the_print_master_declares_pdf_a_and_its_trim_and_bleed(finalised, runner, tmp_path):
    """Issue 27: a printer's preflight reads the TrimBox and BleedBox and a declared
    standard with its output intent; with --bleed 3 the sheet is 3 mm larger on each side."""
    contest = finalised["contest"]
    plain = builds.build_book(
        db.session, contest, str(tmp_path / "plain"), ("pdf",), now=utcnow(), files=file_store()
    )
    reader = PdfReader(plain["pdf"])
    first = reader.pages[0]
    assert _mm(first.trimbox) == _mm(first.mediabox) == (0, 0, 176, 250)
    assert _mm(first.bleedbox) == (0, 0, 176, 250)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    result = runner.invoke(
        args=["anthology", "build", contest.slug, "--out", str(tmp_path / "bleed"),
              "--format", "pdf", "--bleed", "3"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for sheet in PdfReader(result.stdout.strip()).pages:
        assert _mm(sheet.mediabox) == _mm(sheet.bleedbox) == (0, 0, 182, 256)
        left, bottom, right, top = (float(v) / MM for v in sheet.trimbox)
        assert (round(left), round(bottom), round(right - left), round(top - bottom)) == (
            3,
            3,
            176,
            250,
        )


def test_a_small_picture_is_never_stretched_and_is_named_when_below_300_ppi(tmp_path):
    """Issue 27: a 240 × 160 px picture at full width would print at 47 ppi; it is placed at
    its 200 ppi size instead and reported; a large one spans the text block."""
    for name, size in (("small.png", (240, 160)), ("large.png", (3000, 2000))):
        Image.new("RGB", size, (200, 30, 30)).save(tmp_path / name)
    tree = {
        "blocks": [
            {"t": "Image", "c": [["", [], []], [], [name, ""]]}
            for name in ("small.png", "large.png")
        ]
    }
    coarse = size_pictures(tree, str(tmp_path), PageSetup("B5", 20))
    small, large = (block["c"][0][2] for block in tree["blocks"])
    assert small == [["width", "30.5mm"]]  # 240 px at 200 ppi
    assert large == [["width", "131.0mm"]]  # the text block of a B5 page
    assert coarse == [("small.png", 30, 200)]


def test_the_build_reports_each_picture_below_300_ppi(finalised, tmp_path):
    notes: list[str] = []
    builds.build_book(
        db.session,
        finalised["contest"],
        str(tmp_path),
        ("pdf",),
        notes,
        now=utcnow(),
        files=file_store(),
    )
    rich = finalised["rich"]
    assert any(f"«{rich.title}»: ảnh" in n and "ppi" in n for n in notes), notes
    photo = next(p for p in book_profiles(finalised) if p.photo_path)
    assert any(f"«{photo.name}»: ảnh" in n for n in notes), notes


def book_profiles(finalised):
    """The profiles the fixture's book carries, in its order."""
    return [i.profile for i in contents.items(db.session, finalised["contest"]) if i.profile_id]
