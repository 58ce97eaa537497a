"""Word 97–2003 (.doc) and RTF files turned into .docx by LibreOffice, before the normal intake.

Each conversion runs headless in a folder of its own, with a fresh LibreOffice profile (a copy
of one started once on the machine, with no document) that forbids macros, active content and
linked files, inside a bubblewrap sandbox that sees only the system's programs and that folder
(no network, none of the app's files: a picture "linked" to a server path cannot be pulled into
the essay), under a time limit; the whole process group is killed when the limit passes.
Nothing of the conversion stays on disk."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from typing import Any

from contest.platform.jobs import CallFailed, WorkersBusy

LEGACY_EXTENSIONS = (".doc", ".rtf")
# What each kind of file starts with: LibreOffice would read anything else as plain text.
_MAGIC = {".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".rtf": b"{\\rtf", ".docx": b"PK\x03\x04"}
# What each target is written as: LibreOffice's output filter and the file's extension.
# The PDF keeps the blank pages a book's layout asks for (a part opening on a recto).
_PDF_EXPORT = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
_TARGETS = {"docx": ("docx:MS Word 2007 XML", ".docx"), "pdf": (_PDF_EXPORT, ".pdf")}

# A profile in which nothing active runs and nothing linked is fetched: no macro (security
# "very high", execution disabled), no active content, no linked picture or text from files or
# the network (untrusted links blocked, links and fields never updated on load), and a proxy
# that answers nothing as a second guard. Keys from LibreOffice's Common, Writer and Inet schemas.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
  <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop>
  <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>
  <prop oor:name="DisableActiveContent" oor:op="fuse"><value>true</value></prop>
  <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">
  <prop oor:name="Link" oor:op="fuse"><value>2</value></prop>
  <prop oor:name="Field" oor:op="fuse"><value>false</value></prop>
</item>
<item oor:path="/org.openoffice.Inet/Settings">
  <prop oor:name="ooInetProxyType" oor:op="fuse"><value>1</value></prop>
  <prop oor:name="ooInetHTTPProxyName" oor:op="fuse"><value>127.0.0.1</value></prop>
  <prop oor:name="ooInetHTTPProxyPort" oor:op="fuse"><value>9</value></prop>
  <prop oor:name="ooInetHTTPSProxyName" oor:op="fuse"><value>127.0.0.1</value></prop>
  <prop oor:name="ooInetHTTPSProxyPort" oor:op="fuse"><value>9</value></prop>
  <prop oor:name="ooInetNoProxy" oor:op="fuse"><value></value></prop>
</item>
<item oor:path="/org.openoffice.Office.Common/Misc">
  <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop>
</item>
</oor:items>
"""


class OfficeFailure(StrEnum):
    MISSING = "missing"
    TIMEOUT = "timeout"
    UNREADABLE = "unreadable"
    BUSY = "busy"  # no worker took the conversion in time (REDIS_URL, contest.platform.job_queue)


class OfficeConversionError(Exception):
    """LibreOffice could not produce a .docx; `reason` says why, for the user's message."""

    def __init__(self, reason: OfficeFailure) -> None:
        super().__init__(reason.value)
        self.reason = reason


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def sandbox() -> str | None:
    return shutil.which("bwrap")


# What LibreOffice needs to start, read-only; everything else of the machine stays out of sight.
# The fonts' cache spares each start a scan of every font file (a tenth of a second of CPU).
_SYSTEM_FILES = (
    "/etc/fonts",
    "/var/cache/fontconfig",
    "/etc/alternatives",
    "/etc/libreoffice",
    "/etc/ld.so.cache",
    "/etc/passwd",
    "/etc/group",
)


def _sandboxed(bwrap: str, command: list[str], workdir: str) -> list[str]:
    """The command inside bubblewrap: /usr read-only, the work folder writable, no network."""
    wrapper = [bwrap, "--ro-bind", "/usr", "/usr"]
    for link in ("lib", "lib64", "bin", "sbin"):
        wrapper += ["--symlink", f"usr/{link}", f"/{link}"]
    for path in _SYSTEM_FILES:
        if os.path.exists(path):
            wrapper += ["--ro-bind", path, path]
    wrapper += [
        "--proc", "/proc",
        "--dev", "/dev",
        "--tmpfs", "/tmp",
        "--bind", workdir, workdir,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
    ]  # fmt: skip
    return [*wrapper, *command]


# (data, extension, seconds) → the .docx: LibreOffice here, or through a job runner.
OfficeConverter = Callable[[bytes, str, int], bytes]


def to_docx(data: bytes, extension: str, timeout: int) -> bytes:
    """The .docx LibreOffice writes for a .doc or .rtf file."""
    return convert(data, extension, "docx", timeout)


def to_pdf(data: bytes, timeout: int) -> bytes:
    """The PDF LibreOffice prints from a .docx the app wrote itself (certificates)."""
    return convert(data, ".docx", "pdf", timeout)


def convert(data: bytes, extension: str, target: str, timeout: int) -> bytes:
    """The file LibreOffice writes as `target` ("docx" or "pdf") for a document, sandboxed."""
    output_filter, output_extension = _TARGETS[target]

    def command(program: str, profile: str, workdir: str, source: str, _started: bool) -> list[str]:
        outdir = os.path.join(workdir, "out")
        return _conversion_command(program, profile, outdir, source, output_filter)

    return _in_sandbox(
        data, extension, _PROFILE, command, os.path.join("out", "essay" + output_extension),
        timeout,
    )  # fmt: skip


# The one macro a book build runs: every index (the table of contents) of the .docx given
# is refreshed with LibreOffice's own page layout, and the file is written back as .docx.
_REFRESH_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub RefreshIndexes(path As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  document = StarDesktop.loadComponentFromURL(ConvertToURL(path), "_blank", 0, load())
  indexes = document.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName" : store(0).Value = "MS Word 2007 XML"
  document.storeToURL(ConvertToURL(path &amp; ".out.docx"), store())
  document.close(True)
End Sub
</script:module>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
 library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>
"""
# The macro profile differs from the conversion one in a single point: macros may run, and
# the only one that exists is the profile's own (a document's macros stay off: security
# "very high" runs nothing but the profile's trusted "My Macros").
_MACRO_PROFILE = _PROFILE.replace(
    '<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop>',
    '<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>false</value></prop>',
)


def refresh_indexes(data: bytes, timeout: int) -> bytes:
    """The .docx with its table of contents refreshed by LibreOffice (true page numbers)."""

    def command(program: str, profile: str, workdir: str, source: str, started: bool) -> list[str]:
        # LibreOffice's first start copies its presets over the profile's macros, so the
        # macro library is written into a profile started once (a copy of the process's
        # template, or this one, started first here).
        library = os.path.join(workdir, "library")
        os.makedirs(library)
        for name, text in (("script.xlb", _LIBRARY), ("Module1.xba", _REFRESH_MACRO)):
            with open(os.path.join(library, name), "w") as fh:
                fh.write(text)
        office = _office_command(program, profile)
        macro = f'macro:///Standard.Module1.RefreshIndexes("{source}")'
        basic = os.path.join(profile, "user", "basic", "Standard")
        steps = [] if started else [shlex.join([*office, "--terminate_after_init"])]
        steps += [
            shlex.join(["cp", f"{library}/script.xlb", f"{library}/Module1.xba", basic]),
            shlex.join([*office, macro]),
        ]
        return ["/bin/sh", "-c", " && ".join(steps)]

    return _in_sandbox(data, ".docx", _MACRO_PROFILE, command, "essay.docx.out.docx", timeout)


def _in_sandbox(data, extension, profile_text, build_command, result_name, timeout) -> bytes:
    """Run LibreOffice on `data` in a fresh folder and profile, sandboxed and time-limited;
    the file it leaves at `result_name` (inside the folder) is the answer."""
    if not data.startswith(_MAGIC[extension]):
        raise OfficeConversionError(OfficeFailure.UNREADABLE)
    program, bwrap = libreoffice(), sandbox()
    if program is None or bwrap is None:
        raise OfficeConversionError(OfficeFailure.MISSING)
    began = time.monotonic()
    template = _profile_template(program, bwrap, profile_text, timeout)
    timeout = max(1.0, timeout - (time.monotonic() - began))  # a template made counts too
    workdir = tempfile.mkdtemp(prefix="office-")
    try:
        profile = os.path.join(workdir, "profile")
        if template:
            try:
                shutil.copytree(template, profile, symlinks=True)
            except OSError:  # the template went (a cleaned /tmp) while it was copied
                shutil.rmtree(profile, ignore_errors=True)
                template = None
        if template is None:
            _write_profile(profile, profile_text)
        else:  # our settings, whatever the copy holds: a file lost from it loses no guard
            _write_settings(profile, profile_text.replace("</oor:items>", _STARTED))
        source = os.path.join(workdir, "essay" + extension)
        with open(source, "wb") as fh:
            fh.write(data)
        command = build_command(program, profile, workdir, source, template is not None)
        _run(_sandboxed(bwrap, command, workdir), _environment(workdir), timeout)
        result = os.path.join(workdir, result_name)
        if not os.path.exists(result) or os.path.getsize(result) == 0:
            raise OfficeConversionError(OfficeFailure.UNREADABLE)
        with open(result, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _write_profile(profile: str, profile_text: str) -> None:
    os.makedirs(os.path.join(profile, "user"))
    _write_settings(profile, profile_text)


def _write_settings(profile: str, settings: str) -> None:
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as fh:
        fh.write(settings)


# What LibreOffice's first start adds to the settings: with them, a copy is a started profile.
_STARTED = (
    '<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" '
    'oor:op="fuse"><value>true</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">'
    "<value>en-US</value></prop></item>\n</oor:items>"
)


# LibreOffice asks for a block of 64 MB again and again while it converts (16 times for a
# one-page essay). glibc maps each such block anew and the kernel zeroes it: 300,000 page
# faults a run, most of its processor time spent in the kernel. With the block below the
# mmap threshold and the freed top of the heap below the trim threshold, the heap keeps it
# between requests: 50,000 faults, a third less processor time. The address space stays
# capped (MEMORY_LIMIT_BYTES).
MALLOC_SETTINGS = {
    "MALLOC_MMAP_THRESHOLD_": str(128 << 20),
    "MALLOC_TRIM_THRESHOLD_": str(256 << 20),
}


def _environment(home: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, **MALLOC_SETTINGS}


# Profiles LibreOffice has started once with no document, one per profile text and program,
# shared by the machine's processes (like the conversion slots): TEMPLATES_FOLDER/<key>/profile.
TEMPLATES_FOLDER = "guong-sang-office-profiles"
TEMPLATE_SECONDS = 20  # a first start with no document takes a fraction of a second


def _profile_template(program: str, bwrap: str, profile_text: str, timeout: int) -> str | None:
    """A profile started once by LibreOffice, sandboxed, with no document: each conversion
    starts from a copy of it, never from it, so nothing of one essay's run reaches the next.
    Its first start is a sixth of a conversion's processor time, paid once on the machine.
    Made in a folder of its own and renamed into place whole (a broken one is replaced); kept
    only in a real folder this user alone can write. None when it cannot be made, for any
    reason: the conversion then makes its own profile, as before."""
    try:
        parent = os.path.join(tempfile.gettempdir(), TEMPLATES_FOLDER)
        os.makedirs(parent, mode=0o700, exist_ok=True)
        owner = os.lstat(parent)
        if not stat.S_ISDIR(owner.st_mode) or owner.st_uid != os.getuid() or owner.st_mode & 0o077:
            return None
        installed = os.stat(os.path.realpath(program)).st_mtime_ns  # a new LibreOffice: anew
        key = hashlib.sha256(f"{program}\0{installed}\0{profile_text}".encode()).hexdigest()[:24]
        target = os.path.join(parent, key)
        if _started(target):
            return os.path.join(target, "profile")
        making = tempfile.mkdtemp(prefix="making-", dir=parent)
    except OSError:
        return None
    try:
        _write_profile(os.path.join(making, "profile"), profile_text)
        command = [
            *_office_command(program, os.path.join(making, "profile")),
            "--terminate_after_init",
        ]
        limit = min(timeout, TEMPLATE_SECONDS)
        if _run(_sandboxed(bwrap, command, making), _environment(making), limit) == 0 and (
            _started(making)
        ):
            if os.path.isdir(target) and not _started(target):
                shutil.rmtree(target, ignore_errors=True)
            os.rename(making, target)  # another process may have won
    except (OfficeConversionError, OSError):
        pass
    finally:
        shutil.rmtree(making, ignore_errors=True)
    return os.path.join(target, "profile") if _started(target) else None


def _started(folder: str) -> bool:
    user = os.path.join(folder, "profile", "user")
    return os.path.isdir(os.path.join(user, "basic")) and os.path.isfile(
        os.path.join(user, "registrymodifications.xcu")
    )


# LibreOffice's address space is capped: a 9 MB RTF of nested groups otherwise grows to 8 GB.
MEMORY_LIMIT_BYTES = 3 * 1024 * 1024 * 1024


def _office_command(program: str, profile: str) -> list[str]:
    """LibreOffice headless with its own profile, its address space capped."""
    return [
        "/usr/bin/prlimit",
        f"--as={MEMORY_LIMIT_BYTES}",
        "--",
        program,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
    ]


def _conversion_command(
    program: str, profile: str, outdir: str, source: str, output_filter: str
) -> list[str]:
    return [
        *_office_command(program, profile),
        "--convert-to",
        output_filter,
        "--outdir",
        outdir,
        source,
    ]


def _run(command: list[str], environment: dict[str, str], timeout: int) -> int:
    """Run in a process group of its own, so a timeout kills LibreOffice's helpers too;
    returns the exit status."""
    process = subprocess.Popen(
        command,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise OfficeConversionError(OfficeFailure.TIMEOUT) from exc


def converted_or_reason(data: bytes, extension: str, timeout: int) -> tuple[str, bytes]:
    """The call a worker runs for `to_docx_by`: ("", the .docx) or (the failure, b"")."""
    try:
        return "", to_docx(data, extension, timeout)
    except OfficeConversionError as error:
        return error.reason.value, b""


def converter_through(runner: Any) -> OfficeConverter:
    """`to_docx` run by `runner` (see `to_docx_by`): what the web and the CLI hand to intake."""
    return partial(to_docx_by, runner)


def to_docx_by(runner: Any, data: bytes, extension: str, timeout: int) -> bytes:
    """`to_docx` through the job runner's `call_soon`: on a worker when REDIS_URL is set (the
    upload waits for it), in this process otherwise."""
    try:
        reason, converted = runner.call_soon(
            converted_or_reason, data, extension, timeout, timeout=timeout
        )
    except WorkersBusy as error:
        raise OfficeConversionError(OfficeFailure.BUSY) from error
    except CallFailed as error:
        raise OfficeConversionError(OfficeFailure.UNREADABLE) from error
    if reason:
        raise OfficeConversionError(OfficeFailure(reason))
    return converted


# Field codes that make Word or LibreOffice read another file (a picture from the server's
# disk): renamed in place in a .doc or .rtf, same length, so the converter sees only the upload.
LINKED_FILE_FIELDS = (b"INCLUDEPICTURE", b"INCLUDETEXT")


def without_linked_files(data: bytes) -> bytes:
    """A .doc or .rtf whose fields can no longer name another file to include: each such field
    code is overwritten with as many X (in the file's 8-bit and UTF-16 forms), so offsets in a
    binary .doc stay where they were."""
    for word in LINKED_FILE_FIELDS:
        for encoded, blank in ((word, b"X" * len(word)), (
            word.decode().encode("utf-16-le"), ("X" * len(word)).encode("utf-16-le")
        )):  # fmt: skip
            data = re.sub(re.escape(encoded), blank, data, flags=re.IGNORECASE)
    return data
