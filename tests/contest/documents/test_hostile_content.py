"""What an attacking entrant sends: links that run script, pictures that are not pictures or
call home, picture bombs, archives climbing out, documents too heavy to convert. Intake keeps
none of it, the pages never show it live, and the media route serves only clean rasters."""

from __future__ import annotations

import fcntl
import io
import os
import random
import time
import zipfile

import pytest
from PIL import Image

from contest.documents import converter, intake
from contest.documents.intake import IntakeNotice, extract_upload
from contest.documents.sanitise import essay_markup
from contest.platform import storage
from contest.platform.db import db
from contest.platform.errors import IntakeError
from tests import hostile
from tests.plugins.factories import uploaded_entry
from tests.plugins.web import login

MAX = 10 * 1024 * 1024


def test_script_links_lose_their_targets_and_safe_links_stay(tmp_path):
    essay = extract_upload(
        "bai.docx",
        hostile.docx_with_links(
            tmp_path, [*hostile.SCRIPT_TARGETS, "https://sonla.gov.vn/", "mailto:a@b.vn"]
        ),
        MAX,
    )
    lowered = essay.markdown.lower()
    for scheme in ("javascript", "script:", "data:", "vbscript"):
        assert scheme not in lowered
    assert "Liên kết số 0" in essay.markdown  # the words stay
    assert "(https://sonla.gov.vn/)" in essay.markdown and "(mailto:a@b.vn)" in essay.markdown
    assert IntakeNotice.LINKS_DROPPED in essay.notices


@pytest.mark.parametrize(
    "picture, rename_to",
    [
        (hostile.SVG_WITH_SCRIPT, "svg"),
        (hostile.SVG_WITH_SCRIPT, None),  # an SVG under a .png name
        (b"<html><script>alert(1)</script></html>", "html"),
        (hostile.png(20_000, 10_000, "1"), None),  # 200 megapixels in 24 KB
    ],
    ids=["svg", "svg named png", "html", "decompression bomb"],
)
def test_pictures_that_are_not_safe_rasters_are_dropped_with_a_notice(tmp_path, picture, rename_to):
    data = hostile.docx_with_picture(tmp_path, picture, rename_to=rename_to)
    essay = extract_upload("bai.docx", data, MAX)
    assert essay.media == {} and "![" not in essay.markdown
    assert IntakeNotice.PICTURES_DROPPED in essay.notices
    assert "tấm gương sáng" in essay.text


def test_a_kept_picture_is_re_encoded_under_a_neutral_name_without_metadata(tmp_path):
    photo = Image.new("RGB", (4000, 3000), (10, 120, 40))
    exif = Image.Exif()
    exif[0x013B] = "Nguyễn Văn Tèo"  # Artist
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue() + b"<script>appended</script>"
    essay = extract_upload("bai.docx", hostile.docx_with_picture(tmp_path, data), MAX)
    ((name, clean),) = essay.media.items()
    assert name == "media/1.jpg" and f"]({name})" in essay.markdown
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG" and max(image.size) == 3000
        assert not image.getexif()
    assert b"script" not in clean and "Tèo".encode() not in clean


def test_remote_and_server_path_pictures_are_never_fetched_nor_kept(tmp_path):
    data = hostile.odt_with_picture_hrefs(tmp_path, ["http://127.0.0.1:9/spy.png", "/etc/hostname"])
    essay = extract_upload("bai.odt", data, MAX)
    assert essay.media == {}
    assert "127.0.0.1" not in essay.markdown and "/etc/hostname" not in essay.markdown
    assert "javascript" not in essay.markdown.lower()
    assert {IntakeNotice.PICTURES_DROPPED, IntakeNotice.LINKS_DROPPED} <= set(essay.notices)


@pytest.mark.parametrize(
    "member", ["../../evil.xml", "/etc/evil.xml", "word\\..\\..\\evil.xml", "C:/evil.xml"]
)
def test_archive_members_climbing_out_are_refused(tmp_path, member):
    data = hostile.rewrite_members(
        hostile.docx_with_links(tmp_path, []),
        lambda name, content: (member if name == "docProps/app.xml" else name, content),
    )
    with pytest.raises(IntakeError, match="đường dẫn không hợp lệ"):
        extract_upload("bai.docx", data, MAX)


def test_a_document_whose_xml_is_too_large_is_refused_before_conversion(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_XML_BYTES", 1024 * 1024)
    words = random.Random(7).choices(
        ["người", "tốt", "việc", "bản", "Mòng", "rừng", "xã"], k=300_000
    )
    paragraph = "<w:p><w:r><w:t>" + " ".join(words) + "</w:t></w:r></w:p>"

    def inflate(name, content):
        if name == "word/document.xml":
            text = content.decode()
            at = text.index("</w:body>")
            content = (text[:at] + paragraph + text[at:]).encode()
        return name, content

    data = hostile.rewrite_members(hostile.docx_with_links(tmp_path, []), inflate)
    with pytest.raises(IntakeError, match="quá phức tạp"):
        extract_upload("bai.docx", data, MAX)


def test_pandoc_over_its_memory_cap_gets_a_clear_refusal(monkeypatch):
    monkeypatch.setattr(converter, "PANDOC_HEAP_MB", 70)  # pandoc's own floor is 64 MB
    with pytest.raises(IntakeError, match="quá phức tạp"):
        converter.markdown_to_text_and_html("chữ " * 500_000)


def test_an_overrun_kills_the_whole_process_group_and_says_so(tmp_path, monkeypatch, own_pandoc):
    """A converter that hangs, with a child of its own: both are gone after the time limit."""
    marker = tmp_path / "child.pid"
    script = tmp_path / "stuck-pandoc"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nsleep 300\n")
    script.chmod(0o755)
    monkeypatch.setattr(converter.pypandoc, "get_pandoc_path", lambda: str(script))
    # Slots of its own: the other test process's conversions must not make this one wait.
    monkeypatch.setattr(converter.tempfile, "gettempdir", lambda: str(tmp_path))
    with pytest.raises(IntakeError, match="quá thời gian"):
        converter.markdown_to_text_and_html("Chữ", timeout=1)
    child = int(marker.read_text())
    time.sleep(0.2)
    assert not os.path.exists(f"/proc/{child}") or "Z" in _state(child)


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[1].split()[0]


def test_conversions_beyond_the_limit_wait_then_ask_to_try_again(tmp_path, own_pandoc):
    """(`own_pandoc`: slots of the test's own, and no conversion kept from an earlier test.)"""
    folder = tmp_path / converter.SLOTS_FOLDER
    folder.mkdir()
    held = []
    for number in range(converter.MAX_CONVERSIONS):
        handle = open(folder / f"slot-{number}", "a+b")  # noqa: SIM115 - held for the test
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(handle)
    started = time.monotonic()
    with pytest.raises(IntakeError, match="đang bận"):
        converter.markdown_to_text_and_html("Chữ", timeout=1)
    assert time.monotonic() - started >= 1
    held.pop().close()  # one conversion finishes: the next one runs
    assert converter.markdown_to_text_and_html("Chữ", timeout=5)[0].strip() == "Chữ"
    for handle in held:
        handle.close()


def test_start_up_sweeps_what_killed_workers_left(app, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(intake.tempfile, "gettempdir", lambda: str(temporary))
    old, young = temporary / f"{intake.WORK_PREFIX}old", temporary / f"{intake.WORK_PREFIX}young"
    old.mkdir()
    young.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    entries = os.path.join(app.config["STORAGE_DIR"], "entries")
    os.makedirs(os.path.join(entries, ".staging-dead", "media"))
    os.utime(os.path.join(entries, ".staging-dead"), (time.time() - 7200, time.time() - 7200))
    assert intake.sweep_work_folders() == 1 and sorted(os.listdir(temporary)) == [young.name]
    assert storage.sweep_staging(app.config["STORAGE_DIR"]) == 1
    assert os.listdir(entries) == []


def test_the_sanitiser_keeps_prose_and_kills_everything_active():
    html = (
        '<p><a href="javascript:alert(1)">a</a><a href=" java&#9;script:alert(1)">b</a>'
        '<a href="https://sonla.gov.vn/">c</a><a href="#fn1" class="footnote-ref" id="fnref1">'
        '<sup>1</sup></a><img src="media/1.png" alt="Ảnh"><img src="http://evil/x.png">'
        '<img src="/etc/hostname"><img src="media/../../secret_key"><svg onload="x()"></svg>'
        '<script>alert(1)</script><em onclick="x()" style="position:fixed">Người tốt</em>'
        '<iframe src="https://evil/"></iframe></p>'
    )
    shown = str(essay_markup(html, lambda name: f"/entries/1/media/{name}"))
    assert "javascript" not in shown and "script" not in shown and "svg" not in shown
    assert "onclick" not in shown and "style" not in shown and "iframe" not in shown
    assert shown.count("<img") == 4 and shown.count("src=") == 1
    assert 'src="/entries/1/media/1.png"' in shown and 'href="#fn1"' in shown
    assert 'href="https://sonla.gov.vn/"' in shown and "nofollow" in shown
    assert "<em>Người tốt</em>" in shown
    judges = str(essay_markup(html, lambda name: name, outside_links=False))
    assert "sonla.gov.vn" not in judges and 'href="#fn1"' in judges


def _entry_from(world, data: bytes, filename: str):
    entry = uploaded_entry(world["contest"], world["users"]["entrant_a"], filename, data)
    db.session.commit()
    return entry


def test_the_media_route_serves_clean_rasters_only_with_nosniff(app, client, world, tmp_path):
    entry = _entry_from(world, hostile.docx_with_picture(tmp_path, hostile.png()), "bai.docx")
    media = os.path.join(storage.file_store().entry_dir(entry.storage_key), "media")
    with open(os.path.join(media, "planted.svg"), "wb") as fh:
        fh.write(hostile.SVG_WITH_SCRIPT)
    with open(os.path.join(media, "planted.html"), "wb") as fh:
        fh.write(b"<script>alert(1)</script>")
    login(client, world["users"]["province"])
    with client.get(f"/entries/{entry.id}/media/1.png") as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/png"
        assert picture.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in picture.headers["Content-Security-Policy"]
    for name in ("planted.svg", "planted.html", "../original.docx", "%2e%2e/original.docx"):
        assert client.get(f"/entries/{entry.id}/media/{name}").status_code == 404


def test_the_entry_page_shows_no_live_script_link(app, client, world, tmp_path):
    entry = _entry_from(world, hostile.docx_with_links(tmp_path, hostile.SCRIPT_TARGETS), "b.docx")
    # Even what was stored before intake cleaned links is made inert on the page.
    entry.body_html += '<p><a href="javascript:alert(1)">cũ</a><img src="http://evil/x.png"></p>'
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Liên kết số 0" in page
    assert "javascript:" not in page.lower() and "vbscript" not in page and "data:text" not in page
    assert "http://evil" not in page


def test_zip_members_of_a_valid_docx_are_untouched_by_the_check(tmp_path):
    data = hostile.docx_with_picture(tmp_path, hostile.png())
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(name.startswith("word/media/") for name in names)
    assert extract_upload("bai.docx", data, MAX).media


def test_the_sweep_passes_a_folder_another_process_removes_meanwhile(tmp_path, monkeypatch):
    """Found by a clean-clone run beside other work: a conversion that finished between the
    sweep's listing and its look at the folder's age stopped the app from starting."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(intake.tempfile, "gettempdir", lambda: str(temporary))
    gone, old = temporary / f"{intake.WORK_PREFIX}gone", temporary / f"{intake.WORK_PREFIX}old"
    gone.mkdir()
    old.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    listed = os.listdir(temporary)
    gone.rmdir()  # its own conversion is done: it removed it after the listing
    monkeypatch.setattr(intake.os, "listdir", lambda _parent: listed)
    assert intake.sweep_work_folders() == 1 and not old.exists()
