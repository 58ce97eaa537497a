"""Essay intake: checks on uploaded files, extraction through pandoc, NFC and word counts.

The checks run on bytes before any parser sees them; pandoc runs with --sandbox under a time
limit. Essays as offices write them come in too: .doc and .rtf through LibreOffice, runs typed in
TCVN3 or VNI fonts converted to Unicode, .txt saved in Windows-1258 or TCVN3, the text layer of
a PDF. Functions here never touch the database."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from contest.documents import budget, essay_ast, legacy_documents, office, pdf_text, pictures
from contest.documents.converter import (
    TOO_COMPLEX,
    essay_pandoc,
    markdown_to_text_and_html,
    tree_to_markdown,
)
from contest.documents.legacy_fonts import (
    LegacyEncoding,
    looks_like_viqr,
    to_unicode,
    vietnamese_share,
    viqr_to_unicode,
)
from contest.platform.errors import IntakeError
from contest.platform.text import count_words, escape_markdown, nfc

ALLOWED_EXTENSIONS = (".docx", ".odt", ".txt", ".doc", ".rtf", ".pdf")
# A .txt file read in a legacy code page is taken when nearly all its words are Vietnamese.
MIN_VIETNAMESE_SHARE = 0.9
MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# The document's XML, unpacked: a 17,000-word essay with its styles is about 1 MB, and a contest
# essay has at most a few thousand words. Much more XML costs pandoc and the document tree
# seconds and hundreds of MB, and is no essay (figures in bench/README.md).
MAX_XML_BYTES = 3 * 1024 * 1024 // 2
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
WORK_PREFIX = "guong-sang-intake-"


class IntakeNotice(StrEnum):
    """What intake changed on the way in, for the person to check before submitting."""

    LEGACY_FONT = "legacy_font"
    OLD_WORD_FORMAT = "old_word_format"
    PDF_TEXT_ONLY = "pdf_text_only"
    PICTURES_DROPPED = "pictures_dropped"
    LINKS_DROPPED = "links_dropped"

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
    IntakeNotice.PICTURES_DROPPED: _l(
        "Một số hình trong tệp không được giữ lại: chỉ nhận ảnh JPEG, PNG, GIF, BMP, TIFF hoặc "
        "WebP nằm ngay trong tệp, không quá 50 megapixel (không nhận hình vẽ SVG/WMF, hình "
        "lấy từ trang web hay từ máy khác). Hãy đọc lại bài trước khi nộp."
    ),
    IntakeNotice.LINKS_DROPPED: _l(
        "Một số liên kết không dẫn tới trang web hay địa chỉ e-mail nên chỉ giữ lại chữ."
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
    # HTML already made from `markdown`: with the text of an upload, or in a batch
    # (`converter.markdowns_to_html`, the large demo); empty: made when the essay is saved.
    html: str = ""


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
    if any(_climbs_out(m.filename) for m in members):
        raise IntakeError(
            _l("Tệp chứa thành phần có đường dẫn không hợp lệ (thoát ra ngoài tệp), bị từ chối.")
        )
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise IntakeError(
            _l("Tệp giải nén ra quá lớn so với kích thước của nó, không thể xử lý an toàn.")
        )
    if sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels"))) > MAX_XML_BYTES:
        raise IntakeError(TOO_COMPLEX)
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


def _climbs_out(name: str) -> bool:
    """A member named with an absolute path, a drive, a backslash or a `..` step."""
    return (
        name.startswith("/")
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or ".." in name.split("/")
    )


def _finish(
    markdown: str, media: dict[str, bytes], timeout: int, text: str | None = None
) -> ExtractedEssay:
    """The essay from its markdown; its text (unless typed) and its HTML made together
    (`converter.convert_texts`)."""
    markdown = nfc(markdown).strip()
    html = ""
    if text is None:
        text, html = markdown_to_text_and_html(markdown, timeout) if markdown else ("", "")
    words = count_words(text)
    if words == 0:
        raise IntakeError(_l("Bài viết trống: không tìm thấy nội dung nào."))
    return ExtractedEssay(
        markdown=markdown + "\n", text=text, word_count=words, media=media, html=html
    )


def typed_text_to_markdown(text: str) -> str:
    """Typed or pasted text is plain prose: escape markdown so it reads back as typed."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", nfc(text).replace("\r\n", "\n"))]
    escaped = [escape_markdown(p) for p in paragraphs if p]
    return "\n\n".join(" \\\n".join(line.strip() for line in p.split("\n")) for p in escaped)


def extract_typed(text: str, timeout: int = 30) -> ExtractedEssay:
    """An essay typed or pasted into the form: its plain text is what was typed."""
    text = nfc(text.replace("\r\n", "\n")).strip()
    return _finish(typed_text_to_markdown(text), {}, timeout, text=text)


def extract_upload(
    filename: str,
    data: bytes,
    max_bytes: int,
    seconds: int = budget.INTAKE_SECONDS,
    office_to_docx: office.OfficeConverter = office.to_docx,
) -> ExtractedEssay:
    """An uploaded essay: validate, convert to Unicode markdown, keep the pictures; all of it
    within `seconds`. A .doc or .rtf goes through `office_to_docx` (the web and the CLI pass
    `office.converter_through` their job runner, so LibreOffice runs on a worker)."""
    deadline = budget.Deadline(seconds)
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
        essay = extract_typed(text, deadline.left())
        essay.notices = [IntakeNotice.LEGACY_FONT] if converted else []
        return essay
    if extension == ".pdf":
        return _extract_pdf(data, deadline)
    notices: list[IntakeNotice] = []
    if extension in office.LEGACY_EXTENSIONS:
        data = _from_old_word_format(
            office_to_docx, office.without_linked_files(data), extension, deadline.left()
        )
        _check_size(data, max_bytes)
        extension = ".docx"
        notices.append(IntakeNotice.OLD_WORD_FORMAT)
    budget.check_pictures(_check_zip(data, extension))
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
    workdir = tempfile.mkdtemp(prefix=WORK_PREFIX)
    try:
        source = os.path.join(workdir, "essay" + extension)
        with open(source, "wb") as fh:
            fh.write(converted.data)
        markdown, media, outcome = _convert_in(workdir, source, extension, deadline)
        essay = _finish(markdown, media, deadline.left())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if outcome.dropped_pictures:
        notices.append(IntakeNotice.PICTURES_DROPPED)
    if outcome.dropped_links:
        notices.append(IntakeNotice.LINKS_DROPPED)
    essay.notices = notices
    return essay


def sweep_work_folders(max_age_seconds: int = 3600) -> int:
    """Remove conversion folders left by a process killed mid-conversion (a normal run removes
    its own). Called at start-up; a folder younger than `max_age_seconds` may be in use."""
    removed = 0
    parent = tempfile.gettempdir()
    for name in os.listdir(parent):
        if not name.startswith(WORK_PREFIX):
            continue
        path = os.path.join(parent, name)
        try:
            age = time.time() - os.path.getmtime(path)
        except FileNotFoundError:
            continue  # its conversion just finished and removed it (another process)
        if age > max_age_seconds:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


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


def _from_old_word_format(
    convert: office.OfficeConverter, data: bytes, extension: str, timeout: int
) -> bytes:
    """A .doc or .rtf as .docx, or a message that says why not."""
    try:
        return convert(data, extension, timeout)
    except office.OfficeConversionError as error:
        raise IntakeError(_OFFICE_MESSAGES[error.reason]) from error


_OFFICE_MESSAGES = {
    office.OfficeFailure.MISSING: _l(
        "Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc/.rtf. "
        "Hãy lưu bài dưới dạng .docx rồi gửi lại, hoặc báo quản trị hệ thống."
    ),
    office.OfficeFailure.TIMEOUT: _l("Xử lý tệp quá thời gian cho phép. Tệp có thể bị hỏng."),
    office.OfficeFailure.BUSY: _l(
        "Máy chủ đang bận chuyển đổi tệp .doc/.rtf. Hãy gửi lại sau ít phút, "
        "hoặc lưu bài dưới dạng .docx rồi gửi."
    ),
    office.OfficeFailure.UNREADABLE: _l(
        "Không đọc được tệp .doc/.rtf: tệp bị hỏng hoặc được đặt mật khẩu. "
        "Hãy gỡ mật khẩu hoặc lưu lại dưới dạng .docx rồi gửi lại."
    ),
}


def _extract_pdf(data: bytes, deadline: budget.Deadline) -> ExtractedEssay:
    """The PDF's text layer as typed text; a scan or a locked file is refused."""
    try:
        text = pdf_text.extract_text(data, deadline.left())
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
    essay = extract_typed(text, deadline.left())
    essay.notices = [IntakeNotice.PDF_TEXT_ONLY]
    return essay


def _convert_in(
    workdir: str, source: str, extension: str, deadline: budget.Deadline
) -> tuple[str, dict[str, bytes], essay_ast.Outcome]:
    """Convert inside the work folder so extracted media land there and nowhere else; keep
    only safe links and the pictures that decode as rasters, re-encoded under neutral names."""
    tree = json.loads(
        essay_pandoc(
            [
                "-f",
                extension[1:],
                "-t",
                "json",
                "--track-changes=accept",
                "--extract-media=media-dir",
                os.path.basename(source),
            ],
            None,
            deadline.left(),
            cwd=workdir,
        )
    )
    media: dict[str, bytes] = {}
    names: dict[str, str] = {}
    extracted = os.path.join(workdir, "media-dir")

    def keep_picture(target: str) -> str | None:
        if target not in names:
            path = os.path.realpath(os.path.join(workdir, target))
            if not path.startswith(os.path.realpath(extracted) + os.sep) or not os.path.isfile(
                path
            ):
                return None  # a web address or a path outside the document: never fetched
            deadline.left()
            with open(path, "rb") as fh:
                try:
                    picture = pictures.clean(fh.read())
                except pictures.NotAPicture:
                    return None
            names[target] = f"media/{len(media) + 1}{picture.extension}"
            media[names[target]] = picture.data
        return names[target]

    outcome = essay_ast.clean_tree(tree, keep_picture)
    return tree_to_markdown(tree, deadline.left()), media, outcome
