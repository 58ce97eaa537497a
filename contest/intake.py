"""Essay intake: checks on uploaded files, extraction through pandoc, NFC and word counts.

The checks run on bytes before any parser sees them; pandoc runs with --sandbox under a time
limit. Essays as offices write them come in too: .doc and .rtf through LibreOffice, runs typed in
TCVN3 or VNI fonts converted to Unicode, .txt saved in Windows-1258 or TCVN3, the text layer of
a PDF. Functions here never touch the database."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum

import pypandoc
from flask_babel import lazy_gettext as _l

from contest import legacy_documents, office, pdf_text
from contest.legacy_fonts import (
    LegacyEncoding,
    looks_like_viqr,
    to_unicode,
    vietnamese_share,
    viqr_to_unicode,
)
from contest.text import count_words, escape_markdown, nfc

ALLOWED_EXTENSIONS = (".docx", ".odt", ".txt", ".doc", ".rtf", ".pdf")
# A .txt file read in a legacy code page is taken when nearly all its words are Vietnamese.
MIN_VIETNAMESE_SHARE = 0.9
MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class IntakeError(ValueError):
    """A file or text that cannot be accepted; the message is shown to the user as is."""


class IntakeNotice(StrEnum):
    """What intake changed on the way in, for the person to check before submitting."""

    LEGACY_FONT = "legacy_font"
    OLD_WORD_FORMAT = "old_word_format"
    PDF_TEXT_ONLY = "pdf_text_only"

    @property
    def message(self) -> str:
        return str(_NOTICES[self])


_NOTICES = {
    IntakeNotice.LEGACY_FONT: _l(
        "Bài được gõ bằng phông chữ cũ (TCVN3/ABC hoặc VNI) và đã được chuyển sang Unicode. "
        "Hãy đọc lại nội dung bên dưới trước khi nộp."
    ),
    IntakeNotice.OLD_WORD_FORMAT: _l(
        "Tệp Word cũ (.doc) hoặc .rtf đã được chuyển sang .docx. Hãy đọc lại nội dung."
    ),
    IntakeNotice.PDF_TEXT_ONLY: _l(
        "Từ tệp PDF chỉ lấy được chữ: cách trình bày và hình ảnh không được giữ lại."
    ),
}


@dataclass
class ExtractedEssay:
    """What intake keeps of an essay: markdown for rendering, plain text for counting."""

    markdown: str
    text: str
    word_count: int
    media: dict[str, bytes] = field(default_factory=dict)
    notices: list[IntakeNotice] = field(default_factory=list)


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
    """An uploaded essay: validate, convert to Unicode markdown, keep the pictures."""
    extension = os.path.splitext(filename.lower())[1]
    if extension == ".docm":
        raise IntakeError(
            _l("Tệp chứa macro (.docm) không được chấp nhận. Hãy lưu lại dưới dạng .docx.")
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise IntakeError(_l("Chỉ nhận tệp .docx, .doc, .odt, .rtf, .pdf hoặc .txt."))
    _check_size(data, max_bytes)
    if extension == ".txt":
        text, converted = _decode_text_file(data)
        essay = extract_typed(text, timeout)
        essay.notices = [IntakeNotice.LEGACY_FONT] if converted else []
        return essay
    if extension == ".pdf":
        return _extract_pdf(data, timeout)
    notices: list[IntakeNotice] = []
    if extension in office.LEGACY_EXTENSIONS:
        data = _from_old_word_format(data, extension, timeout)
        _check_size(data, max_bytes)
        extension = ".docx"
        notices.append(IntakeNotice.OLD_WORD_FORMAT)
    _check_zip(data, extension)
    try:
        converted = (
            legacy_documents.convert_docx(data)
            if extension == ".docx"
            else legacy_documents.convert_odt(data)
        )
    except legacy_documents.UnreadableDocument as exc:
        raise IntakeError(_l("Không đọc được nội dung tệp. Tệp có thể bị hỏng.")) from exc
    if converted.runs:
        notices.append(IntakeNotice.LEGACY_FONT)
    workdir = tempfile.mkdtemp(prefix="intake-")
    try:
        source = os.path.join(workdir, "essay" + extension)
        with open(source, "wb") as fh:
            fh.write(converted.data)
        markdown = _convert_in(workdir, source, extension, timeout)
        media = _collect_media(os.path.join(workdir, "media-dir"))
        markdown = markdown.replace("media-dir/", "")
        essay = _finish(markdown, media, timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    essay.notices = notices
    return essay


def _check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise IntakeError(_l("Tệp lớn hơn %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    if not data:
        raise IntakeError(_l("Tệp trống."))


def _decode_text_file(data: bytes) -> tuple[str, bool]:
    """The text of a .txt file, and whether it had to be converted: UTF-8 as it should be (VIQR
    if its ASCII carries VIQR marks), else Windows-1258 or TCVN3 bytes, whichever reads as
    Vietnamese; anything else is refused with how to re-save it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if looks_like_viqr(text):
            return viqr_to_unicode(text), True
        return text, False
    candidates = [
        nfc(data.decode("cp1258", errors="replace")),
        to_unicode(data.decode("latin-1"), LegacyEncoding.TCVN3),
    ]
    best = max(candidates, key=vietnamese_share)
    if vietnamese_share(best) < MIN_VIETNAMESE_SHARE:
        raise IntakeError(
            _l(
                "Không nhận ra bảng mã của tệp .txt. Hãy mở tệp bằng Notepad hoặc Word, "
                "chọn Lưu thành (Save As) với bảng mã Unicode (UTF-8) rồi gửi lại."
            )
        )
    return best, True


def _from_old_word_format(data: bytes, extension: str, timeout: int) -> bytes:
    """A .doc or .rtf as .docx, or a message that says why not."""
    try:
        return office.to_docx(data, extension, timeout)
    except office.OfficeConversionError as error:
        raise IntakeError(_OFFICE_MESSAGES[error.reason]) from error


_OFFICE_MESSAGES = {
    office.OfficeFailure.MISSING: _l(
        "Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc/.rtf. "
        "Hãy lưu bài dưới dạng .docx rồi gửi lại, hoặc báo quản trị hệ thống."
    ),
    office.OfficeFailure.TIMEOUT: _l("Xử lý tệp quá thời gian cho phép. Tệp có thể bị hỏng."),
    office.OfficeFailure.UNREADABLE: _l(
        "Không đọc được tệp .doc/.rtf: tệp bị hỏng hoặc được đặt mật khẩu. "
        "Hãy gỡ mật khẩu hoặc lưu lại dưới dạng .docx rồi gửi lại."
    ),
}


def _extract_pdf(data: bytes, timeout: int) -> ExtractedEssay:
    """The PDF's text layer as typed text; a scan or a locked file is refused."""
    try:
        text = pdf_text.extract_text(data, timeout)
    except pdf_text.PdfUnreadable as error:
        if error.reason == "no_text":
            raise IntakeError(
                _l(
                    "Tệp PDF này là ảnh chụp/quét, không có lớp chữ. "
                    "Hãy gửi tệp Word (.docx, .doc) hoặc gõ trực tiếp bài viết."
                )
            ) from error
        raise IntakeError(
            _l("Không đọc được tệp PDF: tệp bị hỏng, quá dài hoặc được đặt mật khẩu.")
        ) from error
    essay = extract_typed(text, timeout)
    essay.notices = [IntakeNotice.PDF_TEXT_ONLY]
    return essay


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
