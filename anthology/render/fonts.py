"""The fonts every format embeds, from fixed files (Debian: fonts-noto-core,
fonts-noto-color-emoji), never the machine's own choice: Noto Serif in four faces covers
Vietnamese; Noto Sans Tai Viet covers Sơn La's Thai script; Noto Color Emoji the rest."""

from __future__ import annotations

import os

from flask_babel import lazy_gettext as _l

from anthology.errors import BookBuildError

NOTO = "/usr/share/fonts/truetype/noto"
FONT_FILES = tuple(
    os.path.join(NOTO, name)
    for name in (
        "NotoSerif-Regular.ttf",
        "NotoSerif-Bold.ttf",
        "NotoSerif-Italic.ttf",
        "NotoSerif-BoldItalic.ttf",
        "NotoSansTaiViet-Regular.ttf",
        "NotoColorEmoji.ttf",
    )
)
FAMILIES = ["Noto Serif", "Noto Sans Tai Viet", "Noto Color Emoji"]


def font_files() -> tuple[str, ...]:
    """The font files, or a clear error naming the missing ones and their packages."""
    missing = [path for path in FONT_FILES if not os.path.exists(path)]
    if missing:
        raise BookBuildError(
            _l(
                "Thiếu phông chữ để in sách (gói Debian fonts-noto-core, "
                "fonts-noto-color-emoji): %(paths)s",
                paths=", ".join(missing),
            )
        )
    return FONT_FILES
