"""Blind codes and the judges' copy of an essay's pictures (re-encoded, without metadata).

Pure: reads the original pictures, returns the new markdown and the clean bytes; writing them
is the caller's business (through `contest.storage`, so a rollback removes them)."""

from __future__ import annotations

import io
import os
import re
import secrets

from PIL import Image, UnidentifiedImageError

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without mistakes


def code_prefix(slug: str) -> str:
    """`son-la-2019` → `SL19`: the initials of the words and the year's last two digits."""
    words = [w for w in slug.split("-") if w]
    letters = "".join(w[0] for w in words if not w.isdigit())[:3].upper() or "GS"
    years = [w for w in words if w.isdigit()]
    return letters + (years[-1][-2:] if years else "")


def new_code(prefix: str, taken: set[str]) -> str:
    """A random, unguessable code from the OS CSPRNG, e.g. SL19-7KQ4."""
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def _clean_png(path: str) -> bytes | None:
    """The picture as PNG with EXIF, XMP and comments dropped, or None if it is not one."""
    try:
        with Image.open(path) as image:
            clean = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        clean.info = {}  # nothing travels to the judges' copy
        buffer = io.BytesIO()
        clean.save(buffer, "PNG")
    except (UnidentifiedImageError, OSError):
        return None
    return buffer.getvalue()


def clean_pictures(markdown: str, source_dir: str) -> tuple[str, dict[str, bytes]]:
    """Rename the essay's pictures neutrally (`media/1.png` …) with their metadata dropped.

    Returns the new markdown and the clean pictures by their new names; a picture outside
    `source_dir` or unreadable is dropped from the copy."""
    mapping: dict[str, str] = {}
    pictures: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        original = match.group(2)
        if original not in mapping:
            path = os.path.realpath(os.path.join(source_dir, original))
            inside = path.startswith(os.path.realpath(source_dir) + os.sep)
            data = _clean_png(path) if inside and os.path.isfile(path) else None
            if data is None:
                return match.group(1) + "()"
            name = f"media/{len(mapping) + 1}.png"
            mapping[original] = name
            pictures[name] = data
        return f"{match.group(1)}({mapping[original]})"

    return re.sub(r"(!\[[^\]]*\])\((media/[^)\s]+)\)", replace, markdown), pictures
