"""Intake of a 1 MB essay (as .docx, and as the Word 97–2003 .doc an office would send), of
0.1 MB and 1.5 MB .docx files of dense text, of two 9 MB .docx files (one mostly text,
one mostly photos), and of the heaviest pictures the budget accepts and just past it.

Run: `.venv/bin/python -m bench.bench_intake`. Prints the size and the wall time of each
(best and median of five), then, each in a fresh process, the outcome, time and peak memory of
the web process and of its largest child (pandoc or LibreOffice); the figures go into
bench/README.md by hand."""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import docx
from PIL import Image

from contest.demo import text as demo_text
from contest.documents.intake import extract_upload
from tests.plugins.documents import libreoffice_convert

TARGET_BYTES = 1024 * 1024


def _photo(rng: random.Random, target_bytes: int) -> io.BytesIO:
    size = 400
    while True:
        noise = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
        photo = io.BytesIO()
        noise.save(photo, "JPEG", quality=70)
        if photo.tell() > target_bytes:
            photo.seek(0)
            return photo
        size += 100


def essay_docx(seed: int = 1, essays: int = 20, photos: int = 1) -> bytes:
    """A long essay in Vietnamese with photos: 20 essays and one photo make about 1 MB."""
    rng = random.Random(seed)
    document = docx.Document()
    for _ in range(essays):
        _title, body = demo_text.essay(
            rng, demo_text.person_name(rng), "bản Mòng", "culture", 800, year=2019
        )
        for paragraph in body.split("\n\n"):
            document.add_paragraph(paragraph)
    for _ in range(photos):
        document.add_picture(_photo(rng, TARGET_BYTES * 0.8 if photos == 1 else TARGET_BYTES))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def heavy_text_docx(target_bytes: int = 9 * TARGET_BYTES) -> bytes:
    """About 9 MB (or `target_bytes`) of text, every paragraph in runs with their own
    formatting, as Word writes after years of copy and paste."""

    def document_of(paragraphs: int) -> bytes:
        rng = random.Random(3)
        document = docx.Document()
        words = demo_text.essay(rng, "Lò Văn Pánh", "bản Mòng", "culture", 4000, year=2019)[
            1
        ].split()
        for _ in range(paragraphs):
            paragraph = document.add_paragraph()
            for _ in range(8):
                run = paragraph.add_run(" ".join(rng.choices(words, k=12)) + " ")
                run.bold = rng.random() < 0.3
                run.font.size = docx.shared.Pt(rng.choice([12, 13, 14]))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    sample = len(document_of(400)) - len(document_of(0))
    return document_of(max(1, round(target_bytes * 400 / sample)))


def pictures_docx(count: int, side: int) -> bytes:
    """A short essay with `count` palette pictures of side × side pixels: tiny files that cost
    what their pixels cost to decode (the attack of issue 25)."""
    document = docx.Document()
    document.add_paragraph(
        demo_text.essay(random.Random(4), "Lò Văn Pánh", "bản Mòng", "culture", 400, year=2019)[1]
    )
    for index in range(count):
        picture, image = io.BytesIO(), Image.new("P", (side, side), 0)
        image.putpixel((index, 0), 1 + index % 200)  # each its own file: none shared
        image.save(picture, "PNG", optimize=True)
        picture.seek(0)
        document.add_picture(picture, width=docx.shared.Cm(4))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _peak(path: str, filename: str) -> str:
    """Intake of one file in a fresh process: outcome, seconds, peak memory of both sides.

    Peaks are read where they are exact: the process's own high-water mark (VmHWM; ru_maxrss
    would carry this bench's own peak across fork and exec) and each converter's maximum
    resident size as GNU time reports it."""
    code = (
        "import sys, tempfile, time\n"
        "from contest.documents import converter\n"
        "from contest.documents.intake import extract_upload\n"
        "from contest.platform.errors import IntakeError\n"
        "log = tempfile.mktemp()\n"
        "converter._DIE_WITH_PARENT = ['/usr/bin/time', '-f', '%M', '-a', '-o', log,"
        " *converter._DIE_WITH_PARENT]\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "started = time.perf_counter()\n"
        "try:\n"
        "    essay = extract_upload(sys.argv[2], data, 12 * 1024 * 1024, seconds=60)\n"
        "    outcome = f'{essay.word_count} words, {len(essay.media)} pictures'\n"
        "except IntakeError as error:\n"
        "    outcome = f'refused: {error}'\n"
        "seconds = time.perf_counter() - started\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "try:\n"
        "    child = max(int(line) for line in open(log) if line.strip().isdigit()) // 1024\n"
        "except FileNotFoundError:\n"
        "    child = 0\n"
        "print(f'{outcome}; {seconds:.2f} s; python {int(status) // 1024} MB,"
        " largest pandoc {child} MB')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, path, filename], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def timed(filename: str, data: bytes, runs: int = 5) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        essay = extract_upload(filename, data, 12 * 1024 * 1024, seconds=120)
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
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            ("essay.docx", data),
            ("dense-text.docx", heavy_text_docx(TARGET_BYTES // 10)),
            ("denser-text.docx", heavy_text_docx(TARGET_BYTES * 3 // 2)),
            ("heavy-text.docx", heavy_text_docx()),
            ("heavy-photos.docx", essay_docx(essays=2, photos=9)),
            # The worst the picture budget accepts, and just past it (refused from headers).
            ("budget-2-pictures-of-50-mp.docx", pictures_docx(2, 7071)),
            ("budget-40-pictures-of-2.5-mp.docx", pictures_docx(40, 1581)),
            ("over-budget-41-pictures.docx", pictures_docx(41, 100)),
            ("over-budget-3-pictures-of-40-mp.docx", pictures_docx(3, 6325)),
        ]
        for name, payload in cases:
            path = os.path.join(folder, name)
            with open(path, "wb") as fh:
                fh.write(payload)
            print(f"{name}: {len(payload) / 1024:.0f} KB: {_peak(path, name)}")
    print(f"cpu count {os.cpu_count()}")


if __name__ == "__main__":
    main()
