"""Private file storage for originals and pictures: under the instance folder, never static.

A `FileStore` is one installation's folder. The app makes it once (`init_app`) from
STORAGE_DIR; views, commands and jobs hand it to the services that keep or read files
(`file_store()`), as they hand them the session and the clock, so a service never looks the
folder up itself and a test may give it any folder."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from functools import partial

from flask import Flask, current_app
from sqlalchemy.orm import Session, scoped_session

from contest.platform.uow import on_rollback

STAGING_PREFIX = ".staging-"
_EXTENSION = "files"


class FileStore:
    """The private files under `root`: each entry's folder (its original and pictures) and
    single files (covers, photos, books), each written whole and tied to its transaction."""

    def __init__(self, root: str) -> None:
        self.root = root

    def path(self, relative: str) -> str | None:
        """The path of a stored file named by its place in the store (as rows keep it), or
        None if the name would lead outside the store."""
        return safe_join(self.root, relative)

    def entry_dir(self, storage_key: str) -> str:
        return os.path.join(self.root, "entries", storage_key)

    def entry_media(self, storage_key: str) -> str:
        """The folder of the pictures intake kept from an entry's essay."""
        return os.path.join(self.entry_dir(storage_key), "media")

    def write_entry_files(
        self,
        session: Session,
        storage_key: str,
        original: tuple[str, bytes] | None,
        media: dict[str, bytes],
    ) -> None:
        """Write into a temporary folder, then move it into place whole: never half a set.

        The folder is tied to the session's transaction: if it does not commit, it goes away."""
        entries = os.path.join(self.root, "entries")
        os.makedirs(entries, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=entries)
        try:
            if original is not None:
                name, data = original
                extension = os.path.splitext(name)[1].lower()
                with open(os.path.join(staging, "original" + extension), "wb") as fh:
                    fh.write(data)
            for relative, data in media.items():
                # Keys are paths as the essay's markdown names them: media/…
                target = safe_join(os.path.join(staging, "media"), relative.removeprefix("media/"))
                if target is None:
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(data)
            final = self.entry_dir(storage_key)
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _remove_on_rollback(session, final)

    def write_file(self, session: Session, relative: str, data: bytes) -> str:
        """Write one private file (a cover, a photo) under the store, whole or not at all, and
        tie it to the session's transaction like an entry's folder. Returns its path.

        Give each version a new name: overwriting in place would lose the old file on
        rollback."""
        path = self.path(relative)
        if path is None:
            raise ValueError(f"outside the storage folder: {relative}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_whole(path, data)
        _remove_on_rollback(session, path)
        return path


def init_app(app: Flask) -> None:
    """The app's store, and what a process killed while writing left in it swept away."""
    store = FileStore(app.config["STORAGE_DIR"])
    app.extensions[_EXTENSION] = store
    sweep_staging(store.root)


def file_store() -> FileStore:
    """The running app's store: what views, commands and jobs hand to a service."""
    return current_app.extensions[_EXTENSION]


def safe_join(base: str, relative: str) -> str | None:
    """The path of `relative` inside `base`, or None if it would step outside it (or is no
    path at all: a NUL byte in an address)."""
    if "\x00" in relative:
        return None
    path = os.path.realpath(os.path.join(base, relative))
    return path if path.startswith(os.path.realpath(base) + os.sep) else None


def write_whole(path: str, data: bytes) -> None:
    """The file appears complete under its name, or not at all: written beside it under a
    staging name, then renamed over it."""
    descriptor, staging = tempfile.mkstemp(prefix=STAGING_PREFIX, dir=os.path.dirname(path))
    try:
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(data)
        os.replace(staging, path)
    except BaseException:
        os.unlink(staging)
        raise


def sweep_staging(storage_dir: str, max_age_seconds: int = 3600) -> int:
    """Remove staging files and folders left by a process killed while writing (a normal run
    moves or removes its own). Called at start-up; younger ones may still be in use."""
    removed = 0
    for folder, names, files in os.walk(storage_dir):
        for name in [*names, *files]:
            path = os.path.join(folder, name)
            if (
                name.startswith(STAGING_PREFIX)
                and time.time() - os.path.getmtime(path) > max_age_seconds
            ):
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
                removed += 1
        # An entry's own folder is moved into place whole: nothing is staged inside it, so the
        # sweep need not visit thousands of them at every start.
        inside_entries = folder == os.path.join(storage_dir, "entries")
        names[:] = [n for n in names if not n.startswith(STAGING_PREFIX) and not inside_entries]
    return removed


def _remove_on_rollback(session: Session | scoped_session, path: str) -> None:
    """A rollback, or a close without commit, leaves no file of the failed request behind."""
    on_rollback(session, partial(_remove, path))


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.unlink(path)
