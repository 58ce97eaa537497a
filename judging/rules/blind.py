"""Blind codes and the judges' copy of an essay's pictures (re-encoded, without metadata).

Pure: reads the original pictures and keeps the clean bytes; writing them is the caller's
business (through `contest.platform.storage`, so a rollback removes them)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

from contest.documents import pictures

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without mistakes


def code_prefix(slug: str) -> str:
    """`son-la-2019` → `SL19`: the initials of the words and the year's last two digits."""
    words = [w for w in slug.split("-") if w]
    letters = "".join(w[0] for w in words if not w.isdigit())[:3].upper() or "GS"
    years = [w for w in words if w.isdigit()]
    return letters + (years[-1][-2:] if years else "")


# (prefix, codes already taken) → a new code: `new_code` in the app, a predictable one in tests.
CodeMaker = Callable[[str, set[str]], str]


def new_code(prefix: str, taken: set[str]) -> str:
    """A random, unguessable code from the OS CSPRNG, e.g. SL19-7KQ4."""
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


class PictureCopier:
    """For the judges' copy: each picture of the essay, without metadata, under a
    neutral name (`media/1.png`, `media/2.jpg` …), given to
    `contest.documents.essay_ast.clean_tree`. A picture outside `source_dir`, missing or not a
    raster is dropped from the copy."""

    def __init__(self, source_dir: str) -> None:
        self.source_dir = os.path.realpath(source_dir)
        self.names: dict[str, str] = {}
        self.pictures: dict[str, bytes] = {}

    def __call__(self, target: str) -> str | None:
        if target not in self.names:
            path = os.path.realpath(os.path.join(self.source_dir, target))
            if not path.startswith(self.source_dir + os.sep) or not os.path.isfile(path):
                return None
            with open(path, "rb") as fh:
                data = fh.read()
            try:
                # Intake stored it cleaned already: copied without decoding, so opening the
                # judging does no picture work; anything else is cleaned here.
                picture = pictures.as_cleaned(data) or pictures.clean(data)
            except pictures.NotAPicture:
                return None
            self.names[target] = f"media/{len(self.pictures) + 1}{picture.extension}"
            self.pictures[self.names[target]] = picture.data
        return self.names[target]
