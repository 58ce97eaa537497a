"""The archive: a .tar.gz whose first member, manifest.json, lists every other member with its
size and SHA-256.

With the manifest first, a restore checks each member against it before writing a byte of
it. The archive is hostile input: only plain files, only under `database/` and `storage/`,
never a path that climbs out, nothing the manifest does not list, nothing missing."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import IO

from flask_babel import lazy_gettext as _l

from contest.platform.errors import BackupError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "sqlite": "database/guong-sang.sqlite",
    "postgresql": "database/guong-sang.pgdump",
}
STORAGE_PREFIX = "storage/"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    created_at: str
    database_kind: str
    alembic_revision: str | None
    members: list[Member]

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database_kind]

    @property
    def storage_members(self) -> list[Member]:
        return [m for m in self.members if m.path.startswith(STORAGE_PREFIX)]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Read and check a manifest: a known format, safe unique paths, one database."""
        try:
            raw = json.loads(data.decode("utf-8"))
            if raw["format_version"] != FORMAT_VERSION:
                raise BackupError(
                    _l(
                        "Bản sao lưu có định dạng %(version)s, phần mềm này chỉ đọc định dạng "
                        "%(known)s.",
                        version=raw["format_version"],
                        known=FORMAT_VERSION,
                    )
                )
            manifest = cls(
                format_version=raw["format_version"],
                created_at=str(raw["created_at"]),
                database_kind=str(raw["database_kind"]),
                alembic_revision=raw["alembic_revision"],
                members=[
                    Member(str(m["path"]), int(m["size"]), str(m["sha256"])) for m in raw["members"]
                ],
            )
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise BackupError(_l("Tệp mô tả (manifest) của bản sao lưu bị hỏng.")) from error
        if manifest.database_kind not in DATABASE_MEMBERS:
            raise BackupError(_l("Tệp mô tả (manifest) của bản sao lưu bị hỏng."))
        paths = [m.path for m in manifest.members]
        for path in paths:
            check_member_path(path)
        if len(set(paths)) != len(paths) or manifest.database_member not in paths:
            raise BackupError(_l("Tệp mô tả (manifest) của bản sao lưu bị hỏng."))
        return manifest


def check_member_path(path: str) -> None:
    """Refuse a member path that could land outside where the restore puts it."""
    parts = path.split("/")
    if (
        path.startswith("/")
        or "\\" in path
        or "\0" in path
        or any(part in ("", ".", "..") for part in parts)
        or not (path in DATABASE_MEMBERS.values() or path.startswith(STORAGE_PREFIX))
    ):
        raise BackupError(
            _l("Bản sao lưu có đường dẫn không an toàn: «%(path)s». Không khôi phục.", path=path)
        )


class _Hashing:
    """A reader that hashes what passes through it (tarfile reads a member's bytes once)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def describe(path: str, source: str) -> Member:
    """The manifest's line for the file at `source`, stored in the archive as `path`."""
    with open(source, "rb") as fh:
        reader = _Hashing(fh)
        while reader.read(CHUNK_BYTES):
            pass
    return Member(path, reader.size, reader.digest.hexdigest())


def write_archive(out_path: str, manifest: Manifest, sources: dict[str, str]) -> None:
    """The manifest first, then each member, re-hashed as it is written: a file that changed
    after the manifest was made fails the backup rather than making one that won't restore."""
    descriptor, partial = tempfile.mkstemp(
        prefix=f".{os.path.basename(out_path)}.", suffix=".part", dir=os.path.dirname(out_path)
    )  # mkstemp creates it 0600
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                data = manifest.to_json()
                tar.addfile(_tar_info(MANIFEST, len(data)), io.BytesIO(data))
                for member in manifest.members:
                    with open(sources[member.path], "rb") as fh:
                        reader = _Hashing(fh)
                        tar.addfile(_tar_info(member.path, member.size), reader)
                    grown = os.path.getsize(sources[member.path]) != member.size
                    if reader.digest.hexdigest() != member.sha256 or grown:
                        raise BackupError(
                            _l("Tệp «%(path)s» thay đổi trong lúc sao lưu.", path=member.path)
                        )
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out_path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.now(UTC).timestamp())
    return info


def unpack_verified(archive_path: str, staging: str) -> Manifest:
    """Unpack into `staging`, checking every member against the manifest as it comes."""
    try:
        with tarfile.open(archive_path, mode="r|gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isreg():
                raise BackupError(_l("Tệp này không phải bản sao lưu (thiếu manifest.json)."))
            if first.size > MAX_MANIFEST_BYTES:
                raise BackupError(_l("Tệp mô tả (manifest) của bản sao lưu bị hỏng."))
            manifest = Manifest.from_json(_read(tar, first))
            _check_room(manifest, staging)
            _unpack_members(tar, manifest, staging)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            _l("Không đọc được bản sao lưu «%(path)s»: %(error)s", path=archive_path, error=error)
        ) from error
    return manifest


def _check_room(manifest: Manifest, staging: str) -> None:
    """The members unpack to the sizes the manifest declares (each is held to it): refuse at
    once an archive that would not fit, keeping a tenth of the disk free, rather than fill it."""
    needed = sum(member.size for member in manifest.members)
    if needed > shutil.disk_usage(staging).free * 0.9:
        raise BackupError(
            _l(
                "Bản sao lưu cần %(needed)d MB để giải nén, ổ đĩa không đủ chỗ. Không khôi phục.",
                needed=needed // 2**20 + 1,
            )
        )


def _unpack_members(tar: tarfile.TarFile, manifest: Manifest, staging: str) -> None:
    expected = {m.path: m for m in manifest.members}
    seen: set[str] = set()
    # tar.next(), not iteration: iterating a stream starts again at the manifest.
    while (info := tar.next()) is not None:
        check_member_path(info.name)
        if not info.isreg():
            raise BackupError(
                _l(
                    "Bản sao lưu có «%(path)s» không phải tệp thường (liên kết?). Không khôi phục.",
                    path=info.name,
                )
            )
        member = expected.get(info.name)
        if member is None or info.name in seen or info.size != member.size:
            raise _corrupt(info.name)
        seen.add(info.name)
        target = os.path.join(staging, *info.name.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        with os.fdopen(os.open(target, flags, 0o600), "wb") as out:
            reader = _Hashing(tar.extractfile(info) or io.BytesIO())
            while chunk := reader.read(CHUNK_BYTES):
                out.write(chunk)
        if reader.digest.hexdigest() != member.sha256:
            raise _corrupt(info.name)
    if seen != set(expected):
        raise _corrupt(sorted(set(expected) - seen)[0])


def _corrupt(path: str) -> BackupError:
    return BackupError(
        _l(
            "Bản sao lưu bị hỏng hoặc đã bị sửa: «%(path)s» không khớp với manifest. "
            "Không khôi phục gì.",
            path=path,
        )
    )


def _read(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    member = tar.extractfile(info)
    return member.read() if member is not None else b""
