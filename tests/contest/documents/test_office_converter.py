"""Intake takes its office converter from its caller (issue 22 §4): the web and the CLI hand
it their job runner's, a test hands it a stand-in, and the document engine reads no app. And
LibreOffice itself starts each conversion from a copy of a profile started once."""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import docx
import pytest

from contest.documents import office
from contest.documents.intake import IntakeNotice, extract_upload
from contest.platform.errors import IntakeError
from tests.plugins.documents import docx_bytes

OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE header: a .doc's start


def test_an_old_word_file_goes_through_the_converter_it_is_given():
    seen = []

    def convert(data: bytes, extension: str, seconds: int) -> bytes:
        seen.append((data[:8], extension, seconds > 0))
        return docx_bytes(["Chị Lò Thị Hoa giữ rừng đầu nguồn bản Mòng."])

    essay = extract_upload("bai-du-thi.doc", OLD_WORD, 10_000_000, 30, convert)
    assert seen == [(OLD_WORD[:8], ".doc", True)]
    assert "Lò Thị Hoa giữ rừng" in essay.text
    assert IntakeNotice.OLD_WORD_FORMAT in essay.notices


def test_a_converter_with_no_worker_free_gives_the_busy_message():
    def busy(data: bytes, extension: str, seconds: int) -> bytes:
        raise office.OfficeConversionError(office.OfficeFailure.BUSY)

    with pytest.raises(IntakeError, match="Máy chủ đang bận chuyển đổi tệp"):
        extract_upload("bai-du-thi.rtf", b"{\\rtf1 x}", 10_000_000, 30, busy)


def test_each_conversion_starts_from_a_copy_of_a_profile_started_once(monkeypatch, tmp_path):
    """LibreOffice's first start with an empty profile is paid once on the machine: each
    conversion gets a copy of that profile, which its run cannot change; a template that has
    gone (a cleaned /tmp) is made again; a folder others may write is never used."""
    monkeypatch.setattr(office.tempfile, "gettempdir", lambda: str(tmp_path))
    commands = []
    real_run = office._run

    seen = []  # each run's settings, read as it starts

    def run(command, environment, timeout):
        commands.append(" ".join(command))
        for part in command:
            if part.startswith("-env:UserInstallation=file://"):
                profile = part.removeprefix("-env:UserInstallation=file://")
                seen.append(Path(profile, "user", "registrymodifications.xcu").read_text())
        return real_run(command, environment, timeout)

    monkeypatch.setattr(office, "_run", run)
    document = docx_bytes(["Chị Lò Thị Hoa giữ rừng đầu nguồn bản Mòng."])
    for _ in range(2):
        assert office.to_pdf(document, 60).startswith(b"%PDF")
    starts = [c for c in commands if c.endswith("--terminate_after_init")]
    assert len(commands) == 3 and len(starts) == 1
    templates = tmp_path / office.TEMPLATES_FOLDER
    (folder,) = templates.iterdir()
    before = sorted(os.listdir(folder / "profile" / "user"))
    assert "registrymodifications.xcu" in before

    refreshed = office.refresh_indexes(document, 60)  # the macro's profile: a template of its own
    assert docx.Document(io.BytesIO(refreshed)).paragraphs
    assert "--terminate_after_init" not in commands[-1]  # its copy was started already
    assert len([c for c in commands if c.endswith("--terminate_after_init")]) == 2
    assert sorted(os.listdir(folder / "profile" / "user")) == before

    shutil.rmtree(folder)
    assert office.to_pdf(document, 60).startswith(b"%PDF")
    assert commands[-2].endswith("--terminate_after_init") and folder.is_dir()

    # The copy runs with our settings, whatever the template's file says.
    settings = folder / "profile" / "user" / "registrymodifications.xcu"
    settings.write_text(settings.read_text().replace("<value>3</value>", "<value>0</value>"))
    assert office.to_pdf(document, 60).startswith(b"%PDF")
    assert '"MacroSecurityLevel" oor:op="fuse"><value>3</value>' in seen[-1]
    assert "ooSetupInstCompleted" in seen[-1]

    templates.chmod(0o777)  # a folder others may write: not used
    assert (
        office._profile_template(office.libreoffice(), office.sandbox(), office._PROFILE, 60)
        is None
    )
    assert len(commands) == 8
    shutil.rmtree(templates)
    templates.write_bytes(b"")  # a file in its place: no template, no failure either
    assert office.to_pdf(document, 60).startswith(b"%PDF")


def test_making_the_template_counts_against_the_conversion_s_limit(monkeypatch):
    """The first conversion on a machine also starts the template: the two together stay
    within the limit the caller gave (the intake's one deadline)."""
    limits = []

    def slow_template(program, bwrap, profile_text, timeout):
        time.sleep(0.5)

    monkeypatch.setattr(office, "_profile_template", slow_template)
    monkeypatch.setattr(office, "_run", lambda command, env, timeout: limits.append(timeout) or 0)
    with pytest.raises(office.OfficeConversionError):  # nothing ran, so nothing was written
        office.to_pdf(docx_bytes(["Chữ"]), 30)
    assert limits and limits[0] <= 29.5
