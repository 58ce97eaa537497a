"""The seed's exemplar categories (Plan 55/KH-UBND, section III), with their exact names."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

COLLECTIVE_CATEGORIES: dict[str, str] = {
    "1.1": "Gương điển hình tiên tiến trong sản xuất – kinh doanh",
    "1.2": "Gương điển hình tiên tiến trong xây dựng đời sống văn hóa ở khu dân cư",
    "1.3": "Gương điển hình tiên tiến trong xây dựng nông thôn mới",
    "1.4": "Gương điển hình tiên tiến trong giáo dục – đào tạo",
    "1.5": "Gương điển hình tiên tiến trong y tế, chăm sóc sức khỏe nhân dân",
    "1.6": "Gương điển hình tiên tiến trong quốc phòng – an ninh",
    "1.7": "Gương điển hình tiên tiến trong hoạt động của các tổ chức hội, đoàn thể",
    "1.8": "Gương điển hình tiên tiến trong cơ quan, đơn vị hành chính nhà nước",
    "1.9": "Gương điển hình tiên tiến trong phát triển kinh tế hộ gia đình",
}
INDIVIDUAL_CATEGORIES: dict[str, str] = {
    "2.1": "Cán bộ, công chức, viên chức",
    "2.2": "Cá nhân giữ chức vụ lãnh đạo, quản lý",
    "2.3": "Công nhân, người lao động",
    "2.4": "Người dân trong cộng đồng dân cư",
}
CATEGORIES: dict[str, str] = {**COLLECTIVE_CATEGORIES, **INDIVIDUAL_CATEGORIES}

# Shown in the interface's language; the book, built outside a request, prints Vietnamese.
SUBJECT_KINDS: dict[str, Any] = {
    "collective": _l("Tập thể"),
    "individual": _l("Cá nhân"),
    "household": _l("Hộ gia đình"),
}


def category_label(code: str) -> str:
    """`1.3 – Gương điển hình …` for lists and the book."""
    return f"{code} – {CATEGORIES.get(code, '')}"


def category_order(code: str) -> tuple[int, int]:
    """Sort key: collectives 1.1–1.9, then individuals 2.1–2.4."""
    major, minor = code.split(".")
    return int(major), int(minor)
