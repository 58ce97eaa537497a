"""Bar charts as PNG for the reports (DOCX and XLSX carry pictures, not SVG), drawn by
matplotlib without a display. Labels keep their Vietnamese marks: the book's serif font is
used when it is installed, else DejaVu Sans (matplotlib's own, which has them too)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; chosen before pyplot is imported

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

PREFERRED_FONTS = ("Noto Serif", "DejaVu Serif", "DejaVu Sans")
DPI = 150


def _font() -> str:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in PREFERRED_FONTS if name in installed), "DejaVu Sans")


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> bytes:
    """A horizontal bar chart (long Vietnamese labels read best across), largest first as
    given, each bar with its value; PNG bytes."""
    height = max(2.0, 0.38 * len(labels) + 1.2)
    figure = Figure(figsize=(7.0, height), dpi=DPI)
    axes = figure.add_subplot()
    font = _font()
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, values, color="#2f6f4e")
    axes.set_yticks(positions, [_short(label) for label in labels], fontfamily=font, fontsize=8)
    axes.bar_label(bars, labels=[f"{v:g}{unit}" for v in values], fontsize=8, padding=3)
    axes.set_title(title, fontfamily=font, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(values, default=0) * 1.15 or 1)
    axes.tick_params(axis="x", labelsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
