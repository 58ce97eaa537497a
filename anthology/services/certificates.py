"""Giấy chứng nhận for the prize winners, from the organiser's template or the plain one, as
DOCX or as PDF (LibreOffice prints the DOCX, sandboxed, see contest/office.py)."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology.errors import NotFinalised, SettingsIncomplete
from anthology.models import AnthologySettings, UnitIssuance
from anthology.render import certificates as certificate_render
from anthology.render import decree30
from anthology.services.contents import items, winners
from anthology.services.settings import require_complete, require_finalised, settings_for
from contest.documents import printing
from contest.models import Contest, Entry, Round
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore
from contest.platform.text import nfc, without_control_characters
from judging.models import Award
from judging.services import stages, units

# What the organiser must choose before any certificate is issued.
REQUIRED = {
    "certificate_code": _l("ký hiệu số giấy chứng nhận"),
    "certificate_place": _l("địa danh"),
    "certificate_date": _l("ngày ký"),
    "certificate_signer": _l("thẩm quyền và chức vụ người ký"),
    "certificate_signer_name": _l("họ tên người ký"),
}


def issuance_of(settings: AnthologySettings) -> certificate_render.Issuance:
    """The issuing body is the last line of the book's «Cơ quan ban hành» (the lines above it
    are the bodies it belongs to), else the publisher."""
    missing = [label for key, label in REQUIRED.items() if not getattr(settings, key)]
    if missing:
        fields = LazyString(lambda: ", ".join(str(label) for label in missing))
        raise SettingsIncomplete(
            _l(
                "Chưa đủ thông tin giấy chứng nhận: cần điền %(fields)s trong «Thông tin sách».",
                fields=fields,
            )
        )
    bodies = [line.strip() for line in settings.issuing_bodies.splitlines() if line.strip()]
    bodies = bodies or [settings.publisher]
    return certificate_render.Issuance(
        parent_body="\n".join(bodies[:-1]),
        body=bodies[-1],
        code=settings.certificate_code,
        place=settings.certificate_place,
        day=settings.certificate_date,
        signer_authority=settings.certificate_signer,
        signer_name=settings.certificate_signer_name,
    )


def certificates_docx(session: Session, files: FileStore, contest: Contest) -> bytes:
    """One certificate per prize winner, all in one file, numbered in the order of the prizes."""
    template, issuance = _province_paper(session, files, contest)
    return certificate_render.render_certificates(
        template, _certificates(session, contest, winners(session, contest)), issuance
    )


def _province_paper(session: Session, files: FileStore, contest: Contest):
    """The province's certificate template and issuance, once finalised and filled in."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    require_complete(settings)
    issuance = issuance_of(settings)
    kept = settings.certificate_template_path and files.path(settings.certificate_template_path)
    if kept:
        with open(kept, "rb") as fh:
            return fh.read(), issuance
    return certificate_render.default_template(), issuance


def author_certificate_docx(session: Session, files: FileStore, entry: Entry) -> bytes:
    """The certificate of one winning entry's province prize, numbered as in the whole set
    (`certificates_docx`): what its author downloads once the results are public."""
    contest = entry.contest
    template, issuance = _province_paper(session, files, contest)
    found = winners(session, contest)
    index = next((i for i, a in enumerate(found) if a.entry_id == entry.id), None)
    if index is None:
        raise InvalidInput(_l("Bài này không đoạt giải: không có giấy chứng nhận."))
    return certificate_render.render_certificates(
        template, _certificates(session, contest, [found[index]]), issuance, first=index + 1
    )


def _certificates(
    session: Session, contest: Contest, awards: list[Award]
) -> list[certificate_render.Certificate]:
    """What each winner's paper says, in the order of `awards` (their numbers' order): the
    title as the book prints it when the organiser edited it there."""
    edited = {i.entry_id: i.book_title for i in items(session, contest) if i.book_title}
    return [
        certificate_render.Certificate(
            ho_ten=a.entry.author.full_name,
            giai=decree30.prize_phrase(a.prize_level.name),
            ten_bai=edited.get(a.entry_id, a.entry.title),
            don_vi=a.entry.author_unit.name,
            cuoc_thi=contest.title,
        )
        for a in awards
    ]


# What a unit's organiser must give before the unit issues certificates (issue 14); the
# unit's own name is the default issuing body, its code the number's code, today the date.
UNIT_REQUIRED = {
    "body": _l("cơ quan ban hành"),
    "place": _l("địa danh"),
    "signer_authority": _l("thẩm quyền và chức vụ người ký"),
    "signer_name": _l("họ tên người ký"),
}
UNIT_LABELS = {
    **UNIT_REQUIRED,
    "parent_body": _l("cơ quan chủ quản"),
    "code": _l("ký hiệu số giấy chứng nhận"),
}
# What one line or two of the Decree 30 layout holds: longer text pushes a certificate onto a
# second page (and the issuing body is the document's author, 255 characters at most).
UNIT_LIMITS = {
    "parent_body": 200,
    "body": 200,
    "code": 40,
    "place": 60,
    "signer_authority": 200,
    "signer_name": 80,
}


# Kinds of unit whose issuing body is their People's Committee; the others (departments,
# enterprises, offices, villages) issue in their own name.
GOVERNED_KINDS = ("province", "district", "commune")


def default_issuing_body(unit) -> str:
    """ "Ủy ban nhân dân huyện Mộc Châu" for a district — an agency signs, not a place."""
    if unit.kind not in GOVERNED_KINDS:
        return unit.name
    return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"


def unit_award_day(session: Session, round_: Round, now: datetime) -> date:
    """The day the unit finalised its own judging (its prizes' date), else `now`'s."""
    judging = stages.unit_judging(session, round_.id)
    finalised = judging.finalised_at if judging is not None else None
    return (finalised or now).date()


def unit_issuance(
    round_: Round,
    day: date,
    *,
    body: str | None = None,
    parent_body: str = "",
    code: str | None = None,
    place: str = "",
    signer_authority: str = "",
    signer_name: str = "",
) -> certificate_render.Issuance:
    """The unit as issuing body of its own certificates, from what its organiser typed (on
    the page or the command line: cleaned, NFC, and refused when missing or too long)."""
    typed = {
        "body": default_issuing_body(round_.unit) if body is None else body,
        "parent_body": parent_body,
        "code": round_.unit.code if code is None else code,
        "place": place,
        "signer_authority": signer_authority,
        "signer_name": signer_name,
    }
    values = {k: nfc(without_control_characters(v or "").strip()) for k, v in typed.items()}
    missing = [label for key, label in UNIT_REQUIRED.items() if not values[key]]
    if missing:
        fields = LazyString(lambda: ", ".join(str(label) for label in missing))
        raise InvalidInput(
            _l("Chưa đủ thông tin giấy chứng nhận của đơn vị: cần điền %(fields)s.", fields=fields)
        )
    for key, limit in UNIT_LIMITS.items():
        if len(values[key]) > limit:
            raise InvalidInput(
                _l(
                    "Giấy chứng nhận: %(field)s dài quá %(limit)d ký tự.",
                    field=UNIT_LABELS[key],
                    limit=limit,
                )
            )
    return certificate_render.Issuance(day=day, **values)


def unit_certificates_docx(
    session: Session, round_: Round, issuance: certificate_render.Issuance, now: datetime
) -> bytes:
    """One certificate per winner of the unit's own prizes, the unit as issuing body: only
    once the unit finalised (before that its ranking is blind)."""
    found = units.winners(session, round_)
    if not found:
        if not stages.is_finalised(session, round_.contest, round_.id):
            raise NotFinalised(
                _l("Đơn vị chưa công bố kết quả chấm: chưa làm được giấy chứng nhận.")
            )
        raise InvalidInput(_l("Đơn vị không có bài đoạt giải nào để cấp giấy chứng nhận."))
    _keep_unit_issuance(session, round_, issuance, now)
    return certificate_render.render_certificates(
        certificate_render.default_template(),
        _certificates(session, round_.contest, found),
        issuance,
    )


def _keep_unit_issuance(
    session: Session, round_: Round, issuance: certificate_render.Issuance, now: datetime
) -> None:
    """The paper as the unit last issued it, for its winners' own downloads."""
    kept = session.scalar(select(UnitIssuance).where(UnitIssuance.round_id == round_.id))
    if kept is None:
        kept = UnitIssuance(round_id=round_.id)
        session.add(kept)
    for key, value in asdict(issuance).items():
        setattr(kept, key, value)
    kept.updated_at = now
    session.flush()


def unit_certificate_rounds(session: Session, entry: Entry) -> list[Round]:
    """The unit rounds whose prize the entry won, once the unit published its results and
    issued its certificates: its author downloads each one, as the unit printed it."""
    won = [
        award.round
        for award in units.unit_results_of(session, [entry.id]).get(entry.id, [])
        if award.prize_level is not None
        and stages.is_finalised(session, entry.contest, award.round_id)
    ]
    issued = set(
        session.scalars(
            select(UnitIssuance.round_id).where(UnitIssuance.round_id.in_([r.id for r in won]))
        )
    )
    return [round_ for round_ in won if round_.id in issued]


def author_unit_certificate_docx(session: Session, entry: Entry, round_: Round) -> bytes:
    """One winner's certificate of a unit's own prize, numbered as in the unit's whole set,
    on the paper the unit last issued."""
    kept = session.scalar(select(UnitIssuance).where(UnitIssuance.round_id == round_.id))
    found = units.winners(session, round_)
    index = next((i for i, a in enumerate(found) if a.entry_id == entry.id), None)
    if kept is None or index is None:
        raise InvalidInput(_l("Đơn vị chưa cấp giấy chứng nhận cho bài này."))
    issuance = certificate_render.Issuance(
        **{f.name: getattr(kept, f.name) for f in fields(certificate_render.Issuance)}
    )
    return certificate_render.render_certificates(
        certificate_render.default_template(),
        _certificates(session, round_.contest, [found[index]]),
        issuance,
        first=index + 1,
    )


def to_pdf(docx_data: bytes) -> bytes:
    """The certificates printed to PDF (called after the unit of work)."""
    return printing.to_pdf(docx_data, _l("giấy chứng nhận"))
