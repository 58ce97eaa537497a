"""Issue 27: the printed cover apart from the interior — back, spine and front with bleed, the
spine as thick as the stated paper makes the print master's leaves — from the book page and
`anthology cover`; the interior no longer starts with the cover; the book page's bleed."""

from __future__ import annotations

import io
import math

from markupsafe import escape
from PIL import Image
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from anthology.forms import CoverForm
from anthology.render import cover
from anthology.services import builds, settings
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from tests.plugins.books import last_good_build
from tests.plugins.web import csrf_token, login

MM = 72 / 25.4
B5 = (176, 250)


def _sheet_mm(path: str) -> tuple[float, float, float]:
    """Width and height of the sheet, and the bleed (TrimBox inset), in millimetres."""
    sheet = PdfReader(path).pages[0]
    inset = float(sheet.trimbox.left) - float(sheet.mediabox.left)
    return float(sheet.mediabox.width) / MM, float(sheet.mediabox.height) / MM, inset / MM


def _save_cover_picture(contest, world) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (600, 850), (155, 28, 28)).save(picture, "PNG")
    settings.save_cover(
        db.session, file_store(), contest, world["users"]["province"], picture.getvalue()
    )
    db.session.commit()


def test_the_cover_is_two_trims_a_spine_and_the_bleed_wide(finalised, world, runner, tmp_path):
    contest = finalised["contest"]
    _save_cover_picture(contest, world)
    interior = builds.build_book(
        db.session, contest, str(tmp_path / "book"), ("pdf",), now=utcnow(), files=file_store()
    )["pdf"]
    pages = len(PdfReader(interior).pages)
    assert "ỦY BAN NHÂN DÂN TỈNH SƠN LA" in PdfReader(interior).pages[0].extract_text()
    out = tmp_path / "bia.pdf"
    result = runner.invoke(
        args=["anthology", "cover", contest.slug, "--out", str(out), "--paper-um", "120"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    spine = math.ceil(pages / 2) * 0.12
    width, height, bleed = _sheet_mm(str(out))
    assert abs(width - (2 * B5[0] + spine + 2 * 3)) < 0.2, (width, spine)
    assert abs(height - (B5[1] + 2 * 3)) < 0.1 and abs(bleed - 3) < 0.05
    assert f"{pages} trang, giấy 120 µm" in result.stderr
    assert f"Gáy {round(spine, 1):g} mm" in result.stderr


def test_a_typographic_cover_and_the_title_on_a_wide_spine(finalised, runner, tmp_path):
    contest = finalised["contest"]
    thin, thick = tmp_path / "thin.pdf", tmp_path / "thick.pdf"
    for out, paper in ((thin, "50"), (thick, "400")):
        result = runner.invoke(
            args=["anthology", "cover", contest.slug, "--out", str(out), "--paper-um", paper]
        )
        assert result.exit_code == 0, result.output
    title = settings.settings_for(db.session, contest).title
    front = " ".join(PdfReader(str(thin)).pages[0].extract_text().split())
    assert title in front and "Sơn La, 2020" in front  # no picture: the cover is set in type
    pages = len(
        PdfReader(
            builds.build_book(
                db.session, contest, str(tmp_path / "b"), ("pdf",), now=utcnow(), files=file_store()
            )["pdf"]
        ).pages
    )
    thick_text = " ".join(PdfReader(str(thick)).pages[0].extract_text().split())
    on_spine = math.ceil(pages / 2) * 0.4 >= 6
    assert thick_text.count(title) == (2 if on_spine else 1)
    assert " ".join(PdfReader(str(thin)).pages[0].extract_text().split()).count(title) == 1


def test_a_paper_no_printer_has_is_refused_and_nothing_written(finalised, runner, tmp_path):
    out = tmp_path / "bia.pdf"
    result = runner.invoke(
        args=["anthology", "cover", finalised["contest"].slug, "--out", str(out), "--paper-um", "9"]
    )
    assert result.exit_code == 1 and "Độ dày giấy phải từ 50 đến 400 µm" in result.output
    assert not out.exists()
    result = runner.invoke(args=["anthology", "cover", "khong-co", "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_the_book_page_downloads_the_cover_and_builds_with_bleed(app, client, finalised, world):
    app.config["JOBS_RUNNER"] = "inline"
    contest = finalised["contest"]
    login(client, world["users"]["province"])
    page = client.get(f"/anthology/{contest.slug}/").get_data(as_text=True)
    assert 'id="cover"' in page and 'name="bleed"' in page and 'name="paper_um"' in page
    client.post(
        f"/anthology/{contest.slug}/build", data={"csrf_token": csrf_token(page), "bleed": "y"}
    )
    build = last_good_build(contest)
    interior = builds.build_file(file_store(), build, contest.slug, "pdf")
    width, height, bleed = _sheet_mm(interior)
    assert abs(bleed - 3) < 0.05 and abs(width - (B5[0] + 6)) < 0.1
    assert "3 mm lề xén" in build.notes
    response = client.get(f"/anthology/{contest.slug}/print-cover?paper_um=100&bleed_mm=3")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "bia.pdf" in response.headers["Content-Disposition"]
    pages = len(PdfReader(interior).pages)
    sheet = PdfReader(io.BytesIO(response.data)).pages[0].mediabox
    expected = 2 * B5[0] + round(math.ceil(pages / 2) * 0.1, 1) + 6
    assert abs(float(sheet.width) / MM - expected) < 0.2
    refused = client.get(
        f"/anthology/{contest.slug}/print-cover?paper_um=abc&bleed_mm=3", follow_redirects=True
    )
    assert "Độ dày giấy phải từ 50 đến 400 µm" in refused.get_data(as_text=True)


def test_the_book_page_asks_for_a_build_before_measuring_a_spine(client, finalised, world):
    """A download never starts a layout: without a finished PDF the page says to build."""
    login(client, world["users"]["province"])
    response = client.get(
        f"/anthology/{finalised['contest'].slug}/print-cover?paper_um=100&bleed_mm=3",
        follow_redirects=True,
    )
    assert response.mimetype == "text/html"
    assert "Chưa có bản PDF nào dựng xong" in response.get_data(as_text=True)


def test_the_form_and_the_command_refuse_the_same_paper_and_bleed(
    app, client, finalised, world, runner, tmp_path
):
    """The bounds are the renderer's (`render.cover`): the book page's form and `anthology
    cover` accept the same range and refuse a value outside it in the same words."""
    slug = finalised["contest"].slug
    login(client, world["users"]["province"])
    out = tmp_path / "bia.pdf"
    (thinnest, thickest), (_none, widest) = cover.PAPER_UM, cover.BLEED_MM
    for paper, bleed, message in (
        (thinnest - 1, 3, cover.PAPER_RANGE_MESSAGE),
        (thickest + 1, 3, cover.PAPER_RANGE_MESSAGE),
        (cover.DEFAULT_PAPER_UM, widest + 1, cover.BLEED_RANGE_MESSAGE),
    ):
        said = str(message)
        result = runner.invoke(
            args=["anthology", "cover", slug, "--out", str(out), "--paper-um", str(paper),
                  "--bleed", str(bleed)]
        )  # fmt: skip
        assert result.exit_code == 1 and said in result.output, result.output
        assert not out.exists()
        page = client.get(
            f"/anthology/{slug}/print-cover?paper_um={paper}&bleed_mm={bleed}",
            follow_redirects=True,
        ).get_data(as_text=True)
        assert str(escape(said)) in page
    with app.test_request_context():
        for paper, bleed in ((thinnest, 0), (thickest, widest)):
            form = CoverForm(
                MultiDict({"paper_um": str(paper), "bleed_mm": str(bleed)}), meta={"csrf": False}
            )
            assert form.validate(), form.errors
        form = CoverForm(meta={"csrf": False})
        assert (form.paper_um.data, form.bleed_mm.data) == (
            cover.DEFAULT_PAPER_UM,
            cover.COVER_BLEED_MM,
        )
