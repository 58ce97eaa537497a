"""The one place a picture from outside is decoded: a raster format only, a pixel limit checked
from the header before any pixel is read, re-encoded (which drops EXIF, XMP, comments and
anything appended to the file) at a sane size. SVG, HTML, WMF and other look-alikes never get
through, and a 20,000 × 10,000 "decompression bomb" is refused before it costs memory."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from typing import IO

from flask import Response, abort, send_file
from PIL import Image, UnidentifiedImageError

RASTER_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")
# A 48-megapixel phone photo passes; decoding it costs about 150 MB at most.
MAX_PIXELS = 50_000_000
# Longest side kept: enough for a printed page at 300 dpi.
MAX_SIDE = 3000


class NotAPicture(ValueError):
    """Not a raster picture we accept, or too large to decode safely."""


@dataclass(frozen=True)
class CleanPicture:
    data: bytes
    extension: str  # ".jpg" for photographs, ".png" for everything else
    mimetype: str


MIMETYPES = {".jpg": "image/jpeg", ".png": "image/png"}


def header_pixels(source: IO[bytes]) -> int:
    """Width × height as a picture's header announces them, without decoding a pixel; 0 for
    anything that is not a raster picture we accept."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source, formats=RASTER_FORMATS) as image:
                return image.width * image.height
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return 0


def open_raster(
    data: bytes, max_pixels: int = MAX_PIXELS, draft_side: int | None = None
) -> Image.Image:
    """The decoded picture, or NotAPicture: unknown or vector formats, a header announcing too
    many pixels, a truncated or broken file. With `draft_side`, a JPEG is decoded at the
    smallest of its built-in scales (1/2, 1/4, 1/8) that still covers that side: a 48-megapixel
    photo costs a quarter of its memory."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=RASTER_FORMATS)
            if image.width * image.height > max_pixels:
                raise NotAPicture("too many pixels")
            if draft_side and image.format == "JPEG":
                image.draft(image.mode, (draft_side, draft_side))
            image.load()
    except NotAPicture:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise NotAPicture(str(error)) from error
    return image


# What `clean`'s own JPEG and PNG files say of themselves: nothing that could name anyone.
_CLEAN_INFO = frozenset({"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"})
_FILE_ENDS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def as_cleaned(data: bytes) -> CleanPicture | None:
    """`data` itself when it already is what `clean` makes (a JPEG or PNG no larger than
    MAX_SIDE, no metadata, nothing after its end), read from its header without decoding: a
    picture stored by intake is copied as it is. None when it must go through `clean`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as image:
                kind, size, info = image.format, image.size, set(image.info)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if max(size) > MAX_SIDE or not info <= _CLEAN_INFO or not data.endswith(_FILE_ENDS[kind]):
        return None
    extension = ".jpg" if kind == "JPEG" else ".png"
    return CleanPicture(data, extension, MIMETYPES[extension])


def clean(data: bytes, *, photo: bool | None = None, max_side: int = MAX_SIDE) -> CleanPicture:
    """The picture re-encoded without metadata, its longest side at most `max_side`.

    `photo` forces JPEG (True) or PNG (False); by default a JPEG stays a JPEG and any other
    format becomes PNG (keeping transparency)."""
    image = open_raster(data, draft_side=max_side)
    as_jpeg = (image.format == "JPEG") if photo is None else photo
    transparent = "A" in image.getbands() or "transparency" in image.info
    if transparent and not as_jpeg:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # a palette picture without transparency: 3 bytes a pixel
    image.thumbnail((max_side, max_side))
    image.info = {}
    buffer = io.BytesIO()
    if as_jpeg:
        image.save(buffer, "JPEG", quality=88)
        return CleanPicture(buffer.getvalue(), ".jpg", MIMETYPES[".jpg"])
    image.save(buffer, "PNG")
    return CleanPicture(buffer.getvalue(), ".png", MIMETYPES[".png"])


def picture_response(path: str | None) -> Response:
    """A stored picture of an essay: only the PNG and JPEG files intake wrote, with a content
    type the browser may not second-guess and a policy that lets nothing in it run."""
    extension = os.path.splitext(path or "")[1].lower()
    if path is None or extension not in MIMETYPES or not os.path.isfile(path):
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[extension])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
