"""What the Law on Publishing (2012, art. 27) asks a book to carry, as plain rules: the ISBN
check digit, the page formats in centimetres, and which lines of the colophon are still
empty. No database here: the settings service and the renderers both use it."""

from __future__ import annotations

import re

from anthology import trim

# "khổ … cm" is the trimmed page: it follows from the page size the organiser chose.

# Fields printed on every book, by their Vietnamese names as the colophon prints them.
REQUIRED_LINES = {
    "publishing_director": "Chịu trách nhiệm xuất bản",
    "content_director": "Chịu trách nhiệm nội dung",
    "editors": "Biên tập",
    "designer": "Trình bày, bìa",
    "proofreader": "Sửa bản in",
    "printer": "In tại",
    "print_run": "Số lượng",
    "legal_deposit": "Nộp lưu chiểu",
}


def normalise_isbn(text: str) -> str:
    """Digits (and a final X) only, as check digits are computed on them."""
    return re.sub(r"[^0-9Xx]", "", text).upper()


def is_valid_isbn(text: str) -> bool:
    """An ISBN-13 (978/979, mod-10 weights 1 and 3) or an ISBN-10 (mod 11, X for ten)."""
    digits = normalise_isbn(text)
    if len(digits) == 13 and digits.isdigit() and digits[:3] in ("978", "979"):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
        return (10 - total % 10) % 10 == int(digits[12])
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = (11 - total % 11) % 11
        return digits[9] == ("X" if check == 10 else str(check))
    return False


def missing_lines(values: dict) -> list[str]:
    """The colophon's lines still empty, by their printed names; a book needs either the
    licence of a non-commercial publication or both the registration and decision numbers."""
    missing = [label for key, label in REQUIRED_LINES.items() if not values.get(key)]
    if not values.get("licence") and not (
        values.get("registration_number") and values.get("decision_number")
    ):
        missing.append("Giấy phép xuất bản (hoặc số xác nhận ĐKXB và số QĐXB)")
    return missing


def lines(values: dict, page_size: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The colophon as printed: the people responsible, label by label, then the closing
    paragraph of licence, print run, format, printer, ISBN and legal deposit. Empty fields
    are left out rather than printed blank."""
    people = [
        (label, ", ".join(part.strip() for part in str(values.get(key) or "").splitlines()))
        for key, label in (
            ("publishing_director", "Chịu trách nhiệm xuất bản"),
            ("content_director", "Chịu trách nhiệm nội dung"),
            ("editors", "Biên tập"),
            ("designer", "Trình bày, bìa"),
            ("proofreader", "Sửa bản in"),
        )
    ]
    closing = []
    printing = [f"In {values['print_run']} bản" if values.get("print_run") else "In"]
    printing.append(f"khổ {trim.format_cm(page_size)}")
    if values.get("printer"):
        printing.append("tại " + " ".join(str(values["printer"]).split()))
    closing.append(", ".join(printing) + ".")
    if values.get("registration_number"):
        closing.append(f"Số xác nhận ĐKXB: {values['registration_number']}.")
    if values.get("decision_number"):
        closing.append(f"Số QĐXB: {values['decision_number']}.")
    if values.get("licence"):
        closing.append(str(values["licence"]).rstrip(".") + ".")
    if values.get("isbn"):
        closing.append(f"Mã ISBN: {values['isbn']}.")
    if values.get("legal_deposit"):
        closing.append(f"In xong và nộp lưu chiểu {values['legal_deposit']}.")
    return [(label, text) for label, text in people if text], closing
