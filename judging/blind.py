"""Blind codes and the judges' copy of an essay: text re-rendered, pictures without EXIF."""

from __future__ import annotations

import io
import os
import re
import secrets

from PIL import Image, UnidentifiedImageError

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without mistakes


def new_code(prefix: str, taken: set[str]) -> str:
    """A random, unguessable code from the OS CSPRNG, e.g. SL19-7KQ4."""
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def copy_pictures(markdown: str, source_dir: str, target_dir: str) -> str:
    """Copy the essay's pictures under neutral names with their metadata dropped, and point
    the markdown at the copies. Returns the new markdown."""
    os.makedirs(target_dir, exist_ok=True)
    mapping: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        original = match.group(2)
        if original not in mapping:
            number = len(mapping) + 1
            path = os.path.realpath(os.path.join(source_dir, original))
            if not path.startswith(os.path.realpath(source_dir) + os.sep) or not os.path.isfile(
                path
            ):
                return match.group(1) + "()"
            name = f"{number}.png"
            try:
                with Image.open(path) as image:
                    clean = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                clean.info = {}  # EXIF, XMP, comments: nothing travels to the judges' copy
                buffer = io.BytesIO()
                clean.save(buffer, "PNG")
            except (UnidentifiedImageError, OSError):
                return match.group(1) + "()"
            with open(os.path.join(target_dir, name), "wb") as fh:
                fh.write(buffer.getvalue())
            mapping[original] = f"media/{name}"
        return f"{match.group(1)}({mapping[original]})"

    return re.sub(r"(!\[[^\]]*\])\((media/[^)\s]+)\)", replace, markdown)
