"""Essay intake: checks on uploaded files, extraction through pandoc, NFC and word counts.

The checks run on bytes before any parser sees them; pandoc runs with --sandbox under a time
limit. Functions here never touch the database."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field

import pypandoc
from flask_babel import lazy_gettext as _l

from contest.text import count_words, escape_markdown, nfc

ALLOWED_EXTENSIONS = (".docx", ".odt", ".txt")
MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class IntakeError(ValueError):
    """A file or text that cannot be accepted; the message is shown to the user as is."""


@dataclass
class ExtractedEssay:
    """What intake keeps of an essay: markdown for rendering, plain text for counting."""

    markdown: str
    text: str
    word_count: int
    media: dict[str, bytes] = field(default_factory=dict)


def _check_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Reject zip bombs and look-alikes by the archive's directory, before any parsing."""
    if data.startswith(OLE_MAGIC):
        raise IntakeError(
            _l(
                "Tệp được mã hóa bằng mật khẩu hoặc là định dạng Word cũ (.doc). "
                "Vui lòng gỡ mật khẩu và lưu lại dưới dạng .docx."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise IntakeError(
            _l("Tệp không phải là văn bản .docx/.odt hợp lệ hoặc đã bị hỏng.")
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise IntakeError(_l("Tệp chứa quá nhiều thành phần, không thể xử lý an toàn."))
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise IntakeError(
            _l("Tệp giải nén ra quá lớn so với kích thước của nó, không thể xử lý an toàn.")
        )
    names = {m.filename for m in members}
    if kind == ".docx":
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise IntakeError(_l("Tệp không phải là văn bản .docx hợp lệ hoặc đã bị hỏng."))
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or any("vbaProject" in n for n in names):
            raise IntakeError(
                _l("Tệp chứa macro (.docm) không được chấp nhận. Hãy lưu lại dưới dạng .docx.")
            )
    else:
        if "mimetype" not in names or archive.read("mimetype").strip() != ODT_MIMETYPE:
            raise IntakeError(_l("Tệp không phải là văn bản .odt hợp lệ hoặc đã bị hỏng."))
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
            "META-INF/manifest.xml"
        ):
            raise IntakeError(
                _l("Tệp được mã hóa bằng mật khẩu. Vui lòng gỡ mật khẩu rồi gửi lại.")
            )
    return archive


def _run_pandoc(args: list[str], stdin: bytes | None, timeout: int, cwd: str | None = None) -> str:
    """Run the pandoc that pypandoc-binary ships, sandboxed, under a time limit."""
    try:
        done = subprocess.run(
            [pypandoc.get_pandoc_path(), "--sandbox", *args],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as exc:
        raise IntakeError(_l("Xử lý tệp quá thời gian cho phép. Tệp có thể bị hỏng.")) from exc
    if done.returncode != 0:
        raise IntakeError(_l("Không đọc được nội dung tệp. Tệp có thể bị hỏng."))
    return done.stdout.decode("utf-8")


def markdown_to_text(markdown: str, timeout: int = 30) -> str:
    """Plain text of the essay, for the word count and the leak scan."""
    return nfc(
        _run_pandoc(["-f", "markdown", "-t", "plain", "--wrap=none"], markdown.encode(), timeout)
    )


def markdown_to_html(markdown: str, timeout: int = 30) -> str:
    """HTML of the essay for reading pages; raw HTML in the source is not passed through."""
    return _run_pandoc(
        ["-f", "markdown-raw_html-raw_attribute", "-t", "html5", "--wrap=none"],
        markdown.encode(),
        timeout,
    )


def _finish(
    markdown: str, media: dict[str, bytes], timeout: int, text: str | None = None
) -> ExtractedEssay:
    markdown = nfc(markdown).strip()
    if text is None:
        text = markdown_to_text(markdown, timeout) if markdown else ""
    words = count_words(text)
    if words == 0:
        raise IntakeError(_l("Bài viết trống: không tìm thấy nội dung nào."))
    return ExtractedEssay(markdown=markdown + "\n", text=text, word_count=words, media=media)


def typed_text_to_markdown(text: str) -> str:
    """Typed or pasted text is plain prose: escape markdown so it reads back as typed."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", nfc(text).replace("\r\n", "\n"))]
    escaped = [escape_markdown(p) for p in paragraphs if p]
    return "\n\n".join(" \\\n".join(line.strip() for line in p.split("\n")) for p in escaped)


def extract_typed(text: str, timeout: int = 30) -> ExtractedEssay:
    """An essay typed or pasted into the form: its plain text is what was typed."""
    text = nfc(text.replace("\r\n", "\n")).strip()
    return _finish(typed_text_to_markdown(text), {}, timeout, text=text)


def extract_upload(filename: str, data: bytes, max_bytes: int, timeout: int = 30) -> ExtractedEssay:
    """An uploaded .docx, .odt or .txt: validate, convert, keep the pictures."""
    extension = os.path.splitext(filename.lower())[1]
    if extension == ".docm":
        raise IntakeError(
            _l("Tệp chứa macro (.docm) không được chấp nhận. Hãy lưu lại dưới dạng .docx.")
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise IntakeError(_l("Chỉ nhận tệp .docx, .odt hoặc .txt."))
    if len(data) > max_bytes:
        raise IntakeError(_l("Tệp lớn hơn %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise IntakeError(_l("Tệp trống."))
    if extension == ".txt":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IntakeError(
                _l("Tệp .txt không ở dạng mã UTF-8. Hãy lưu lại với bảng mã Unicode (UTF-8).")
            ) from exc
        return extract_typed(text, timeout)
    _check_zip(data, extension)
    workdir = tempfile.mkdtemp(prefix="intake-")
    try:
        source = os.path.join(workdir, "essay" + extension)
        with open(source, "wb") as fh:
            fh.write(data)
        markdown = _convert_in(workdir, source, extension, timeout)
        media = _collect_media(os.path.join(workdir, "media-dir"))
        markdown = markdown.replace("media-dir/", "")
        return _finish(markdown, media, timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _convert_in(workdir: str, source: str, extension: str, timeout: int) -> str:
    """Convert inside the work folder so extracted media land there and nowhere else."""
    args = [
        "-f",
        extension[1:],
        "-t",
        "markdown-raw_html-raw_attribute-link_attributes",
        "--wrap=none",
        "--track-changes=accept",
        "--extract-media=media-dir",
        os.path.basename(source),
    ]
    return _run_pandoc(args, None, timeout, cwd=workdir)


def _collect_media(folder: str) -> dict[str, bytes]:
    """Pictures pandoc pulled out of the document, keyed by their path under media/."""
    media: dict[str, bytes] = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                media[os.path.relpath(path, folder)] = fh.read()
    return media
