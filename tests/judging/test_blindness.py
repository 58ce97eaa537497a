"""Blindness: nothing a judge can reach carries the author's identity before finalisation.

The entry is crafted the way identities leak in practice: the name in the DOCX core
properties, in a comment, as a tracked change's author, in the file name and as the last line
of the text; the author's phone and e-mail in the text too. Then every page a judge can
reach is crawled."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urljoin, urlparse

import docx
from sqlalchemy import select

from contest.documents.intake import extract_upload
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.text import fold
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from contest.services.forwarding import forward_round
from judging.models import Assignment
from tests.plugins.factories import NOW, PASSWORD, vietnamese_essay
from tests.plugins.panels import open_for_judging
from tests.plugins.web import csrf_token, login

AUTHOR = "Nguyễn Thị Bí Mật"
PHONE = "0977 654 321"
EMAIL = "bimat@example.com"
FILENAME = "Bai du thi cua Nguyen Thi Bi Mat.docx"


def leaky_docx() -> bytes:
    document = docx.Document()
    document.core_properties.author = AUTHOR
    document.core_properties.last_modified_by = AUTHOR
    document.add_heading("Người giữ rừng bản Mòng", level=1)
    document.add_picture(_photo_with_exif())
    paragraph = document.add_paragraph(vietnamese_essay(120, "Ông Lò Văn Pánh giữ rừng"))
    document.add_comment(paragraph.runs, text=f"Nhờ {AUTHOR} xem lại", author=AUTHOR, initials="NM")
    document.add_paragraph(f"Mọi góp ý xin gửi về số {PHONE} hoặc {EMAIL}.")
    document.add_paragraph("CHÈNVÀOĐÂY")
    document.add_paragraph(AUTHOR)
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = (
                    data.decode()
                    .replace(
                        "<w:t>CHÈNVÀOĐÂY</w:t></w:r>",
                        f'<w:t>Đoạn</w:t></w:r><w:ins w:id="77" w:author="{AUTHOR}" '
                        'w:date="2019-05-01T00:00:00Z"><w:r><w:t xml:space="preserve"> bổ sung'
                        "</w:t></w:r></w:ins>",
                    )
                    .encode()
                )
            target.writestr(item, data)
    return out.getvalue()


def _photo_with_exif() -> io.BytesIO:
    """A JPEG whose EXIF names the author, as phone cameras do."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x010F] = "Điện thoại của " + AUTHOR  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    return buffer


def crawl(client, start: list[str]) -> dict[str, str]:
    """Every same-site page and file reachable by GET from `start`, with its headers."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen or "/logout" in url or "/lang/" in url:
            continue
        response = client.get(url)
        body = (
            response.get_data(as_text=True)
            if response.mimetype.startswith("text")
            else response.get_data().decode("latin-1")
        )
        response.close()
        seen[url] = f"{response.status_code}\n{dict(response.headers)}\n{body}"
        if response.status_code in (301, 302):
            queue.append(urlparse(response.headers["Location"]).path)
        for link in re.findall(r'(?:href|src|action)="([^"#]+)"', body):
            absolute = urlparse(urljoin("http://localhost" + url, link))
            if absolute.netloc in ("localhost", "") and absolute.path not in seen:
                queue.append(absolute.path + (f"?{absolute.query}" if absolute.query else ""))
    return seen


def test_no_identity_anywhere_a_judge_can_reach(app, client, world, panel):
    author = create_user(
        db.session,
        full_name=AUTHOR,
        email=EMAIL,
        phone=PHONE,
        password=PASSWORD,
        unit=world["units"]["SGD"],
    )
    data = leaky_docx()
    entry = create_entry(
        db.session,
        contest=world["contest"],
        author=author,
        author_unit=author.unit,
        title="Người giữ rừng",
        subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
        essay=extract_upload(FILENAME, data, 10**7),
        original=(FILENAME, data),
        declarations_accepted=True,
        now=NOW,
        submit=True,
        files=file_store(),
    )
    round_ = world["rounds"]["SGD"]
    forward_round(db.session, round_, None, NOW, entry_ids=[entry.id])
    db.session.commit()
    assert AUTHOR in entry.body_text  # the original keeps it; only the judges' copy is cleaned
    open_for_judging(panel, world["users"]["province"])

    judges = {
        a.judge
        for a in db.session.scalars(select(Assignment).where(Assignment.entry_id == entry.id))
    } | {world["users"]["head_judge"]}
    needles = [
        AUTHOR,
        fold(AUTHOR),
        "Bi Mat",
        PHONE,
        PHONE.replace(" ", ""),
        EMAIL,
        FILENAME,
        "Sở Giáo dục",
        f"/entries/{entry.id}",
        entry.storage_key,
    ]
    for judge in judges:
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
        login(client, judge)
        pages = crawl(
            client,
            [
                "/",
                "/judging/son-la-2019/queue",
                "/judging/son-la-2019/e/NOPE-0000",
                f"/entries/{entry.id}",
                "/judging/son-la-2019/",
                "/judging/son-la-2019/key",
                "/judging/son-la-2019/export.xlsx",
            ],
        )
        reached = [u for u, text in pages.items() if text.startswith("200")]
        if judge is not world["users"]["head_judge"]:
            assert any("/judging/son-la-2019/e/SL19-" in u for u in reached), reached
            assert any(re.search(r"/media/1\.(png|jpg)$", u) for u in reached), reached
        for url, text in pages.items():
            for needle in needles:
                assert needle.lower() not in text.lower(), f"{needle!r} leaks at {url}"
