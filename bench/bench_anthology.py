"""Benchmark: a book of 300 essays and 150 profiles, DOCX, EPUB and PDF build time and peak
memory, against pandoc's own time to convert the same assembled document (the floor).

Run: `.venv/bin/python -m bench.bench_anthology`. The PDF is also built alone, in a process of
its own (`--pdf-alone`), for the peak memory of the print master's build by itself (its python
process and its largest child, issue 27's ≤ 1 GB)."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile

from anthology.render import work_folder, write_book
from anthology.render.book import Book, BookEssay, BookProfile, PageSetup, render
from anthology.render.docx_writer import write_docx
from anthology.render.epub_writer import write_epub
from anthology.render.fonts import FONT_FILES
from anthology.render.pandoc import run_pandoc
from contest.categories import default_categories
from contest.demo import text as demo_text

CATEGORY_NAMES = {c.code: c.name for c in default_categories()}


def make_book(n_essays=300, n_profiles=150, seed=3) -> Book:
    rng = random.Random(seed)
    book = Book(
        slug="bench",
        title="Tuyển tập thử",
        subtitle="Đo hiệu năng",
        publisher="Hội đồng Thi đua – Khen thưởng tỉnh Sơn La",
        year=2020,
        rights="©",
        foreword="Lời giới thiệu.",
        place="Sơn La",
        issuing_bodies=["ỦY BAN NHÂN DÂN TỈNH SƠN LA"],
        categories=CATEGORY_NAMES,
    )
    for index in range(n_essays):
        subject = demo_text.person_name(rng)
        title, body = demo_text.essay(
            rng,
            subject,
            "bản Mòng",
            rng.choice(list(demo_text.THEMES)),
            rng.randint(900, 1500),
            year=2019,
        )
        body = body.replace(".", ".[^1]", 1) + "\n\n[^1]: Chú thích của tác giả.\n"
        book.essays.append(
            BookEssay(
                f"bai-{index}",
                title,
                demo_text.person_name(rng),
                "Huyện Mộc Châu",
                "Giải Khuyến khích",
                body,
            )
        )
    for index in range(n_profiles):
        book.profiles.append(
            BookProfile(
                f"guong-{index}",
                demo_text.person_name(rng),
                "Cá nhân",
                rng.choice(list(CATEGORY_NAMES)),
                "Huyện Mai Sơn",
                "Bản Hụm",
                "Nông dân",
                "Thành tích tiêu biểu. " * 40,
                "Bằng khen",
                None,
            )
        )
    return book


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def pdf_alone() -> None:
    """Build the book's PDF only, and print its time and this process's peaks."""
    book = make_book()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with work_folder(folder) as work:
            write_book(book, PageSetup("B5", 20), ("pdf",), work, folder, timeout=600)
        took = time.perf_counter() - start
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"PDF build alone: {took:.2f} s; peak RSS: python {self_peak:.0f} MB, largest pandoc or "
        f"Typst {children_peak_mb():.0f} MB (sum {self_peak + children_peak_mb():.0f} MB)"
    )


def main() -> None:
    # First, while this process is small: a child started from a large process is counted
    # (ru_maxrss) with the memory it had before it ran its own program.
    command = [sys.executable, "-m", "bench.bench_anthology", "--pdf-alone"]
    alone = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    book = make_book()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with open(os.path.join(folder, "floor.md"), "w", encoding="utf-8") as fh:
            fh.write(render(book, for_docx=False))
        run_pandoc(["-f", "markdown", "-t", "epub3", "-o", "floor.epub", "floor.md"], cwd=folder)
        floor = time.perf_counter() - start
        start = time.perf_counter()
        write_epub(book, folder, os.path.join(folder, "book.epub"))
        epub = time.perf_counter() - start
        epub_kb = os.path.getsize(os.path.join(folder, "book.epub")) / 1024
        with zipfile.ZipFile(os.path.join(folder, "book.epub")) as archive:
            cut = sum(i.compress_size for i in archive.infolist() if "/fonts/" in i.filename)
        whole = sum(os.path.getsize(path) for path in FONT_FILES)
        start = time.perf_counter()
        write_docx(book, folder, os.path.join(folder, "book.docx"), PageSetup("B5", 20))
        docx_time = time.perf_counter() - start
        start = time.perf_counter()
        with work_folder(folder) as work:  # pandoc, Typst, then the PDF read back (checks)
            pdf = write_book(book, PageSetup("B5", 20), ("pdf",), work, folder, timeout=600)
        pdf_time = time.perf_counter() - start
        pdf_kb = os.path.getsize(pdf["pdf"]) / 1024
        self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        words = sum(len(e.markdown.split()) for e in book.essays)
        print(f"book: {len(book.essays)} essays ({words} words), {len(book.profiles)} profiles")
        print(f"pandoc floor (markdown → epub3, no options): {floor:.2f} s")
        print(f"EPUB build: {epub:.2f} s = {epub / floor:.2f} × floor, {epub_kb:,.0f} KB")
        print(
            f"EPUB fonts: {cut / 1024:,.0f} KB cut to the book's characters, whole files "
            f"{whole / 1024:,.0f} KB"
        )
        print(f"DOCX build (pandoc + python-docx): {docx_time:.2f} s")
        print(f"PDF build (pandoc → Typst → PDF): {pdf_time:.2f} s, {pdf_kb:,.0f} KB")
        children = children_peak_mb()
        print(f"peak RSS: python {self_peak:.0f} MB, largest pandoc or Typst {children:.0f} MB")
    print(alone)


if __name__ == "__main__":
    if "--pdf-alone" in sys.argv:
        pdf_alone()
    else:
        main()
