"""The Sơn La 2019 demo: real units, rounds with the plan's quotas, accounts, essays."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from contest.demo import text as demo_text
from contest.demo.places import home_of
from contest.demo.subjects import draw_new_subject, draw_subject
from contest.demo.units import COMMUNES, DISTRICTS, PROVINCE, UNIT_FILE
from contest.documents.converter import markdowns_to_html
from contest.documents.intake import ExtractedEssay, extract_typed
from contest.models import Contest, Entry, EntryState, Role, Unit, User
from contest.platform.config import setting
from contest.platform.storage import FileStore
from contest.services import contest_file, publishing
from contest.services import units as unit_service
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry, disqualify_entry, withdraw_entry
from contest.services.forwarding import (
    forward_round,
    mark_entry,
    mark_profile,
    pending_entries,
    pending_profiles,
)
from contest.services.profiles import create_profile

DEMO_SLUG = "son-la-2019"
DEMO_PASSWORD = "sonla-2019-demo"
DEFAULT_SEED = 2019
# Every demo account of the board and the jury has an address here; entrants are tacgia….
STAFF_DOMAIN = "@sonla.gov.vn"
# Essays converted to HTML by one pandoc run (see `_save_demo_entries`).
ESSAY_BATCH = 200
STAGES = ("submitted", "forwarded", "judging", "scored", "awarded")

DEMO_FILE = Path(__file__).with_name("contest.toml")
KEPT_OPEN = ("VHO", "SYT")  # left open in the demo so a new entrant can still send an essay
# Left to the judging side's demo, which gives the round its own jury, judges it and sends
# its best up by results (issue 14): the core's demo never ticks and forwards it.
JUDGED_AT_UNIT = ("MCH",)


@dataclass
class DemoAccounts:
    lines: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, role: str, user: User) -> None:
        self.lines.append((role, user.email or user.phone or "", DEMO_PASSWORD))


def build_units(session: Session) -> dict[str, Unit]:
    """The tree as a province builds it (`contest.demo.units`), in the demo's order:
    province, districts, the file's bodies, communes with a round, villages."""
    unit_service.load_province(session, None, PROVINCE, short_codes=True)
    tree = {unit.code: unit for unit in session.scalars(select(Unit))}
    for code, name in DISTRICTS + COMMUNES:
        unit_service.rename_unit(session, None, tree[code], name)
    rows = unit_service.rows_from_file(UNIT_FILE.read_bytes(), UNIT_FILE.name)
    unit_service.import_units(session, None, rows)
    tree = {unit.code: unit for unit in session.scalars(select(Unit))}
    with_round = {code for code, _name in COMMUNES}
    for unit in tree.values():
        if unit.kind == "commune" and unit.code not in with_round:
            unit_service.set_unit_active(session, None, unit, False)
    filed = [row for _line, row in rows]
    order = [
        "SL",
        *(code for code, _name in DISTRICTS),
        *(row.code for row in filed if row.kind != "village"),
        *(code for code, _name in COMMUNES),
        *(row.code for row in filed if row.kind == "village"),
    ]
    return {code: tree[code] for code in order}


def demo_contest_data(now: datetime | None = None) -> dict:
    """The demo's contest file; with `now`, its calendar is replayed so that entries opened
    60 days before `now` (every deadline keeps its distance), and the rest of the demo keeps
    to that calendar (`contest_year`)."""
    data = contest_file.parse(DEMO_FILE.read_bytes())
    if now is not None:
        year = data["opens"].year
        contest_file.move_calendar(data, now.date() - timedelta(days=60))
        # The title names the year of the calendar it runs on (`contest_year`).
        data["title"] = data["title"].replace(f"năm {year}", f"năm {data['opens'].year}")
    return data


def build_contest(session: Session, now: datetime) -> Contest:
    """The contest through the front door: created from the demo's file as a draft, with a
    round for every unit of a level that takes part, then published."""
    contest = contest_file.create_draft(session, demo_contest_data(now), None)
    publishing.publish(session, contest, None, now)
    return contest


def contest_year(contest: Contest) -> int:
    """The demo's calendar, anchored on the day it is loaded: the contest is named after the
    year it opens; what its essays and profiles tell happened in the years before; the prizes
    are given and the book appears in the year after (`anthology.demo`)."""
    return contest.opens_at.year


def _user(
    session: Session,
    accounts: DemoAccounts,
    role: str,
    name: str,
    email: str,
    unit: Unit | None,
    label: str,
) -> User:
    user = create_user(
        session,
        full_name=name,
        email=email,
        phone=None,
        password=DEMO_PASSWORD,
        role=role,
        unit=unit,
    )
    accounts.add(label, user)
    return user


def load_demo(
    session: Session,
    files: FileStore,
    *,
    seed: int,
    entries: int,
    now: datetime,
    through: str = "forwarded",
) -> tuple[Contest, DemoAccounts]:
    """Fill an empty database with the demo, taken as far as `through` on the core side."""
    rng = random.Random(seed)
    accounts = DemoAccounts()
    units = build_units(session)
    contest = build_contest(session, now)
    # In the order of the demo's unit lists (districts, departments, …, communes), which the
    # seeded draws below follow.
    by_code = {r.unit.code: r for r in contest.rounds}
    rounds = {code: by_code[code] for code in units if code in by_code}
    _user(
        session,
        accounts,
        Role.PROVINCE_ORGANISER,
        "Ban Thi đua – Khen thưởng tỉnh",
        "btc@sonla.gov.vn",
        units["SL"],
        Role.PROVINCE_ORGANISER,
    )
    organisers: dict[str, User] = {}
    for code in sorted(rounds):
        if code == "SL":
            continue
        organisers[code] = _user(
            session,
            accounts,
            Role.UNIT_ORGANISER,
            f"Cán bộ thi đua {units[code].name}",
            f"tdkt.{code.lower()}@sonla.gov.vn",
            units[code],
            f"unit_organiser:{code}",
        )
    for index, code in enumerate(("SNV", "SGD", "SVH", "TDO", "HPN", "MLA"), start=1):
        _user(
            session,
            accounts,
            Role.JUDGE,
            f"Giám khảo {demo_text.person_name(rng)}",
            f"giamkhao{index}@sonla.gov.vn",
            units[code],
            Role.JUDGE,
        )
    _user(
        session,
        accounts,
        Role.HEAD_JUDGE,
        f"Trưởng ban giám khảo {demo_text.person_name(rng)}",
        "truongban@sonla.gov.vn",
        units["SNV"],
        Role.HEAD_JUDGE,
    )

    _create_profiles(session, files, rng, contest, rounds, organisers)
    entrant_units = [code for code in rounds if code != "SL"]
    districts = [unit for unit in units.values() if unit.kind == "district"]
    authors: list[User] = []
    # One hash for every entrant (they share the demo password): thousands of scrypt runs
    # would be most of the time a large demo takes.
    password_hash = generate_password_hash(DEMO_PASSWORD, setting("PASSWORD_HASH_METHOD"))
    phones: set[str] = set()
    for index in range(max(1, entries * 2 // 3)):
        unit = units[rng.choice(entrant_units)]
        email = "tacgia@example.com" if index == 0 else f"tacgia{index}@example.com"
        full_name = demo_text.person_name(rng)
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        while phone in phones:  # thousands of entrants: draw again rather than clash
            phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        phones.add(phone)
        author = create_user(
            session,
            full_name=full_name,
            email=email,
            phone=phone,
            password=None,
            unit=unit,
            address=home_of(rng, unit).address,
        )
        author.password_hash = password_hash
        authors.append(author)
        if index < 2:
            accounts.add(Role.ENTRANT, author)
    written: Counter[int] = Counter()
    batch: list[DemoEssay] = []
    created = 0
    while created < entries:
        author = rng.choice(authors)
        if written[author.id] >= contest.max_entries_per_entrant:
            continue
        written[author.id] += 1
        created += 1
        # Most essays are about someone elsewhere in the province, the rest about the
        # author's own commune, district or body.
        about = rng.choice(districts) if rng.random() < 0.7 else author.unit
        batch.append(_demo_essay(rng, author, about, contest_year(contest), now))
        if len(batch) == ESSAY_BATCH or created == entries:
            _save_demo_entries(session, files, contest, batch)
            batch = []
    _late_changes(session, contest, organisers)
    if STAGES.index(through) >= STAGES.index("forwarded"):
        forward_demo_rounds(session, rng, contest, organisers, now)
    session.flush()
    return contest, accounts


@dataclass
class DemoEssay:
    """One demo entry before it is saved: drawn first, so that a batch of them goes through
    pandoc in one run."""

    author: User
    title: str
    subject: Subject
    essay: ExtractedEssay
    written_at: datetime
    submit: bool


def _demo_essay(
    rng: random.Random, author: User, about: Unit, year: int, now: datetime
) -> DemoEssay:
    """An essay about a subject of `about`, written within the contest's window."""
    subject = draw_subject(rng, about)
    title, body = demo_text.essay(
        rng, subject.name, subject.place.local, subject.theme, rng.randint(560, 1700), year=year
    )
    if rng.random() < 0.12:
        # As on paper, some authors sign their essay: the leak scan must catch it.
        body += f"\n\n{author.full_name}"
    return DemoEssay(
        author=author,
        title=title,
        subject=Subject(subject.name, subject.place.address, subject.kind, subject.category),
        essay=extract_typed(body),
        written_at=now - timedelta(days=rng.randint(1, 50)),
        submit=rng.random() > 0.06,
    )


def _save_demo_entries(
    session: Session, files: FileStore, contest: Contest, batch: list[DemoEssay]
) -> None:
    """Save drawn entries in order, their HTML made by one pandoc run for the whole batch."""
    htmls = markdowns_to_html([drawn.essay.markdown for drawn in batch])
    for drawn, html in zip(batch, htmls, strict=True):
        drawn.essay.html = html
        create_entry(
            session,
            files=files,
            contest=contest,
            author=drawn.author,
            author_unit=drawn.author.unit,
            title=drawn.title,
            subject=drawn.subject,
            essay=drawn.essay,
            original=None,
            declarations_accepted=True,
            now=drawn.written_at,
            submit=drawn.submit,
        )


def _create_profiles(session, files, rng, contest, rounds, organisers) -> None:
    """Each round nominates a few exemplars of its own, each about someone else; their
    commendations and achievements are of the year before the contest."""
    year = contest_year(contest) - 1
    taken: set[str] = set()
    for code, round_ in rounds.items():
        if code == "SL" or round_.unit.kind == "department" and rng.random() < 0.5:
            continue
        for _ in range(rng.randint(1, 3)):
            drawn = draw_new_subject(rng, round_.unit, taken)
            create_profile(
                session,
                files=files,
                contest=contest,
                round_=round_,
                actor=organisers[code],
                name=drawn.name,
                kind=drawn.kind,
                category=drawn.category,
                address=drawn.place.address,
                position=drawn.position,
                achievements=demo_text.achievements(
                    rng, drawn.name, drawn.place.local, drawn.theme, year
                ),
                commendations=f"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm {year}",
            )


def _late_changes(session, contest, organisers) -> None:
    """A withdrawal and a disqualification, so the demo shows every state."""
    submitted = session.scalars(
        select(Entry)
        .where(Entry.contest_id == contest.id, Entry.state == EntryState.SUBMITTED)
        .order_by(Entry.id)
    ).all()
    if len(submitted) > 4:
        withdraw_entry(
            session, submitted[0], submitted[0].author, "Tác giả muốn chỉnh sửa thêm, xin rút bài."
        )
        victim = submitted[1]
        disqualify_entry(
            session,
            victim,
            organisers[victim.round.unit.code],
            "Bài viết đã đăng trên mạng xã hội trước khi gửi dự thi.",
        )


def forward_demo_rounds(
    session: Session,
    rng: random.Random,
    contest: Contest,
    organisers: dict[str, User],
    now: datetime,
) -> None:
    """Communes first, then districts and departments; two rounds stay open for live use and
    those judged at the unit wait for their judging."""
    ordered = sorted(
        (
            r
            for r in contest.rounds
            if r.parent_id is not None and r.unit.code not in (*KEPT_OPEN, *JUDGED_AT_UNIT)
        ),
        key=lambda r: 0 if r.unit.kind == "commune" else 1,
    )
    for round_ in ordered:
        organiser = organisers[round_.unit.code]
        pending = pending_entries(session, round_)
        for entry in rng.sample(pending, min(len(pending), round_.quota)):
            mark_entry(session, round_, entry, True)
        for profile in pending_profiles(session, round_)[: round_.profile_quota]:
            mark_profile(session, round_, profile, True)
        forward_round(session, round_, organiser, now)


def forward_kept_open_rounds(session: Session, contest: Contest, now: datetime, seed: int) -> None:
    """The rounds the demo kept open send their choice up, as they would before the province
    opens judging (which it cannot do while they hold entries)."""
    rng = random.Random(seed)
    for round_ in contest.rounds:
        if round_.closed_at is None and round_.unit.code in KEPT_OPEN:
            organiser = session.scalar(
                select(User).where(User.role == Role.UNIT_ORGANISER, User.unit_id == round_.unit_id)
            )
            pending = pending_entries(session, round_)
            for entry in rng.sample(pending, min(len(pending), round_.quota)):
                mark_entry(session, round_, entry, True)
            forward_round(session, round_, organiser, now)


def account_lines(session: Session) -> list[tuple[User, str]]:
    """`(account, password)` of every demo account of the board and the jury, and of the
    first two entrants."""
    staff = session.scalars(
        select(User).where(User.email.like(f"%{STAFF_DOMAIN}")).order_by(User.id)
    ).all()
    entrants = session.scalars(
        select(User)
        .where(User.role == Role.ENTRANT, User.email.like("tacgia%@example.com"))
        .order_by(User.id)
        .limit(2)
    ).all()
    return [(user, DEMO_PASSWORD) for user in [*staff, *entrants]]
