"""The demo reads as real: addresses are geographic, each subject's name, kind and category
agree, profiles are about different subjects, ông/bà and ethnic names fit, and every date
keeps to one calendar (the contest named after the year it opens, around today)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from anthology.services.settings import settings_for
from contest.audit import ContestAction
from contest.demo import contest_year
from contest.demo.text import ETHNIC_NAMES
from contest.demo.units import UNIT_FILE
from contest.models import Contest, Entry, ExemplarProfile, Round, Unit, User
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services.units import rows_from_file

NON_GEOGRAPHIC = [
    row.name
    for _line, row in rows_from_file(UNIT_FILE.read_bytes(), UNIT_FILE.name)
    if row.kind in ("department", "enterprise")
]
KINH_SURNAMES = set(ETHNIC_NAMES["Kinh"][0]) - set(ETHNIC_NAMES["Mường"][0])
# What a collective's name must say it is, by category.
COLLECTIVE_WORDS = {
    "1.1": ("Hợp tác xã", "Xí nghiệp", "Trại"),
    "1.2": ("Tập thể",),
    "1.3": ("Tập thể", "Hợp tác xã"),
    "1.4": ("Trường",),
    "1.5": ("Trạm Y tế", "Trung tâm Y tế", "Bệnh viện"),
    "1.6": ("Công an", "Quân sự", "dân quân"),
    "1.7": ("Hội", "Chi hội", "đoàn", "Đoàn", "Mặt trận", "Công đoàn"),
    "1.8": ("Ủy ban nhân dân", "Phòng", "Chi cục", "Hạt", "Bảo tàng", "Trung tâm"),
}
ADDRESS = re.compile(
    r"^((bản|tiểu khu|tổ dân phố|khối) [^,]+, )?(xã|phường|thị trấn) [^,]+, "
    r"(huyện|thành phố) [^,]+$"
)


@pytest.fixture
def demo(awarded_demo):
    contest = db.session.scalar(select(Contest))
    profiles = db.session.scalars(select(ExemplarProfile)).all()
    entries = db.session.scalars(select(Entry)).all()
    return contest, profiles, entries


def _subjects(profiles, entries):
    """(name, kind, category, address) of every profile and every entry's subject."""
    return [(p.name, p.kind, p.category, p.address) for p in profiles] + [
        (e.subject_name, e.subject_kind, e.subject_category, e.subject_address) for e in entries
    ]


def _people(profiles, entries, authors):
    """Every person's name the demo shows: individuals, heads of households, authors."""
    names = [a.full_name for a in authors]
    for name, kind, _category, _address in _subjects(profiles, entries):
        if kind == "individual":
            names.append(name)
        elif kind == "household":
            names.append(name.split(" ", 4)[-1])
    return names


def test_every_address_is_a_place_and_no_village_sits_in_a_body(demo):
    _contest, profiles, entries = demo
    authors = db.session.scalars(select(User).where(User.address != "")).all()
    addresses = [a.address for a in authors] + [s[3] for s in _subjects(profiles, entries)]
    assert addresses
    for address in addresses:
        assert ADDRESS.match(address), address
        assert not any(body in address for body in NON_GEOGRAPHIC), address
    titles = " ".join(e.title for e in entries)
    assert not any(body in titles for body in NON_GEOGRAPHIC)


def test_name_kind_and_category_agree(demo):
    _contest, profiles, entries = demo
    for name, kind, category, _address in _subjects(profiles, entries):
        if category == "1.9":
            assert kind == "household" and name.startswith("Hộ gia đình "), name
        elif category.startswith("1."):
            assert kind == "collective", name
            assert any(word in name for word in COLLECTIVE_WORDS[category]), (category, name)
        else:
            assert kind == "individual" and len(name.split()) == 3, name
    for profile in profiles:
        assert bool(profile.position) == (profile.kind == "individual"), profile.name
        if profile.category == "2.3":
            assert re.match("(Công nhân|Người lao động)", profile.position), profile.position
        if profile.category == "2.2":
            assert re.match(
                "(Chủ tịch|Bí thư|Hiệu trưởng|Trưởng|Giám đốc|Hạt trưởng|Chỉ huy)",
                profile.position,
            ), profile.position
    cooperatives = [s for s in _subjects(profiles, entries) if "Hợp tác xã" in s[0]]
    assert cooperatives and {s[2] for s in cooperatives} <= {"1.1", "1.3"}


def test_profiles_are_each_about_someone_else(demo):
    _contest, profiles, _entries = demo
    names = [p.name for p in profiles]
    assert len(profiles) > 30 and len(set(names)) == len(names)


def test_ong_and_ba_and_names_fit_the_people(demo):
    _contest, profiles, entries = demo
    households = [s[0] for s in _subjects(profiles, entries) if s[1] == "household"]
    assert households
    for name in households:
        title = "bà" if " Thị " in name else "ông"
        assert name.startswith(f"Hộ gia đình {title} "), name
    authors = db.session.scalars(select(User).where(User.email.like("tacgia%"))).all()
    for person in _people(profiles, entries, authors):
        surname, given = person.split(" ", 1)
        if given.startswith("A "):
            assert surname in ETHNIC_NAMES["H'Mông"][0], person
        assert not (surname in KINH_SURNAMES and given.startswith("A ")), person


def test_every_date_keeps_to_the_demo_calendar(demo):
    contest, profiles, entries = demo
    year = contest_year(contest)
    assert contest.opens_at.year == year and contest.title.endswith(f"năm {year}")
    for profile in profiles:
        assert profile.commendations.endswith(f"năm {year - 1}"), profile.commendations
        assert {int(y) for y in re.findall(r"năm (\d{4})", profile.achievements)} <= {year - 1}
    for entry in entries:
        told = {int(y) for y in re.findall(r"\b(20\d\d)\b", entry.body_text)}
        assert all(year - 6 <= y < year for y in told), (entry.id, told)
        if entry.submitted_at:
            assert contest.opens_at <= entry.submitted_at <= contest.closes_at
    book = settings_for(db.session, contest)
    assert book.year == year + 1 and str(year) in book.title
    assert book.certificate_date > contest.closes_at.date()
    day, month, licence_year = map(int, re.search(r"(\d+)/(\d+)/(\d{4})", book.licence).groups())
    assert contest.closes_at.date() < date(licence_year, month, day) < book.certificate_date
    assert book.legal_deposit.endswith(str(year + 1)) and f"năm {year + 1}" in book.foreword
    assert re.findall(r"\b(20\d\d)\b", book.foreword) == ["2016", str(year), str(year + 1)]


def test_the_news_bodies_of_the_seed_take_part(demo):
    for code in ("STT", "BTG"):
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        assert unit.kind == "department"
        round_ = db.session.scalar(select(Round).where(Round.unit_id == unit.id))
        assert round_ is not None and round_.parent.unit.code == "SL"
        assert db.session.scalar(
            select(User).where(User.email == f"tdkt.{code.lower()}@sonla.gov.vn")
        )


def test_the_demo_s_tree_comes_through_the_front_door(demo):
    """The registry's Sơn La under its short codes, named as in 2019 (renames audited), the
    province's own file of bodies, and communes without a round switched off."""
    tree = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    assert sum(u.kind == "district" for u in tree.values()) == 12
    assert sum(u.kind == "commune" for u in tree.values()) > 150
    assert tree["MCH"].name == "Huyện Mộc Châu"  # Thị xã since 2020, in the registry
    renamed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == ContestAction.UNIT_RENAMED, AuditEvent.object_id == tree["MCH"].id
        )
    ).all()
    assert [json.loads(e.params_json)["old_name"] for e in renamed] == ["Thị xã Mộc Châu"]
    assert set(NON_GEOGRAPHIC) <= {u.name for u in tree.values()}
    with_round = {r.unit.code for r in db.session.scalars(select(Round))}
    active_communes = {c for c, u in tree.items() if u.kind == "commune" and u.is_active}
    assert active_communes and active_communes <= with_round
    assert not any(u.is_active for c, u in tree.items() if c in ("TCH-ME", "MSO-HLO2"))
