"""The book in both formats: structure, metadata, EPUBCheck, DOCX internals, refusals."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
import zipfile
from collections import Counter

import docx
import pypandoc
import pytest
from docx.oxml.ns import qn
from sqlalchemy import select

from anthology import demo
from anthology.errors import NotFinalised
from anthology.render.checks import epubcheck_messages
from anthology.services import builds, certificates, contents, settings
from contest.documents.converter import MARKDOWN_IN
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.storage import file_store
from judging.models import BlindCopy


def build(contest, folder, formats=("docx", "epub")):
    """The book in `formats` (a test reading one format builds only that one)."""
    return builds.build_book(
        db.session, contest, str(folder), formats, now=utcnow(), files=file_store()
    )


def epub_files(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith((".xhtml", ".opf", ".css", ".ncx"))
        }


def test_refused_before_finalisation(world, runner, tmp_path):
    with pytest.raises(NotFinalised):
        build(world["contest"], tmp_path)
    result = runner.invoke(args=["anthology", "build", "son-la-2019", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "Chưa chốt kết quả" in result.output
    assert not os.path.exists(tmp_path / "son-la-2019.docx")


@pytest.mark.render_once
def test_epub_structure_metadata_and_epubcheck(finalised, world, tmp_path):
    import io

    from PIL import Image

    cover = io.BytesIO()
    Image.new("RGB", (600, 900), (155, 28, 28)).save(cover, "PNG")
    settings.save_cover(
        db.session, file_store(), finalised["contest"], world["users"]["province"], cover.getvalue()
    )
    db.session.commit()
    written = build(finalised["contest"], tmp_path / "a", ("epub",))
    status, messages = epubcheck_messages(written["epub"])
    problems = [m for m in messages if m["severity"] in ("ERROR", "WARNING", "FATAL")]
    assert status == 0 and problems == [], problems
    files = epub_files(written["epub"])
    opf = next(text for name, text in files.items() if name.endswith(".opf"))
    assert "<dc:language>vi-VN</dc:language>" in opf
    assert "Hội đồng Thi đua – Khen thưởng tỉnh Sơn La</dc:publisher>" in opf
    assert 'property="role" scheme="marc:relators">edt' in opf
    assert opf.count('scheme="marc:relators">aut') == 4  # the four prize-winning authors
    assert "schema:accessibilitySummary" in opf and "font/ttf" in opf and "<dc:rights>" in opf
    identifier = re.search(r"<dc:identifier[^>]*>([^<]+)<", opf).group(1)
    again = build(finalised["contest"], tmp_path / "b", ("epub",))
    assert identifier in epub_files(again["epub"])[next(n for n in files if n.endswith(".opf"))]
    assert 'properties="cover-image"' in opf
    nav = next(text for name, text in files.items() if name.endswith("nav.xhtml"))
    assert "Mục lục" in nav
    chapters = [t for n, t in sorted(files.items()) if "/text/ch" in n]
    essay_files = [t for t in chapters if "Byline" in t]
    assert len(essay_files) == 6  # one file per prize-winning essay (quota 1 + 2 + 3)
    titles = [re.search(r"<h2[^>]*>(.*?)</h2>", t).group(1) for t in essay_files]
    assert titles[0] == "Người giữ rừng bản Mòng"  # the Nhất (0.95) comes first
    rich = next(t for t in essay_files if "Người giữ rừng" in t)
    assert "<h3" in rich and "<img" in rich and "footnote" in rich
    whole = "\n".join(chapters)
    assert unicodedata.normalize("NFC", whole) == whole
    assert "1.1 – Gương điển hình tiên tiến trong sản xuất – kinh doanh" in whole
    assert (
        whole.index("Hợp tác xã chè Shan tuyết")
        < whole.index("Trạm Y tế")
        < whole.index("Bà Cầm Thị Ánh")
    )
    # Every essay and every profile reachable from the navigation.
    for name in [*titles, "Hợp tác xã chè Shan tuyết Tà Xùa", "Trạm Y tế xã Chiềng Sơn"]:
        assert f">{name}</a>" in nav, name
    # Chapters titled by their headings, front, body and back matter told apart.
    chapter_titles = [re.search(r"<title>(.*?)</title>", t).group(1) for t in chapters]
    assert not [t for t in chapter_titles if t.startswith("ch0")], chapter_titles
    assert chapter_titles[1:3] == ["Thông tin xuất bản", "Lời giới thiệu"]
    matter = [re.search(r'<body[^>]*epub:type="(\w+)"', t).group(1) for t in chapters]
    part_one = next(i for i, t in enumerate(chapters) if 'id="phan-1"' in t)
    assert set(matter[:part_one]) == {"frontmatter"}
    assert matter[part_one] == "bodymatter" and matter[-1] == "backmatter"
    landmarks = nav[nav.index('epub:type="landmarks"') :]
    for label in ("Mục lục", "Bìa", "Nội dung chính"):
        assert f">{label}</a>" in landmarks, label
    assert "Table of Contents" not in landmarks
    # Fonts cut to the book's characters, bold italic and Thai script included.
    with zipfile.ZipFile(written["epub"]) as archive:
        fonts = {i.filename: i.file_size for i in archive.infolist() if "/fonts/" in i.filename}
    assert "EPUB/fonts/NotoSerif-BoldItalic.ttf" in fonts
    assert "EPUB/fonts/NotoSansTaiViet-Regular.ttf" in fonts
    assert sum(fonts.values()) < 400_000, fonts  # the whole faces weigh over 2 MB
    css = files["EPUB/styles/stylesheet1.css"]
    assert "vertical-align: super" in css and "overflow-wrap: break-word" in css
    # The accessibility claims hold: pictures are announced, and described only if they are.
    undescribed = len(re.findall(r'<img[^>]*alt=""', whole))
    assert ('schema:accessMode">visual' in opf) == ("<img" in whole)
    assert ("alternativeText" in opf) == (undescribed == 0 and "<img" in whole)


@pytest.mark.render_once
def test_no_blind_code_and_no_identity_outside_bylines(finalised, default_book):
    written = default_book
    codes = db.session.scalars(select(BlindCopy.code)).all()
    epub_text = "\n".join(epub_files(written["epub"]).values())
    docx_text = subprocess.run(
        [pypandoc.get_pandoc_path(), written["docx"], "-t", "plain"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for code in codes:
        assert code not in epub_text and code not in docx_text
    author = finalised["rich"].author
    assert author.email not in epub_text and author.email not in docx_text
    with zipfile.ZipFile(written["docx"]) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert author.full_name not in core and "python-docx" not in core


@pytest.mark.render_once
def test_docx_is_a_real_book(default_book):
    written = default_book
    document = docx.Document(written["docx"])
    assert document.core_properties.author == "Hội đồng Thi đua – Khen thưởng tỉnh Sơn La"
    assert document.core_properties.language == "vi-VN"
    assert round(document.sections[-1].page_width.mm) == 176  # B5 by default
    # The front matter ends in its own section; the body restarts at 1 with a PAGE footer;
    # each part (and the closing lists) is a section whose first page has no folio.
    assert len(document.sections) == 5
    numbering = [s._sectPr.find(qn("w:pgNumType")) for s in document.sections]
    assert [n.get(qn("w:fmt")) for n in numbering] == ["lowerRoman"] + ["decimal"] * 4
    assert [n.get(qn("w:start")) for n in numbering] == ["1", "1", None, None, None]
    assert all(s.different_first_page_header_footer for s in document.sections)
    assert all("PAGE" not in s.first_page_footer._element.xml for s in document.sections)
    for section in document.sections:
        assert "PAGE" in section.footer._element.xml
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and 'w:dirty="true"' in body
    assert document.settings.element.find(qn("w:updateFields")) is not None
    toc = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "TOC 2"]
    assert "Người giữ rừng bản Mòng" in toc
    essays = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert essays[0] == "Người giữ rừng bản Mòng" and len(essays) >= 6
    assert document.styles["Heading 2"].paragraph_format.page_break_before
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Byline"):
        fonts = document.styles[style].element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {
            "Times New Roman"
        }, style
        assert not [a for a in fonts.attrib if a.endswith(("Theme", "theme"))], style
    bylines = [p.text for p in document.paragraphs if p.style.name == "Byline"]
    assert len(bylines) == 6 and "Giải Nhất" in bylines[0]
    text_width = document.sections[-1].page_width - 2 * document.sections[-1].left_margin
    assert document.inline_shapes and all(s.width <= text_width for s in document.inline_shapes)
    plain = subprocess.run(
        [pypandoc.get_pandoc_path(), written["docx"], "-t", "plain"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Ông Lò Văn Pánh đã gắn bó với rừng suốt ba mươi năm" in plain
    assert "Theo lời kể của bà con trong bản." in plain  # the footnote
    assert "Danh sách tác giả đoạt giải" in plain and "Chỉ mục tác giả" in plain


def test_leave_out_reorder_and_fix_the_copy(finalised, world, tmp_path):
    contest, rich = finalised["contest"], finalised["rich"]
    actor = world["users"]["province"]
    others = [a.entry for a in contents.winners(db.session, contest)][1:]
    with pytest.raises(InvalidInput):
        contents.set_included(db.session, contest, "e", others[0].id, False, " ", actor)
    contents.set_included(db.session, contest, "e", others[0].id, False, "Trùng nội dung", actor)
    contents.move_item(db.session, contest, "e", rich.id, +1)
    contents.move_item(db.session, contest, "e", rich.id, +1)
    contents.edit_copy(
        db.session,
        contest,
        rich.id,
        "Người giữ rừng (bản in)",
        contents.clean_copy(
            file_store(), rich, rich.body_markdown.replace("ba mươi năm", "ba mươi lăm năm")
        ),
        actor,
    )
    db.session.commit()
    written = build(contest, tmp_path, ("docx",))
    document = docx.Document(written["docx"])
    essays = [p.text for p in document.paragraphs if p.style.name == "Heading 2"][:5]
    assert essays[1] == "Người giữ rừng (bản in)" and others[0].title not in essays
    plain = "\n".join(p.text for p in document.paragraphs)
    assert "ba mươi lăm năm" in plain
    assert "ba mươi năm" in rich.body_markdown  # the original is untouched


def test_certificates_one_per_winner(finalised):
    import io

    data = certificates.certificates_docx(db.session, file_store(), finalised["contest"])
    document = docx.Document(io.BytesIO(data))
    names = [p.text for p in document.paragraphs if p.text.startswith("Chứng nhận tác giả")]
    assert len(names) == 6 and not any("{" in p.text for p in document.paragraphs)


def test_cli_build_writes_every_format(runner, finalised, tmp_path):
    result = runner.invoke(args=["anthology", "build", "son-la-2019", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [  # the paths; what the build changed goes to stderr
        str(tmp_path / "son-la-2019.docx"),
        str(tmp_path / "son-la-2019.epub"),
        str(tmp_path / "son-la-2019.pdf"),
    ]
    only = runner.invoke(
        args=["anthology", "build", "son-la-2019", "--out", str(tmp_path / "x"), "--format", "epub"]
    )
    assert only.stdout.split() == [str(tmp_path / "x" / "son-la-2019.epub")]


def test_another_profile_can_be_added(finalised, world, tmp_path):
    from contest.services.profiles import create_profile

    contest = finalised["contest"]
    extra = create_profile(
        db.session,
        contest=contest,
        round_=world["rounds"]["MCH-CSO"],
        actor=world["users"]["organiser_c1"],
        name="Hội Nông dân xã Chiềng Sơn",
        kind="collective",
        category="1.7",
        achievements="Vận động nông dân sản xuất giỏi.",
        files=file_store(),
    )
    db.session.commit()
    assert extra in contents.other_profiles(db.session, contest)
    contents.add_profile(db.session, contest, extra.id, world["users"]["province"])
    db.session.commit()
    with pytest.raises(InvalidInput):
        contents.add_profile(db.session, contest, extra.id, world["users"]["province"])
    document = docx.Document(build(contest, tmp_path, ("docx",))["docx"])
    assert "Hội Nông dân xã Chiềng Sơn" in [p.text for p in document.paragraphs]


def test_the_author_index_follows_the_vietnamese_alphabet():
    from anthology.render.book import Book, BookEssay

    authors = ["Lò Văn Thắng", "Cầm Thị Thanh", "Quàng Văn Đông", "Lường Văn Dũng", "Tòng Thị Ánh"]
    book = Book(
        "s",
        "T",
        "",
        "P",
        2020,
        "",
        "",
        "",
        essays=[
            BookEssay(f"bai-{i}", f"Bài {i}", name, "", "", "") for i, name in enumerate(authors)
        ],
    )
    assert [name for name, _essays in book.author_index()] == [
        "Tòng Thị Ánh",
        "Lường Văn Dũng",
        "Quàng Văn Đông",
        "Cầm Thị Thanh",
        "Lò Văn Thắng",
    ]


def test_namesakes_are_two_entries_of_the_index_told_apart_by_their_unit():
    """Issue 27: two authors named Phạm Thị Phượng from two units were one entry; the
    same author's two essays stay one."""
    from anthology.render.book import Book, BookEssay

    essays = [
        BookEssay("bai-1", "Bài A", "Phạm Thị Phượng", "Huyện Mộc Châu", "", ""),
        BookEssay("bai-2", "Bài B", "Phạm Thị Phượng", "Huyện Yên Châu", "", ""),
        BookEssay("bai-3", "Bài C", "Phạm Thị Phượng", "Huyện Mộc Châu", "", ""),
        BookEssay("bai-4", "Bài D", "Lò Văn An", "Huyện Mộc Châu", "", ""),
    ]
    book = Book("s", "T", "", "P", 2020, "", "", "", essays=essays)
    index = [(label, [e.title for e in found]) for label, found in book.author_index()]
    assert index == [
        ("Lò Văn An", ["Bài D"]),
        ("Phạm Thị Phượng (Huyện Mộc Châu)", ["Bài A", "Bài C"]),
        ("Phạm Thị Phượng (Huyện Yên Châu)", ["Bài B"]),
    ]
    assert book.authors == ["Lò Văn An", "Phạm Thị Phượng"]


HOSTILE_BLOCKS = (
    "[bấm](javascript:fetch('/accounts'))\n\n<script>alert(1)</script>\n\n"
    '<iframe src="https://example.org/x"></iframe>\n\n<img src="/etc/hostname">\n\n'
    "```{=openxml}\n<w:p><w:r><w:t>OPENXML-INJECTED</w:t></w:r></w:p>\n```\n\n"
    "```{=openxml}\n<w:p><broken\n```\n\n"
    '```{=typst}\n#read("/etc/hostname")\n```\n\n'
    "```{=latex}\n\\input{/etc/hostname}\n```\n\n"
    "`<b>TRONG-DONG</b>`{=html}\n"
)


@pytest.mark.render_once
@pytest.mark.parametrize("path", ["saved", "stored"])
def test_a_malicious_copy_edit_makes_the_build_fetch_nothing_and_copy_no_server_file(
    finalised, world, tmp_path, app, path
):
    """An organiser's copy edit naming a web address, a server file, a script link, raw HTML,
    OpenXML, Typst and LaTeX. Saved through the page it is cleaned like an entrant's upload;
    stored some other way (an older version, a database edit) the build still cleans it. Either
    way the book holds none of it, the build never called out and the EPUB passes EPUBCheck."""
    import http.server
    import threading

    hits: list[str] = []

    class Spy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = os.path.join(app.instance_path, "planted-secret.png")
    os.makedirs(app.instance_path, exist_ok=True)
    with open(secret, "wb") as fh:
        fh.write(b"\x89PNG SECRET-KEY-CONTENT")
    with open("/etc/hostname", "rb") as fh:
        hostname = fh.read().strip()
    contest, rich = finalised["contest"], finalised["rich"]
    hostile_copy = (
        rich.body_markdown
        + f"\n\n![gọi về](http://127.0.0.1:{server.server_port}/spy.png)\n\n"
        + f"![tệp máy chủ]({secret})\n\n![leo ra](../../planted-secret.png)\n\n"
        + HOSTILE_BLOCKS
    )
    if path == "saved":
        copy = contents.clean_copy(file_store(), rich, hostile_copy)
        assert copy.dropped_pictures == 3 and copy.dropped_links == 1
        assert secret not in copy.markdown
        tree = pypandoc.convert_text(copy.markdown, "json", format=MARKDOWN_IN)
        assert '"RawBlock"' not in tree and '"RawInline"' not in tree  # read back: only text
        contents.edit_copy(
            db.session, contest, rich.id, rich.title, copy, world["users"]["province"]
        )
    else:
        contents.ensure_items(db.session, contest)
        contents.essay_item(db.session, contest, rich.id).book_markdown = hostile_copy
    db.session.commit()
    try:
        written = build(contest, tmp_path / "out")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    for written_path in written.values():
        with zipfile.ZipFile(written_path) as archive:
            for name in archive.namelist():
                data = archive.read(name)
                assert b"SECRET-KEY-CONTENT" not in data, name
                assert b"javascript" not in data.lower() and b"<script" not in data, name
                assert b"<iframe" not in data and b"<w:t>OPENXML-INJECTED" not in data, name
                assert b"<b>TRONG-DONG" not in data and b"<w:p><broken" not in data, name
                if len(hostname) > 3:
                    assert hostname not in data, name
    assert epubcheck_messages(written["epub"])[0] == 0
    docx.Document(written["docx"])  # opens: no broken XML went in
    assert "Ông Lò Văn Pánh" in "".join(epub_files(written["epub"]).values())


@pytest.mark.render_once
def test_pictures_go_into_the_book_at_print_resolution(finalised, tmp_path):
    """A phone photo stored at full size (here 3000 × 2250 of noise, several megabytes) goes
    into the book reduced to print resolution: 300 dpi across the widest text block."""
    import io
    import random

    from PIL import Image

    from contest.models import ExemplarProfile
    from contest.platform import storage

    profile = db.session.scalars(
        select(ExemplarProfile).where(ExemplarProfile.photo_path.is_not(None))
    ).first()
    rng = random.Random(7)
    noise = Image.frombytes("RGB", (3000, 2250), rng.randbytes(3000 * 2250 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert len(buffer.getvalue()) > 4_000_000
    with open(os.path.join(storage.file_store().root, profile.photo_path), "wb") as fh:
        fh.write(buffer.getvalue())
    written = build(finalised["contest"], tmp_path)
    for path in written.values():
        with zipfile.ZipFile(path) as archive:
            pictures = [n for n in archive.namelist() if n.lower().endswith((".jpg", ".jpeg"))]
            assert pictures, path
            for name in pictures:
                image = Image.open(io.BytesIO(archive.read(name)))
                assert max(image.size) <= builds.PRINT_SIDE_PX, (path, name, image.size)


def test_cli_failure_is_a_message_and_leaves_no_file(runner, finalised, tmp_path, monkeypatch):
    """The writer breaking (here lxml refusing broken XML, as a bad OpenXML block once did)
    after the DOCX was written: one Vietnamese line, exit status 1, nothing in --out."""
    from lxml import etree

    from anthology import render

    def broken(*args, **kwargs):
        etree.fromstring(b"<w:p><broken")

    monkeypatch.setattr(render, "write_epub", broken)
    out = tmp_path / "out"
    result = runner.invoke(args=["anthology", "build", "son-la-2019", "--out", str(out)])
    assert result.exit_code == 1
    assert "Không dựng được sách" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_a_book_that_fails_its_check_is_not_offered(runner, finalised, tmp_path, monkeypatch):
    """A writer that produced a broken EPUB: EPUBCheck refuses it, the build fails with the
    reason, and no file is offered."""
    from anthology import render

    def hollow(book, folder, out, timeout, pages=None):
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("mimetype", "application/epub+zip")
        return out

    monkeypatch.setattr(render, "write_epub", hollow)
    out = tmp_path / "out"
    result = runner.invoke(args=["anthology", "build", "son-la-2019", "--out", str(out)])
    assert result.exit_code == 1
    assert "EPUBCheck" in result.output, result.output
    assert list(out.iterdir()) == []


@pytest.mark.render_once
def test_title_page_and_colophon_in_docx_and_epub(default_book):
    """The issuing bodies above the title, "Sơn La, 2020" below it, the colophon the law asks
    for, and the signed foreword, in both formats (the demo's settings)."""
    written = default_book
    document = docx.Document(written["docx"])
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]
    assert styled[:5] == [
        ("Issuing Bodies", "ỦY BAN NHÂN DÂN TỈNH SƠN LA\nHỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"),
        ("Title", demo.book_settings_values(2019)["title"]),
        ("Subtitle", "Chào mừng Hội nghị biểu dương điển hình tiên tiến tỉnh Sơn La năm 2020"),
        ("Title Page Place", "Sơn La, 2020"),
        ("Heading 1", "Thông tin xuất bản"),
    ]
    expected = [
        "Chịu trách nhiệm xuất bản: Hà Thị Mai",
        "Chịu trách nhiệm nội dung: Quàng Văn Bình",
        "Biên tập: Lê Thu Hà, Vì Văn Sơn",
        "Trình bày, bìa: Cầm Thị Hoa",
        "Sửa bản in: Ban biên tập",
        "In 500 bản, khổ 17,6 × 25 cm, tại Công ty cổ phần In Sơn La",
        "Giấy phép xuất bản số 08/GP-STTTT ngày 20/4/2020",
        "In xong và nộp lưu chiểu quý II năm 2020.",
        "BAN BIÊN TẬP",
        "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH\nCHỦ TỊCH\nLò Văn Minh",
    ]
    docx_text = "\n".join(text for _style, text in styled)
    epub_html = re.sub(r"<br\s*/>\s*", "\n", "".join(epub_files(written["epub"]).values()))
    epub_text = re.sub(r"<[^>]+>", "", epub_html)
    for line in expected:
        assert line in docx_text, line
        assert line in epub_text, line
    assert "2019" not in [text for style, text in styled if style == "Title Page Place"][0]


def test_pandoc_reads_no_file_named_inside_the_book_even_if_cleaning_missed_it(tmp_path):
    """The second wall: a tree that still named a server file (were the cleaning ever
    bypassed) gives a book without it, because pandoc runs sandboxed."""
    import json

    from PIL import Image

    from anthology.render.pandoc import run_pandoc

    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    Image.new("RGB", (8, 8), "red").save(secret)
    build_folder = tmp_path / "build"
    build_folder.mkdir()
    tree = json.loads(pypandoc.convert_text(f"![x]({secret})\n", "json", format="markdown"))
    (build_folder / "book.json").write_text(json.dumps(tree), encoding="utf-8")
    run_pandoc(["-f", "json", "-t", "docx", "-o", "book.docx", "book.json"], str(build_folder))
    with zipfile.ZipFile(build_folder / "book.docx") as archive:
        assert not [name for name in archive.namelist() if name.startswith("word/media/")]


@pytest.mark.render_once
def test_the_epub_keeps_its_cover_and_stylesheet(finalised, world, tmp_path):
    """Pandoc, sandboxed, may not read the cover or the stylesheet: both are put into the
    package afterwards, and EPUBCheck still passes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 900), (150, 30, 30)).save(buffer, "JPEG")
    settings.save_cover(
        db.session,
        file_store(),
        finalised["contest"],
        world["users"]["province"],
        buffer.getvalue(),
    )
    db.session.commit()
    written = build(finalised["contest"], tmp_path, ("epub",))
    files = epub_files(written["epub"])
    assert 'properties="cover-image"' in files["EPUB/content.opf"]
    assert "Gương Sáng — the anthology's EPUB stylesheet" in files["EPUB/styles/stylesheet1.css"]
    # Issue 27: the cover says what it is to a screen reader, and the package the day it was
    # made (pandoc's sandbox has no clock and wrote 1970-01-01).
    title = settings.settings_for(db.session, finalised["contest"]).title
    assert f'aria-label="Bìa sách: {title}"' in files["EPUB/text/cover.xhtml"]
    modified = re.search(r'dcterms:modified">([^<]+)<', files["EPUB/content.opf"]).group(1)
    assert modified[:4] == str(utcnow().year) and not modified.startswith("1970")
    assert epubcheck_messages(written["epub"])[0] == 0


@pytest.mark.render_once
@pytest.mark.parametrize("with_cover", [False, True])
def test_docx_toc_shows_the_pages_libreoffice_lays_out(finalised, world, tmp_path, with_cover):
    """Converted by LibreOffice, the DOCX's table of contents names for each heading the
    folio printed on the page where that heading stands; a cover adds an unnumbered page
    before the title page, which still has no folio."""
    import io

    from PIL import Image

    from contest.documents import office

    if with_cover:
        buffer = io.BytesIO()
        Image.new("RGB", (600, 900), (155, 28, 28)).save(buffer, "PNG")
        settings.save_cover(
            db.session,
            file_store(),
            finalised["contest"],
            world["users"]["province"],
            buffer.getvalue(),
        )
        db.session.commit()
    written = build(finalised["contest"], tmp_path, ("docx",))
    with open(written["docx"], "rb") as fh:
        pdf = tmp_path / "book.pdf"
        pdf.write_bytes(office.convert(fh.read(), ".docx", "pdf", 120))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    pages = [" ".join(page.split()) for page in text.split("\f")]  # headings may wrap
    if with_cover:
        assert pages.pop(0) == ""  # the cover: a picture, no folio
        assert pages.pop(0) == ""  # its back, left blank: the title page is a recto
    # Opening pages carry no folio: the others give the offset from folio to PDF page. A page
    # without one may still end in a number (a year, the author index's pages): the offset
    # is the one nearly every folio gives.
    offsets = Counter(
        i - int(p.rsplit(" ", 1)[-1]) for i, p in enumerate(pages) if i and p[-1:].isdigit()
    )
    romans = {p.rsplit(" ", 1)[-1]: p for p in pages if re.search(r" [ivx]+$", p)}
    offset, count = offsets.most_common(1)[0]
    assert count >= 0.7 * sum(offsets.values()), offsets
    toc_page = next(p for p in text.split("\f") if "Mục lục" in p)
    entries = re.findall(r"^(\S.*?)\.{3,}\s*([0-9ivx]+)$", toc_page, flags=re.MULTILINE)
    assert len(entries) >= 10, toc_page
    head = settings.settings_for(db.session, finalised["contest"]).title  # on versos
    for title, folio in entries:
        page = pages[offset + int(folio)] if folio.isdigit() else romans[folio]
        page = page.removeprefix(head).strip()
        assert page.startswith(title.strip()), (title, folio, page[:80])
    for title in ("Phần I. Những bài viết đoạt giải", "Phần II. Gương điển hình tiên tiến"):
        opener = next(p for p in pages[offset + 1 :] if p.startswith(title))
        assert not opener[-1:].isdigit(), opener[-40:]  # no folio on a part title
    assert pages[0].endswith("Sơn La, 2020")  # the title page: no folio under the date line


def test_an_essay_s_headings_start_one_level_below_its_title():
    """Issue 27: an essay whose first subheading is "##" went from h2 straight to h4 in the
    EPUB; its highest heading is now level 3, the others keep their distance from it."""
    from anthology.render.book import BookEssay, _essay_markdown

    essay = BookEssay("bai-1", "T", "A", "U", "", "## Một\n\nchữ\n\n### Hai\n\n## Ba\n")
    assert _essay_markdown(essay) == "### Một\n\nchữ\n\n#### Hai\n\n### Ba\n"
    top = BookEssay("bai-2", "T", "A", "U", "", "# Một\n\n## Hai\n")
    assert _essay_markdown(top) == "### Một\n\n#### Hai\n"
