"""Crafted documents an attacking entrant would send: real .docx/.odt files written by pandoc,
then edited so their links, pictures and archive members do what an attacker wants."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pypandoc
from PIL import Image

# Link targets that must never be clickable; each with how a browser would run it.
SCRIPT_TARGETS = [
    "javascript:fetch('/accounts')",
    "JaVaScRiPt:alert(document.cookie)",
    "java\tscript:alert(2)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>fetch('/accounts')</script></svg>"
)
ESSAY = (
    "Chị Cầm Thị Hoa là tấm gương sáng của bản Mòng, được bà con tin yêu và quý trọng. "
    "Chị dạy chữ cho trẻ em trong bản suốt mười năm."
)


def png(width: int = 40, height: int = 30, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def pandoc_document(tmp_path: Path, markdown: str, extension: str, pictures=()) -> bytes:
    """`markdown` written as a real .docx or .odt by pandoc; `pictures` are (name, bytes)
    files placed beside it for its `![](name)` references."""
    for name, data in pictures:
        (tmp_path / name).write_bytes(data)
    (tmp_path / "bai.md").write_text(markdown, encoding="utf-8")
    subprocess.run(
        [pypandoc.get_pandoc_path(), "bai.md", "-o", f"bai{extension}"], cwd=tmp_path, check=True
    )
    return (tmp_path / f"bai{extension}").read_bytes()


def rewrite_members(data: bytes, edit) -> bytes:
    """The archive with each member passed through `edit(name, bytes) -> (name, bytes)`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            name, content = edit(item.filename, source.read(item.filename))
            target.writestr(name, content)
    return out.getvalue()


def docx_with_links(tmp_path: Path, targets: list[str], essay: str = ESSAY) -> bytes:
    """A .docx whose hyperlinks point at `targets` (written as they are into the relationships)."""
    placeholders = [f"https://placeholder.invalid/{i}" for i in range(len(targets))]
    links = "\n\n".join(f"[Liên kết số {i}]({url})" for i, url in enumerate(placeholders))
    data = pandoc_document(tmp_path, f"{essay}\n\n{links}\n", ".docx")

    def edit(name: str, content: bytes):
        if name == "word/_rels/document.xml.rels":
            text = content.decode()
            for placeholder, target in zip(placeholders, targets, strict=True):
                escaped = target.replace("&", "&amp;").replace("\t", "&#9;").replace("'", "&apos;")
                text = text.replace(placeholder, escaped)
            content = text.encode()
        return name, content

    return rewrite_members(data, edit)


def docx_with_picture(
    tmp_path: Path, picture: bytes, *, rename_to: str | None = None, essay: str = ESSAY
) -> bytes:
    """A .docx holding one picture; `rename_to` (e.g. "svg") renames it inside the archive."""
    data = pandoc_document(
        tmp_path, f"{essay}\n\n![Ảnh](anh.png)\n", ".docx", [("anh.png", picture)]
    )
    if rename_to is None:
        return data

    def edit(name: str, content: bytes):
        if name.startswith("media/") or name.startswith("word/media/"):
            name = name.rsplit(".", 1)[0] + "." + rename_to
        elif name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            content = content.replace(b".png", b"." + rename_to.encode())
            content = content.replace(b'Extension="png"', f'Extension="{rename_to}"'.encode())
        return name, content

    return rewrite_members(data, edit)


def odt_with_picture_hrefs(tmp_path: Path, hrefs: list[str]) -> bytes:
    """An .odt whose pictures point at `hrefs` (a web address, a server path) instead of files
    inside the document, with a `javascript:` link beside them."""
    pictures = "\n\n".join(f"![Ảnh {i}](anh.png)" for i in range(len(hrefs)))
    data = pandoc_document(
        tmp_path,
        f"{ESSAY}\n\n{pictures}\n\n[Bấm vào đây](https://placeholder.invalid/)\n",
        ".odt",
        [("anh.png", png())],
    )

    def edit(name: str, content: bytes):
        if name == "content.xml":
            text = content.decode()
            for href in hrefs:
                start = text.index('xlink:href="Pictures/')
                end = text.index('"', start + len('xlink:href="'))
                text = text[:start] + f'xlink:href="{href}' + text[end:]
            text = text.replace("https://placeholder.invalid/", "javascript:alert(1)")
            content = text.encode()
        return name, content

    return rewrite_members(data, edit)
