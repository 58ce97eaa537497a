"""The one place a picture from outside is decoded: a raster format only, a pixel limit checked
from the header before any pixel is read, re-encoded (which drops EXIF, XMP, comments and
anything appended to the file) at a sane size. SVG, HTML, WMF and other look-alikes never get
through, and a 20,000 × 10,000 "decompression bomb" is refused before it costs memory."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass

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


def open_raster(data: bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The decoded picture, or NotAPicture: unknown or vector formats, a header announcing too
    many pixels, a truncated or broken file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=RASTER_FORMATS)
            if image.width * image.height > max_pixels:
                raise NotAPicture("too many pixels")
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


def clean(data: bytes, *, photo: bool | None = None, max_side: int = MAX_SIDE) -> CleanPicture:
    """The picture re-encoded without metadata, its longest side at most `max_side`.

    `photo` forces JPEG (True) or PNG (False); by default a JPEG stays a JPEG and any other
    format becomes PNG (keeping transparency)."""
    image = open_raster(data)
    as_jpeg = (image.format == "JPEG") if photo is None else photo
    if image.mode == "P" or "A" in image.getbands():
        image = image.convert("RGB" if as_jpeg else "RGBA")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
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
