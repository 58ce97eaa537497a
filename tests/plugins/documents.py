"""Documents as entrants and offices send them: a .docx made by python-docx, a rich .docx
made by pandoc (heading, footnote, picture, tracked changes), old-font (TCVN3, VNI) essays,
and the same essay saved by LibreOffice as .doc, .rtf, .odt and PDF (once per session)."""

from __future__ import annotations

import atexit
import functools
import io
import os
import shutil
import subprocess
import tempfile
import zipfile

import cachetools
import pypandoc
import pytest
from PIL import Image

from contest.documents import converter, office


@pytest.fixture
def own_pandoc(monkeypatch, tmp_path):
    """pandocs kept running for this test alone, one per conversion slot, started with the
    settings it patches (the process's own may have started before them), and slots of its
    own: a conversion of the other test process never takes slot 0 from it. Nothing converted
    earlier in the process is reused: each conversion reaches them."""
    residents = [converter.make_resident_pandoc() for _ in range(converter.MAX_CONVERSIONS)]
    monkeypatch.setattr(converter, "resident_pandocs", residents)
    monkeypatch.setattr(converter, "converted", cachetools.LRUCache(0))
    monkeypatch.setattr(converter.tempfile, "gettempdir", lambda: str(tmp_path))
    yield residents
    for resident in residents:
        resident.stop()


def docx_bytes(paragraphs: list[str], core_author: str | None = None) -> bytes:
    """A small real .docx made with python-docx."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if core_author:
        document.core_properties.author = core_author
        document.core_properties.last_modified_by = core_author
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Essays as offices write them: runs typed in TCVN3 (".VnTime", capitals in ".VnTimeH") and VNI.
TCVN3_HEADING = "ng\u00adêi tèt viÖc tèt"  # in .VnTimeH: NGƯỜI TỐT VIỆC TỐT
TCVN3_BODY = "T«i tªn lµ Lß ThÞ Hoa, ë b¶n M\u00adêng Chiªn, huyÖn Quúnh Nhai."
VNI_BODY = "Chò Loø Thò Hoa ñaõ vaän ñoäng baø con troàng xoaøi treân ñaát doác."
LEGACY_UNICODE = [
    "NGƯỜI TỐT VIỆC TỐT",
    "Tôi tên là Lò Thị Hoa, ở bản Mường Chiên, huyện Quỳnh Nhai.",
    "Chị Lò Thị Hoa đã vận động bà con trồng xoài trên đất dốc.",
    "Đoạn này gõ bằng Unicode: ꪼꪕ ꪁꪮꪉ ꪀꪱ.",
]
# Each office sample (see `office_samples`) → the paragraphs its converted text must hold.
OFFICE_EXPECTED_TEXT = {
    "docx": LEGACY_UNICODE,
    "doc": LEGACY_UNICODE,
    "rtf": LEGACY_UNICODE,
    "odt": LEGACY_UNICODE,
    "vni.docx": LEGACY_UNICODE[2:3],
    "pdf": LEGACY_UNICODE[1:3],
}


def legacy_docx() -> bytes:
    """A mixed document: a .VnTimeH heading, a .VnTime paragraph, a paragraph whose style is
    VNI-Times, and a Unicode paragraph holding Thai (Tai Viet) words."""
    import docx

    document = docx.Document()
    document.add_paragraph().add_run(TCVN3_HEADING).font.name = ".VnTimeH"
    document.add_paragraph().add_run(TCVN3_BODY).font.name = ".VnTime"
    style = document.styles.add_style("VniBody", 1)
    style.font.name = "VNI-Times"
    document.add_paragraph(VNI_BODY, style="VniBody")
    document.add_paragraph().add_run(LEGACY_UNICODE[3]).font.name = "Times New Roman"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def _test_profile() -> str:
    """One LibreOffice profile for the process's test documents: started once, not per file."""
    folder = tempfile.mkdtemp(prefix="lo-test-profile-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def libreoffice_convert(data: bytes, source_extension: str, target: str) -> bytes:
    """What an office would have saved: LibreOffice turns a test document into .doc, .rtf …"""
    folder = tempfile.mkdtemp(prefix="lo-test-")
    try:
        source = os.path.join(folder, "sample" + source_extension)
        with open(source, "wb") as fh:
            fh.write(data)
        profile = _test_profile()
        try:
            _run_soffice(profile, target, folder, source)
        except subprocess.SubprocessError:  # a LibreOffice left running holds the profile
            _test_profile.cache_clear()
            shutil.rmtree(profile, ignore_errors=True)
            raise
        (produced,) = os.listdir(os.path.join(folder, "out"))
        with open(os.path.join(folder, "out", produced), "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_soffice(profile: str, target: str, folder: str, source: str) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            os.path.join(folder, "out"),
            source,
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, **office.MALLOC_SETTINGS},
    )


@pytest.fixture(scope="session")
def office_samples() -> dict[str, bytes]:
    """The mixed old-font essay saved the ways offices save it, a VNI-only .docx, a text PDF
    (in a font the PDF carries whole) and a scanned one. LibreOffice runs once per session."""
    import docx
    from PIL import Image

    original = legacy_docx()
    printed = docx.Document()
    printed.styles["Normal"].font.name = "DejaVu Serif"
    for text in LEGACY_UNICODE[1:3]:
        printed.add_paragraph(text)
    buffer = io.BytesIO()
    printed.save(buffer)
    vni = docx.Document()
    for _ in range(2):  # enough words for the demo's minimum
        vni.add_paragraph().add_run(VNI_BODY).font.name = "VNI-Times"
    vni_buffer = io.BytesIO()
    vni.save(vni_buffer)
    scan = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(scan, "PDF")
    return {
        "docx": original,
        "doc": libreoffice_convert(original, ".docx", "doc"),
        "rtf": libreoffice_convert(original, ".docx", "rtf"),
        "odt": libreoffice_convert(original, ".docx", "odt"),
        "pdf": libreoffice_convert(buffer.getvalue(), ".docx", "pdf"),
        "vni.docx": vni_buffer.getvalue(),
        "scan.pdf": scan.getvalue(),
    }


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def rich_docx(tmp_path) -> bytes:
    """A .docx with a heading, a footnote, a picture, a tracked insertion and deletion."""
    (tmp_path / "anh.png").write_bytes(png_bytes())
    (tmp_path / "bai.md").write_text(
        "# Người giữ rừng ở bản Mòng\n\n"
        "Ông Lò Văn Pánh đã *gắn bó* với rừng suốt ba mươi năm[^1].\n\n"
        "![Ông Pánh bên cánh rừng](anh.png)\n\n"
        "Đoạn cuối có chữ SỬAĐÂY.\n\n"
        "[^1]: Theo lời kể của bà con trong bản.\n",
        encoding="utf-8",
    )
    subprocess.run(
        [pypandoc.get_pandoc_path(), "bai.md", "-o", "bai.docx"], cwd=tmp_path, check=True
    )
    source = zipfile.ZipFile(tmp_path / "bai.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                tracked = (
                    '<w:ins w:id="901" w:author="Người sửa" w:date="2019-05-01T00:00:00Z">'
                    '<w:r><w:t xml:space="preserve">được chèn thêm </w:t></w:r></w:ins>'
                    '<w:del w:id="902" w:author="Người sửa" w:date="2019-05-01T00:00:00Z">'
                    "<w:r><w:delText>chữ đã xóa</w:delText></w:r></w:del>"
                )
                assert "SỬAĐÂY" in text
                text = text.replace("SỬAĐÂY", "SỬAĐÂY</w:t></w:r>" + tracked + "<w:r><w:t>", 1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()
