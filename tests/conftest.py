"""Fixtures: a fresh database per test, its schema from the migrations; factories for data."""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from contest.categories import default_categories
from contest.documents.intake import extract_typed
from contest.lifecycles import ContestPhase
from contest.models import Contest, Round, Unit, User
from contest.platform.db import db, utcnow
from contest.platform.throttle import limiter
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from tests import postgres
from wsgi import create_app

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


pytest_plugins = ["tests.plugins.queries", "tests.plugins.snapshots"]
ON_POSTGRESQL = postgres.wanted()
_server: postgres.Server | None = None


def pytest_configure(config):
    """Apps a test restarts (`make_app` again) and the threads of the race tests leave pooled
    connections to the garbage collector: sqlite3 closes them silently, psycopg warns."""
    if ON_POSTGRESQL:
        config.addinivalue_line(
            "filterwarnings", "ignore:.*was deleted while still open:ResourceWarning"
        )


TESTS = Path(__file__).resolve().parent
# Servers besides the database that a test starts (tests/redis_server.py, an SMTP inbox is
# in-process): such tests are left out of `make check`, as the browser's are.
SERVER_FIXTURES = {"redis_server", "redis_url"}


def pytest_collection_modifyitems(config, items):
    """Tiers by folder, not by hand: everything under tests/browser/ is `browser`, every
    test that starts a Redis server is `redis`. `make check` runs neither."""
    for item in items:
        if TESTS / "browser" in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)
        if SERVER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.redis)


@pytest.fixture(scope="session", autouse=ON_POSTGRESQL)
def postgres_server():
    """The PostgreSQL pass's own server, one per pytest process (see tests/postgres.py)."""
    global _server
    _server = postgres.Server()
    yield _server
    _server.stop()
    _server = None


def database_url(folder) -> str:
    """The database of a test folder: a file in it, or on PostgreSQL a database named after it
    (created empty, as a new server before `db upgrade`)."""
    if not ON_POSTGRESQL:
        return f"sqlite:///{folder / 'test.sqlite'}"
    name = postgres.database_name(folder)
    if not _server.exists(name):
        _server.create(name)
    return _server.url(name)


def copy_schema(schema, folder) -> None:
    """Give the folder a copy of the migrated, empty schema (`migrated_database`)."""
    if ON_POSTGRESQL:
        _server.create(postgres.database_name(folder), template=schema)
    else:
        shutil.copy(schema, folder / "test.sqlite")


def make_app(folder, **extra):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url(folder),
            "STORAGE_DIR": str(folder / "storage"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "JOBS_RUNNER": "manual",
            "RATELIMIT_STORAGE_URI": f"sqlite-file://{folder}/throttle.sqlite",
            **extra,
        }
    )


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """The schema built once by the migrations; each test gets its own copy of the file (on
    PostgreSQL: of the template database)."""
    folder = tmp_path_factory.mktemp("schema")
    app = make_app(folder)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    if ON_POSTGRESQL:
        _server.create(postgres.TEMPLATE, template=postgres.database_name(folder))
        return postgres.TEMPLATE
    return folder / "test.sqlite"


class SharedApp:
    """One app per pytest process, given back to each test as if new: a fresh copy of the
    migrated schema at the same address, an empty file store, no throttle counts, and its
    configuration and extensions as made. Building an app costs a tenth of a second (the URL
    rules) and its first pages compile their templates; a thousand tests paid that each.
    It is made again when another app was made since (the module-level limiter follows the
    newest app, whether made by `make_app` or `create_app`) or when a job-runner thread was
    started on it (the thread would outlive the test)."""

    def __init__(self, folder: Path, schema) -> None:
        self.folder, self.schema = folder, schema
        self.app = make_app(folder)
        self.throttle = limiter.storage
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = dict(self.app.extensions)

    def stale(self) -> bool:
        return limiter.storage is not self.throttle or self.extensions["jobs"].thread is not None

    def reset(self) -> Flask:
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        self.app.extensions.clear()  # registries (the job kinds) as made, not as a test left them
        self.app.extensions.update(
            {k: dict(v) if isinstance(v, dict) else v for k, v in self.extensions.items()}
        )
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
            limiter.reset()
        if ON_POSTGRESQL:
            _server.drop(postgres.database_name(self.folder))
        self._leftovers()
        copy_schema(self.schema, self.folder)
        for stored in self.storage.iterdir():  # the folder itself as made
            if stored.is_dir() and not stored.is_symlink():
                shutil.rmtree(stored)
            else:
                stored.unlink()
        return self.app

    @property
    def storage(self) -> Path:
        return self.folder / "storage"

    def _leftovers(self) -> None:
        for leftover in ("test.sqlite-wal", "test.sqlite-shm"):
            (self.folder / leftover).unlink(missing_ok=True)

    def save_database(self, folder: Path) -> None:
        """A copy of the database as it is (every connection closed) for `restore_database`."""
        if ON_POSTGRESQL:
            name = postgres.database_name(folder)
            _server.drop(name)
            _server.create(name, template=postgres.database_name(self.folder))
        else:
            shutil.copy(self.folder / "test.sqlite", folder / "test.sqlite")

    def restore_database(self, folder: Path) -> None:
        if ON_POSTGRESQL:
            _server.drop(postgres.database_name(self.folder))
            _server.create(postgres.database_name(self.folder), postgres.database_name(folder))
        else:
            self._leftovers()
            shutil.copy(folder / "test.sqlite", self.folder / "test.sqlite")


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory, migrated_database):
    folder = tmp_path_factory.mktemp("app")
    copy_schema(migrated_database, folder)
    return [SharedApp(folder, migrated_database)]


@pytest.fixture
def awarded_demo(runner, reuse) -> None:
    """The demo judged and awarded, as `flask demo --entries 30 --seed 11 --through awarded`
    leaves it (loaded once per process)."""
    reuse("awarded demo", lambda: _load_demo(runner))


def _load_demo(runner) -> None:
    result = runner.invoke(args=["demo", "--entries", "30", "--seed", "11", "--through", "awarded"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def app_folder(app) -> Path:
    """The folder of the test's app: its database (SQLite) and its file store. An app made
    with `make_app(app_folder)` is a restart of the test's."""
    return Path(app.config["STORAGE_DIR"]).parent


@pytest.fixture
def app(shared_app, tmp_path_factory, migrated_database):
    if shared_app[0].stale():
        shared_app[0] = SharedApp(tmp_path_factory.mktemp("app"), migrated_database)
    app = shared_app[0].reset()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """A small province: two districts with one commune each, a department; a contest."""
    province = Unit(code="SL", name="Tỉnh Sơn La", kind="province")
    d1 = Unit(code="MCH", name="Huyện Mộc Châu", kind="district", parent=province)
    d2 = Unit(code="YCH", name="Huyện Yên Châu", kind="district", parent=province)
    c1 = Unit(code="MCH-CSO", name="Xã Chiềng Sơn", kind="commune", parent=d1)
    dep = Unit(code="SGD", name="Sở Giáo dục và Đào tạo", kind="department", parent=province)
    db.session.add_all([province, d1, d2, c1, dep])
    contest = Contest(
        slug="son-la-2019",
        title="Cuộc thi viết 2019",
        opens_at=NOW - timedelta(days=30),
        closes_at=NOW + timedelta(days=30),
        min_words=20,
        max_words=400,
        max_entries_per_entrant=2,
        phase=ContestPhase.SUBMISSION,
    )
    contest.declarations = ["Bài viết về người thật, việc thật."]
    contest.categories = default_categories()
    db.session.add(contest)
    r_prov = Round(contest=contest, unit=province)
    r_d1 = Round(contest=contest, unit=d1, parent=r_prov, quota=2, profile_quota=1)
    r_d2 = Round(contest=contest, unit=d2, parent=r_prov, quota=2, profile_quota=1)
    r_c1 = Round(contest=contest, unit=c1, parent=r_d1, quota=1, profile_quota=1)
    r_dep = Round(contest=contest, unit=dep, parent=r_prov, quota=1, profile_quota=1)
    db.session.add_all([r_prov, r_d1, r_d2, r_c1, r_dep])
    db.session.flush()

    def user(email, role="entrant", unit=None, name=None):
        return create_user(
            db.session,
            full_name=name or email.split("@")[0],
            email=email,
            phone=None,
            password=PASSWORD,
            role=role,
            unit=unit,
        )

    users = {
        "entrant_a": user("a@example.com", unit=c1, name="Quàng Văn Hặc"),
        "entrant_b": user("b@example.com", unit=d2, name="Cầm Thị Xuân"),
        "organiser_d1": user("tdkt.mch@sonla.gov.vn", "unit_organiser", d1),
        "organiser_c1": user("tdkt.cso@sonla.gov.vn", "unit_organiser", c1),
        "organiser_d2": user("tdkt.ych@sonla.gov.vn", "unit_organiser", d2),
        "province": user("btc@sonla.gov.vn", "province_organiser", province),
        "judge": user("gk1@sonla.gov.vn", "judge", dep),
        "head_judge": user("tb@sonla.gov.vn", "head_judge", dep),
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
    return create_user(
        db.session,
        full_name=name or email.split("@")[0],
        email=email,
        phone=None,
        password=PASSWORD,
        unit=world["units"][unit_code],
    )


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
        )
        db.session.commit()
        return entry

    return make


def uploaded_entry(
    contest, author: User, filename: str, data: bytes, *, subject_name: str = "Lò Văn Pánh"
):
    """A submitted entry sent as a file, as the entry form would create it (not committed)."""
    from contest.documents.intake import extract_upload

    return create_entry(
        db.session,
        contest=contest,
        author=author,
        author_unit=author.unit,
        title="Bài gửi bằng tệp",
        subject=Subject(subject_name, "Bản Mòng", "individual", "2.4"),
        essay=extract_upload(filename, data, 10 * 1024 * 1024),
        original=(filename, data),
        declarations_accepted=True,
        now=NOW,
        submit=True,
    )


def login(client, who, password: str = PASSWORD):
    """Log in through the form, by a user object or an e-mail / phone."""
    name = getattr(who, "email", who)
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "login": name,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def docx_bytes(paragraphs: list[str], core_author: str | None = None) -> bytes:
    """A small real .docx made with python-docx."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if core_author:
        document.core_properties.author = core_author
        document.core_properties.last_modified_by = core_author
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Essays as offices write them: runs typed in TCVN3 (".VnTime", capitals in ".VnTimeH") and VNI.
TCVN3_HEADING = "ng\u00adêi tèt viÖc tèt"  # in .VnTimeH: NGƯỜI TỐT VIỆC TỐT
TCVN3_BODY = "T«i tªn lµ Lß ThÞ Hoa, ë b¶n M\u00adêng Chiªn, huyÖn Quúnh Nhai."
VNI_BODY = "Chò Loø Thò Hoa ñaõ vaän ñoäng baø con troàng xoaøi treân ñaát doác."
LEGACY_UNICODE = [
    "NGƯỜI TỐT VIỆC TỐT",
    "Tôi tên là Lò Thị Hoa, ở bản Mường Chiên, huyện Quỳnh Nhai.",
    "Chị Lò Thị Hoa đã vận động bà con trồng xoài trên đất dốc.",
    "Đoạn này gõ bằng Unicode: ꪼꪕ ꪁꪮꪉ ꪀꪱ.",
]
# Each office sample (see `office_samples`) → the paragraphs its converted text must hold.
OFFICE_EXPECTED_TEXT = {
    "docx": LEGACY_UNICODE,
    "doc": LEGACY_UNICODE,
    "rtf": LEGACY_UNICODE,
    "odt": LEGACY_UNICODE,
    "vni.docx": LEGACY_UNICODE[2:3],
    "pdf": LEGACY_UNICODE[1:3],
}


def legacy_docx() -> bytes:
    """A mixed document: a .VnTimeH heading, a .VnTime paragraph, a paragraph whose style is
    VNI-Times, and a Unicode paragraph holding Thai (Tai Viet) words."""
    import docx

    document = docx.Document()
    document.add_paragraph().add_run(TCVN3_HEADING).font.name = ".VnTimeH"
    document.add_paragraph().add_run(TCVN3_BODY).font.name = ".VnTime"
    style = document.styles.add_style("VniBody", 1)
    style.font.name = "VNI-Times"
    document.add_paragraph(VNI_BODY, style="VniBody")
    document.add_paragraph().add_run(LEGACY_UNICODE[3]).font.name = "Times New Roman"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def libreoffice_convert(data: bytes, source_extension: str, target: str) -> bytes:
    """What an office would have saved: LibreOffice turns a test document into .doc, .rtf …"""
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp(prefix="lo-test-")
    try:
        source = os.path.join(folder, "sample" + source_extension)
        with open(source, "wb") as fh:
            fh.write(data)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                os.path.join(folder, "out"),
                source,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        (produced,) = os.listdir(os.path.join(folder, "out"))
        with open(os.path.join(folder, "out", produced), "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def office_samples() -> dict[str, bytes]:
    """The mixed old-font essay saved the ways offices save it, a VNI-only .docx, a text PDF
    (in a font the PDF carries whole) and a scanned one. LibreOffice runs once per session."""
    import docx
    from PIL import Image

    original = legacy_docx()
    printed = docx.Document()
    printed.styles["Normal"].font.name = "DejaVu Serif"
    for text in LEGACY_UNICODE[1:3]:
        printed.add_paragraph(text)
    buffer = io.BytesIO()
    printed.save(buffer)
    vni = docx.Document()
    for _ in range(2):  # enough words for the demo's minimum
        vni.add_paragraph().add_run(VNI_BODY).font.name = "VNI-Times"
    vni_buffer = io.BytesIO()
    vni.save(vni_buffer)
    scan = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(scan, "PDF")
    return {
        "docx": original,
        "doc": libreoffice_convert(original, ".docx", "doc"),
        "rtf": libreoffice_convert(original, ".docx", "rtf"),
        "odt": libreoffice_convert(original, ".docx", "odt"),
        "pdf": libreoffice_convert(buffer.getvalue(), ".docx", "pdf"),
        "vni.docx": vni_buffer.getvalue(),
        "scan.pdf": scan.getvalue(),
    }


class Inbox:
    """What a real SMTP server (aiosmtpd, on a free loopback port) received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        import email
        import email.policy

        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server():
    """An SMTP server the tests start: mail really leaves the app through smtplib."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server for the job queue's tests (see tests/redis_server.py)."""
    from tests.redis_server import Server

    server = Server(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The server's address, its data emptied for each test."""
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture
def mail_on(app, smtp_server):
    """Mail on, sent by jobs that run as soon as their transaction commits."""
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        JOBS_RUNNER="inline",
        PUBLIC_URL="https://thi.example.vn",
    )
    return smtp_server


def run_together(workers) -> list[str]:
    """Start every worker at the same moment; what went wrong, as text (empty when all did
    well). A worker reports a problem by returning it."""
    barrier = threading.Barrier(len(workers))
    problems: list[str] = []

    def run(work):
        try:
            problems.extend(work(barrier.wait))
        except Exception as error:  # a 500 raises in the test client (TESTING)
            problems.append(repr(error))

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # A worker still running would write into the next test's database.
    problems.extend(f"{t.name} still runs after 300 s" for t in threads if t.is_alive())
    return problems
