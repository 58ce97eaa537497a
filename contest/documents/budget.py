"""What one upload may cost: its pictures counted and their pixels summed from their headers
before any is decoded (decoding and re-encoding is what costs time and memory, figures in
bench/README.md), and one deadline for its whole intake, LibreOffice and pandoc included.
Past either, the file is refused with a message naming the limit."""

from __future__ import annotations

import math
import time
import zipfile

from flask_babel import lazy_gettext as _l

from contest.documents import pictures
from contest.platform.errors import IntakeError

# Forty pictures, or two 48-megapixel phone photos, are more than an essay needs.
MAX_PICTURES = 40
MAX_PICTURE_MEGAPIXELS = 100
# The whole intake of one upload ends by then (the app's INTAKE_SECONDS setting).
INTAKE_SECONDS = 60


class Deadline:
    """One time limit for a whole upload: each step gets what is left of it, and a step that
    would start with nothing left refuses the file with a message naming the limit."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> int:
        remaining = math.ceil(self.ends - time.monotonic())
        if remaining <= 0:
            raise IntakeError(
                _l(
                    "Tệp cần hơn %(seconds)s giây để xử lý, quá giới hạn cho một bài. Hãy bớt "
                    "hoặc thu nhỏ hình ảnh rồi gửi lại.",
                    seconds=self.seconds,
                )
            )
        return remaining


def check_pictures(archive: zipfile.ZipFile) -> None:
    """The file's pictures within the count and the pixels an essay may bring, read from their
    headers before any of them is decoded."""
    count = pixels = 0
    for member in archive.infolist():
        name = member.filename
        if not (name.startswith(("word/media/", "Pictures/", "media/")) or "/media/" in name):
            continue
        count += 1
        if count > MAX_PICTURES:
            raise IntakeError(
                _l("Tệp có hơn %(n)d hình; mỗi bài nhận tối đa %(n)d hình.", n=MAX_PICTURES)
            )
        with archive.open(member) as fh:
            pixels += pictures.header_pixels(fh)
        if pixels > MAX_PICTURE_MEGAPIXELS * 1_000_000:
            raise IntakeError(
                _l(
                    "Các hình trong tệp cộng lại hơn %(mp)d megapixel, quá giới hạn cho một bài. "
                    "Hãy thu nhỏ ảnh (trong Word: Nén ảnh – Compress Pictures) rồi gửi lại.",
                    mp=MAX_PICTURE_MEGAPIXELS,
                )
            )
