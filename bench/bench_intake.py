"""Intake of a 1 MB essay: as .docx, and as the Word 97–2003 .doc an office would send.

Run: `.venv/bin/python -m bench.bench_intake`. Prints the size and the wall time of each
(best and median of five); the figures go into bench/README.md by hand."""

from __future__ import annotations

import io
import os
import random
import statistics
import time

import docx
from PIL import Image

from contest.demo import text as demo_text
from contest.intake import extract_upload
from tests.conftest import libreoffice_convert

TARGET_BYTES = 1024 * 1024


def essay_docx(seed: int = 1) -> bytes:
    """A long essay in Vietnamese with a photo, about 1 MB as a .docx."""
    rng = random.Random(seed)
    document = docx.Document()
    for _ in range(20):
        _title, body = demo_text.essay(rng, demo_text.person_name(rng), "bản Mòng", "2.4", 800)
        for paragraph in body.split("\n\n"):
            document.add_paragraph(paragraph)
    photo = io.BytesIO()
    size = 400
    while True:
        noise = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
        photo = io.BytesIO()
        noise.save(photo, "JPEG", quality=70)
        if photo.tell() > TARGET_BYTES * 0.8:
            break
        size += 100
    photo.seek(0)
    document.add_picture(photo)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def timed(filename: str, data: bytes, runs: int = 5) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        essay = extract_upload(filename, data, 12 * 1024 * 1024, timeout=120)
        seconds.append(time.perf_counter() - started)
    assert essay.word_count > 10_000
    return seconds


def main() -> None:
    data = essay_docx()
    doc = libreoffice_convert(data, ".docx", "doc")
    for name, payload in (("essay.docx", data), ("essay.doc", doc)):
        seconds = timed(name, payload)
        print(
            f"{name}: {len(payload) / 1024:.0f} KB, best {min(seconds):.2f} s, "
            f"median {statistics.median(seconds):.2f} s"
        )
    print(f"cpu count {os.cpu_count()}")


if __name__ == "__main__":
    main()
