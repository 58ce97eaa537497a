"""Backups that restore: one archive holding the database, every stored file and a manifest
of their checksums (`archive`), the database copied the way its engine allows (`databases`).

Functions take the database URL and the storage folder (no request, no session): the CLI and
the tests call them alike."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from contest.platform.backup import archive, databases
from contest.platform.backup.archive import (
    DATABASE_MEMBERS,
    FORMAT_VERSION,
    STORAGE_PREFIX,
    Manifest,
)
from contest.platform.errors import BackupError
from contest.platform.storage import STAGING_PREFIX

__all__ = ["BackupError", "Manifest", "create_backup", "restore_backup", "stored_files"]

# Scratch inside the storage folder, not stored files: storage's own staging files and folders
# (a restore stages there too), and the anthology's render work folders (".work-…").
TRANSIENT_PREFIXES = (STAGING_PREFIX, ".work-")
# Tables whose rows make an instance "in use": restoring over them needs --force.
OWNER_TABLES = ("user", "contest")


def stored_files(storage_dir: str) -> list[str]:
    """Paths (relative, with "/") of the regular files kept in storage, leaving out scratch
    folders and files and any symbolic link (storage never makes one)."""
    found = []
    for folder, names, files in os.walk(storage_dir):
        names[:] = sorted(n for n in names if not n.startswith(TRANSIENT_PREFIXES))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.startswith(TRANSIENT_PREFIXES) or os.path.islink(path):
                continue
            found.append(os.path.relpath(path, storage_dir).replace(os.sep, "/"))
    return found


def instance_contents(database_url: str, storage_dir: str) -> tuple[int, int]:
    """(accounts and contests in the database, stored files). An instance is empty when both
    are 0: a database not created or not migrated yet counts as empty."""
    files = len(stored_files(storage_dir)) if os.path.isdir(storage_dir) else 0
    return databases.count_rows(database_url, OWNER_TABLES), files


def create_backup(database_url: str, storage_dir: str, out_path: str) -> Manifest:
    """Write the archive to `out_path`, whole or not at all (a temporary file in the same
    folder, mode 0600, renamed into place). Safe while the app is running."""
    kind = databases.database_kind(database_url)
    out_dir = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(out_dir):
        raise BackupError(_l("Không có thư mục «%(folder)s».", folder=out_dir))
    storage_root = os.path.realpath(storage_dir)
    if os.path.commonpath([os.path.realpath(out_dir), storage_root]) == storage_root:
        # It would carry its own scratch copy of the database, and every earlier backup.
        raise BackupError(_l("Không ghi bản sao lưu vào trong thư mục lưu trữ."))
    work = tempfile.mkdtemp(prefix=".backup-", dir=out_dir)
    try:
        database_file = os.path.join(work, "database")
        revision = databases.dump(database_url, database_file)
        sources = {DATABASE_MEMBERS[kind]: database_file}
        for relative in stored_files(storage_dir):
            sources[STORAGE_PREFIX + relative] = os.path.join(storage_dir, *relative.split("/"))
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            database_kind=kind,
            alembic_revision=revision,
            members=[archive.describe(path, source) for path, source in sources.items()],
        )
        archive.write_archive(os.path.abspath(out_path), manifest, sources)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def restore_backup(
    archive_path: str,
    database_url: str,
    storage_dir: str,
    *,
    known_revisions: Collection[str],
    force: bool = False,
) -> Manifest:
    """Put the archive's database and files in place of the instance's.

    Everything that can be refused is checked before anything changes: the archive is
    unpacked into a staging folder and verified member by member against its manifest, its
    database kind and migration revision must be ones this code knows, and the instance must
    be empty unless `force`. The caller disposes its engine first, and upgrades the schema
    after when the backup is older than the code."""
    kind = databases.database_kind(database_url)
    os.makedirs(storage_dir, exist_ok=True)
    # A staging folder of storage's own kind: what a restore killed midway leaves is swept.
    rows, files = instance_contents(database_url, storage_dir)  # before unpacking anything
    if (rows or files) and not force:
        raise BackupError(
            _l(
                "Nơi khôi phục đã có dữ liệu (%(rows)d tài khoản và cuộc thi, %(files)d "
                "tệp). Thêm --force để thay toàn bộ bằng bản sao lưu.",
                rows=rows,
                files=files,
            )
        )
    staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=storage_dir)
    try:
        manifest = archive.unpack_verified(archive_path, staging)
        _check_restorable(manifest, kind, known_revisions)
        databases.load(database_url, os.path.join(staging, *manifest.database_member.split("/")))
        _replace_storage(os.path.join(staging, STORAGE_PREFIX.rstrip("/")), storage_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _check_restorable(manifest: Manifest, kind: str, known_revisions: Collection[str]) -> None:
    if manifest.database_kind != kind:
        raise BackupError(
            _l(
                "Bản sao lưu là cơ sở dữ liệu %(backup)s, không khôi phục vào %(here)s.",
                backup=manifest.database_kind,
                here=kind,
            )
        )
    revision = manifest.alembic_revision
    if revision is not None and revision not in known_revisions:
        raise BackupError(
            _l(
                "Bản sao lưu ở phiên bản cơ sở dữ liệu %(revision)s mà phần mềm này không biết "
                "(bản sao lưu mới hơn phần mềm?). Không khôi phục.",
                revision=revision,
            )
        )


def _replace_storage(staged: str, storage_dir: str) -> None:
    """Move what storage holds aside, move the restored files in, then drop the old ones:
    renames within one folder, quick and whole."""
    aside = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=storage_dir)
    for name in os.listdir(storage_dir):
        if not name.startswith(TRANSIENT_PREFIXES):
            os.rename(os.path.join(storage_dir, name), os.path.join(aside, name))
    if os.path.isdir(staged):
        for name in os.listdir(staged):
            os.rename(os.path.join(staged, name), os.path.join(storage_dir, name))
    shutil.rmtree(aside, ignore_errors=True)
