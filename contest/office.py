"""Word 97–2003 (.doc) and RTF files turned into .docx by LibreOffice, before the normal intake.

Each conversion runs headless in a folder of its own, with a fresh LibreOffice profile whose
macro security forbids every macro, under a time limit; the whole process group is killed when
the limit passes. Nothing of the conversion stays on disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from enum import StrEnum

LEGACY_EXTENSIONS = (".doc", ".rtf")
# What each kind of file starts with: LibreOffice would read anything else as plain text.
_MAGIC = {".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".rtf": b"{\\rtf"}

# A profile in which no macro may run: security level "very high", macro execution disabled.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
  <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
  <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
  <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class OfficeFailure(StrEnum):
    MISSING = "missing"
    TIMEOUT = "timeout"
    UNREADABLE = "unreadable"


class OfficeConversionError(Exception):
    """LibreOffice could not produce a .docx; `reason` says why, for the user's message."""

    def __init__(self, reason: OfficeFailure) -> None:
        super().__init__(reason.value)
        self.reason = reason


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, extension: str, timeout: int) -> bytes:
    """The .docx LibreOffice writes for a .doc or .rtf file."""
    if not data.startswith(_MAGIC[extension]):
        raise OfficeConversionError(OfficeFailure.UNREADABLE)
    program = libreoffice()
    if program is None:
        raise OfficeConversionError(OfficeFailure.MISSING)
    workdir = tempfile.mkdtemp(prefix="office-")
    try:
        profile = os.path.join(workdir, "profile")
        os.makedirs(os.path.join(profile, "user"))
        with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as fh:
            fh.write(_PROFILE)
        source = os.path.join(workdir, "essay" + extension)
        with open(source, "wb") as fh:
            fh.write(data)
        outdir = os.path.join(workdir, "out")
        command = _conversion_command(program, profile, outdir, source)
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": workdir}
        _run(command, environment, timeout)
        result = os.path.join(outdir, "essay.docx")
        if not os.path.exists(result) or os.path.getsize(result) == 0:
            raise OfficeConversionError(OfficeFailure.UNREADABLE)
        with open(result, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _conversion_command(program: str, profile: str, outdir: str, source: str) -> list[str]:
    return [
        program,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        outdir,
        source,
    ]


def _run(command: list[str], environment: dict[str, str], timeout: int) -> None:
    """Run in a process group of its own, so a timeout kills LibreOffice's helpers too."""
    process = subprocess.Popen(
        command,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise OfficeConversionError(OfficeFailure.TIMEOUT) from exc
