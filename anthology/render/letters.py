"""A unit's forwarding letter (công văn) in Decree 30's form: the unit introduces to the
round above the essays and exemplar profiles it sends, each with its line of recommendation."""

from __future__ import annotations

from dataclasses import dataclass

from anthology.render import decree30
from anthology.render.certificates import Issuance


@dataclass(frozen=True)
class SentItem:
    key: str  # "e12" for entry 12, "p3" for profile 3
    kind: str  # "Bài dự thi" or "Hồ sơ"
    title: str
    who: str  # the author, or the profile's unit
    category: str


def letter_docx(
    *,
    issuance: Issuance,
    addressee: str,
    contest_title: str,
    items: list[SentItem],
    recommendations: dict[str, str],
) -> bytes:
    code = issuance.code.strip()
    number = f"      /CV-{code}" if code else "      /CV"
    document = decree30.new_document()
    decree30.heading(
        document, issuance, number, "V/v giới thiệu bài dự thi và hồ sơ gương điển hình"
    )
    decree30.paragraph(document, f"Kính gửi: {addressee}", 14, before=18, after=12)
    essays = sum(1 for i in items if i.key.startswith("e"))
    profiles = len(items) - essays
    unit = issuance.body.splitlines()[-1] if issuance.body else ""
    decree30.body(
        document,
        f"Thực hiện Thể lệ {contest_title}, {unit} đã tổ chức cuộc thi ở cấp mình và lựa "
        f"chọn {essays} bài dự thi, {profiles} hồ sơ gương điển hình tiêu biểu, trân trọng "
        f"giới thiệu và gửi về {addressee}, cụ thể như sau:",
    )
    decree30.table(
        document,
        ["STT", "Bài dự thi, hồ sơ", "Tác giả, đơn vị", "Lĩnh vực", "Ý kiến giới thiệu"],
        [
            [
                i,
                f"{item.kind}: {item.title}",
                item.who,
                item.category,
                recommendations.get(item.key, ""),
            ]
            for i, item in enumerate(items, 1)
        ],
        [12, 45, 33, 25, 50],
        size=11,
    )
    decree30.body(document, f"{unit} trân trọng giới thiệu và đề nghị {addressee} xem xét./.")
    decree30.closing(
        document, ["Như trên", "Lưu: VT"], issuance.signer_authority, issuance.signer_name
    )
    return decree30.to_bytes(document)
