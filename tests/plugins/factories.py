"""Factories for a test's data: units, accounts, a contest and its rounds, entries, with
the defaults a test does not care about; and `world`, the small province most tests start
from, made of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest.categories import default_categories
from contest.documents.intake import extract_typed, extract_upload
from contest.lifecycles import ContestPhase
from contest.models import Contest, Round, Unit, User
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry

PASSWORD = "matkhau-2019"
NOW = utcnow().replace(microsecond=0)


def vietnamese_essay(words: int, seed: str = "Người tốt việc tốt") -> str:
    """A Vietnamese essay of exactly `words` chữ."""
    base = (
        "Chị Lò Thị Hoa ở bản Mòng đã vận động bà con trồng xoài trên đất dốc, "
        "giúp nhiều hộ thoát nghèo bền vững."
    ).split()
    out = (seed.split() + base * (words // len(base) + 2))[:words]
    return " ".join(out)


def new_unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    return unit


def new_contest(**values) -> Contest:
    """A contest open for entries around NOW (the categories of a new contest), with
    `values` in place of the defaults."""
    contest = Contest(
        **{
            "slug": "son-la-2019",
            "title": "Cuộc thi viết 2019",
            "opens_at": NOW - timedelta(days=30),
            "closes_at": NOW + timedelta(days=30),
            "min_words": 20,
            "max_words": 400,
            "max_entries_per_entrant": 2,
            "phase": ContestPhase.SUBMISSION,
            **values,
        }
    )
    contest.declarations = ["Bài viết về người thật, việc thật."]
    contest.categories = default_categories()
    db.session.add(contest)
    return contest


def new_round(contest: Contest, unit: Unit, parent: Round | None = None, **quotas) -> Round:
    round_ = Round(contest=contest, unit=unit, parent=parent, **quotas)
    db.session.add(round_)
    return round_


def new_account(
    email: str, role: str = "entrant", unit: Unit | None = None, name: str | None = None
) -> User:
    """An account with the tests' PASSWORD, named after its e-mail unless `name` is given
    (not committed)."""
    return create_user(
        db.session,
        full_name=name or email.split("@")[0],
        email=email,
        phone=None,
        password=PASSWORD,
        role=role,
        unit=unit,
    )


@pytest.fixture
def world(app):
    """A small province: two districts with one commune each, a department; a contest."""
    province = new_unit("SL", "Tỉnh Sơn La", "province")
    d1 = new_unit("MCH", "Huyện Mộc Châu", "district", province)
    d2 = new_unit("YCH", "Huyện Yên Châu", "district", province)
    c1 = new_unit("MCH-CSO", "Xã Chiềng Sơn", "commune", d1)
    dep = new_unit("SGD", "Sở Giáo dục và Đào tạo", "department", province)
    contest = new_contest()
    r_prov = new_round(contest, province)
    r_d1 = new_round(contest, d1, r_prov, quota=2, profile_quota=1)
    r_d2 = new_round(contest, d2, r_prov, quota=2, profile_quota=1)
    r_c1 = new_round(contest, c1, r_d1, quota=1, profile_quota=1)
    r_dep = new_round(contest, dep, r_prov, quota=1, profile_quota=1)
    db.session.flush()
    users = {
        "entrant_a": new_account("a@example.com", unit=c1, name="Quàng Văn Hặc"),
        "entrant_b": new_account("b@example.com", unit=d2, name="Cầm Thị Xuân"),
        "organiser_d1": new_account("tdkt.mch@sonla.gov.vn", "unit_organiser", d1),
        "organiser_c1": new_account("tdkt.cso@sonla.gov.vn", "unit_organiser", c1),
        "organiser_d2": new_account("tdkt.ych@sonla.gov.vn", "unit_organiser", d2),
        "province": new_account("btc@sonla.gov.vn", "province_organiser", province),
        "judge": new_account("gk1@sonla.gov.vn", "judge", dep),
        "head_judge": new_account("tb@sonla.gov.vn", "head_judge", dep),
    }
    db.session.commit()
    return {
        "contest": contest,
        "units": {u.code: u for u in (province, d1, d2, c1, dep)},
        "rounds": {"SL": r_prov, "MCH": r_d1, "YCH": r_d2, "MCH-CSO": r_c1, "SGD": r_dep},
        "users": users,
    }


def entrant(world, email: str, unit_code: str, name: str | None = None) -> User:
    """One more entrant of a unit of the small province (not committed)."""
    return new_account(email, unit=world["units"][unit_code], name=name)


@pytest.fixture
def make_entry(world):
    """Factory: a submitted (or draft) typed entry by a given author."""
    counter = iter(range(1, 10_000))

    def make(
        author: User | None = None,
        words: int = 60,
        submit: bool = True,
        unit=None,
        title=None,
        text=None,
    ):
        author = author or world["users"]["entrant_a"]
        n = next(counter)
        entry = create_entry(
            db.session,
            contest=world["contest"],
            author=author,
            author_unit=unit or author.unit,
            title=title or f"Bài viết số {n}",
            subject=Subject("Lò Văn Pánh", "Bản Mòng, xã Chiềng Sơn", "individual", "2.4"),
            essay=extract_typed(text or vietnamese_essay(words)),
            original=None,
            declarations_accepted=True,
            now=NOW,
            submit=submit,
            files=file_store(),
        )
        db.session.commit()
        return entry

    return make


def uploaded_entry(
    contest,
    author: User,
    filename: str,
    data: bytes,
    *,
    subject_name: str = "Lò Văn Pánh",
    title: str = "Bài gửi bằng tệp",
):
    """A submitted entry sent as a file, as the entry form would create it (not committed)."""
    return create_entry(
        db.session,
        contest=contest,
        author=author,
        author_unit=author.unit,
        title=title,
        subject=Subject(subject_name, "Bản Mòng", "individual", "2.4"),
        essay=extract_upload(filename, data, 10 * 1024 * 1024),
        original=(filename, data),
        declarations_accepted=True,
        now=NOW,
        submit=True,
        files=file_store(),
    )
