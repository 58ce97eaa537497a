"""Plain SVG charts for the organisers' statistics page, drawn as text: no script, no style
attribute (the site's CSP stays strict), every label escaped, an accessible name on each
picture, and the figures also given in a table beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from html import escape

SMALL = ' font-size="10"'
PALETTE = ("#2f6f4e", "#9b1c1c", "#1d4ed8", "#b45309", "#6d28d9", "#0f766e", "#be185d", "#374151")


def _open(width: int, height: int, label: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"/>'
    )


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def running_totals(points: Sequence[tuple[date, int]], first: date, last: date) -> list[int]:
    """The total reached at the end of each day from `first` to `last` (earlier days count)."""
    per_day: dict[date, int] = {}
    for day, count in points:
        per_day[day] = per_day.get(day, 0) + count
    total = sum(n for d, n in per_day.items() if d < first)
    out = []
    for offset in range((last - first).days + 1):
        total += per_day.get(first + timedelta(days=offset), 0)
        out.append(total)
    return out


def cumulative_lines(
    series: Mapping[str, Sequence[tuple[date, int]]],
    first: date,
    last: date,
    label: str,
    marker: tuple[date, str] | None = None,
) -> str:
    """One line per series of the running total by day, from `first` to `last`; `marker`
    draws a dated vertical line (the closing day) with its caption."""
    width, height, left, right, top, bottom = 760, 320, 50, 190, 20, 40
    days = max((last - first).days, 1)
    totals = {name: running_totals(points, first, last) for name, points in series.items()}
    peak = max((max(t) for t in totals.values() if t), default=0) or 1

    def x_of(day: date) -> float:
        return left + (day - first).days * (width - left - right) / days

    def y_of(value: float) -> float:
        return height - bottom - value * (height - top - bottom) / peak

    parts = _open(width, height, label)
    for step in range(5):
        value = round(peak * step / 4)
        parts.append(_line(left, y_of(value), width - right, y_of(value), "#e5e7eb"))
        parts.append(_text(left - 6, y_of(value) + 4, str(value), "end"))
    for day in (first, first + (last - first) / 2, last):
        parts.append(_text(x_of(day), height - bottom + 18, f"{day:%d/%m}", "middle"))
    if marker is not None and first <= marker[0] <= last:
        x = x_of(marker[0])
        parts.append(_line(x, top, x, height - bottom, "#9b1c1c", ' stroke-dasharray="4 3"'))
        parts.append(_text(x - 4, top + 10, marker[1], "end", ' fill="#9b1c1c"'))
    for index, (name, running) in enumerate(totals.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(
            f"{x_of(first + timedelta(days=i)):.1f},{y_of(v):.1f}" for i, v in enumerate(running)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        y, key = top + 14 + index * 18, width - right + 12
        parts.append(_line(key, y - 4, key + 18, y - 4, colour, ' stroke-width="3"'))
        parts.append(_text(key + 24, y, _short(name)))
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[str], label: str
) -> str:
    """Horizontal bars, one group per row (a category: its essays and its profiles); a row
    whose every value is 0 is named in red: a gap."""
    width, left, bar, gap = 760, 330, 10, 8
    height = 40 + len(rows) * (bar * len(series) + gap)
    peak = max((max(values) for _n, values in rows if values), default=0) or 1
    scale = (width - left - 60) / peak
    parts = _open(width, height, label)
    for index, name in enumerate(series):
        x = left + index * 140
        parts.append(_rect(x, 6, 12, 12, PALETTE[index]))
        parts.append(_text(x + 18, 16, name))
    y = 30
    for name, values in rows:
        colour = "#9b1c1c" if not any(values) else "#1d2430"
        middle = y + bar * len(values) / 2 + 4
        parts.append(_text(left - 8, middle, _short(name, 46), "end", f' fill="{colour}"'))
        for index, value in enumerate(values):
            top = y + index * bar
            parts.append(_rect(left, top, max(value * scale, 1), bar - 1, PALETTE[index]))
            parts.append(_text(left + value * scale + 4, top + bar - 1, f"{value:g}", extra=SMALL))
        y += bar * len(values) + gap
    parts.append("</svg>")
    return "".join(parts)


def diverging_bars(rows: Sequence[tuple[str, float]], label: str) -> str:
    """A bar per judge from a centre line: left of it stricter than the panel, right of it
    kinder (their mean offset, in points)."""
    width, left, row = 760, 230, 22
    height = 30 + row * max(len(rows), 1)
    reach = max((abs(v) for _n, v in rows), default=0) or 1
    centre = left + (width - left - 40) / 2
    scale = (width - left - 60) / 2 / reach
    parts = _open(width, height, label)
    parts.append(_line(centre, 6, centre, height - 6, "#555"))
    for index, (name, value) in enumerate(rows):
        y = 16 + index * row
        x = centre if value >= 0 else centre + value * scale
        parts.append(_text(left - 8, y + 10, _short(name, 30), "end"))
        parts.append(
            _rect(x, y, max(abs(value) * scale, 1), row - 8, PALETTE[0 if value >= 0 else 1])
        )
        end = centre + value * scale + (4 if value >= 0 else -4)
        parts.append(_text(end, y + 10, f"{value:+g}", "start" if value >= 0 else "end", SMALL))
    parts.append("</svg>")
    return "".join(parts)
