"""A small SVG of each judge's score distribution: no plotting library needed for dots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape


def distribution_svg(
    by_judge: Mapping[str, Sequence[float]], max_total: float, label: str = ""
) -> str:
    """One row per judge: a dot per score on a 0..max axis, the judge's mean as a bar.
    `label` is the picture's accessible name, in the interface's language."""
    width, left, row, top = 700, 230, 28, 24
    height = top + row * max(len(by_judge), 1) + 30
    scale = (width - left - 20) / (max_total or 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    for tick in range(0, int(max_total) + 1, max(int(max_total // 10), 1)):
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 24}" stroke="#e5e7eb"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#555">{tick}</text>'
        )
    for index, (name, scores) in enumerate(by_judge.items()):
        y = top + index * row + row / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        for value in scores:
            parts.append(
                f'<circle cx="{left + value * scale:.1f}" cy="{y:.1f}" r="3.5" '
                'fill="#9b1c1c" fill-opacity="0.45"/>'
            )
        if scores:
            mean = sum(scores) / len(scores)
            x = left + mean * scale
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 9:.1f}" x2="{x:.1f}" y2="{y + 9:.1f}" '
                'stroke="#1d2430" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
