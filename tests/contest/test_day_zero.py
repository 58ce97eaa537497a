"""Day zero, whole: an empty server, a province that is not the demo's, and nothing but the
command line — the first organiser, the registry's tree and a CSV of departments, a contest
from a file exported from the demo, a jury, entries imported in two units and forwarded —
until `judging open` succeeds and a judge sees codes on their queue."""

from __future__ import annotations

import csv
import re
import tomllib

import tomli_w
from sqlalchemy import select

from contest.lifecycles import ContestPhase
from contest.models import Contest, Round, Unit
from contest.platform.db import db
from judging.models import Assignment, BlindCopy
from tests.plugins.apps import copy_schema, make_app
from tests.plugins.web import login

SLUG = "dien-bien-2025"
TITLE = "Cuộc thi viết về gương điển hình tiên tiến tỉnh Điện Biên năm 2025"
PASSWORD = "một-mật-khẩu-đủ-dài-2025"
# Plain words, no name, place or number: the leak scan has nothing to flag.
WORDS = (
    "người cán bộ ấy luôn tận tụy với công việc chung giúp đỡ bà con trong bản làm ăn "
    "chăm chỉ đoàn kết xây dựng cuộc sống mới ấm no hạnh phúc"
).split()


def exported_demo_file(tmp_path_factory, migrated_database) -> dict:
    """`flask contest export` of the demo's contest, run on a server of its own."""
    folder = tmp_path_factory.mktemp("demo-server")
    copy_schema(migrated_database, folder)
    demo_app = make_app(folder)
    out = folder / "son-la.toml"
    with demo_app.app_context():
        cli = demo_app.test_cli_runner()
        assert cli.invoke(args=["demo", "--entries", "4"]).exit_code == 0
        done = cli.invoke(args=["contest", "export", "son-la-2019", "--out", str(out)])
        assert done.exit_code == 0, done.output
        db.session.remove()
        db.engine.dispose()
    return tomllib.loads(out.read_text(encoding="utf-8"))


def ok(runner, *args, stdin=None):
    done = runner.invoke(args=list(args), input=stdin)
    assert done.exit_code == 0, done.output
    return done.output


def essay_file(folder, name: str, seed: int) -> str:
    words = [WORDS[(seed * 7 + i) % len(WORDS)] for i in range(560)]
    text = "\n\n".join(" ".join(words[i : i + 80]) + "." for i in range(0, 560, 80))
    (folder / name).write_text(text, encoding="utf-8")
    return name


def entries_csv(folder, unit: Unit, count: int) -> str:
    path = folder / f"entries-{unit.code}.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["author_name", "author_phone", "author_email", "author_unit", "title",
             "subject_name", "subject_kind", "subject_category", "file"]
        )  # fmt: skip
        for n in range(count):
            writer.writerow(
                [f"Tác giả {unit.code} {n}", f"09{int(unit.code) % 1000:03d}{n:05d}", "",
                 unit.code, f"Bài viết số {n} của {unit.code}", "Một tập thể tiêu biểu",
                 "collective", "1.3", essay_file(folder, f"{unit.code}-{n}.txt", n)]
            )  # fmt: skip
    return str(path)


def test_a_province_runs_its_own_contest_from_the_command_line_alone(
    app, runner, client, tmp_path, tmp_path_factory, migrated_database
):
    data = exported_demo_file(tmp_path_factory, migrated_database)
    data |= {"slug": SLUG, "title": TITLE}
    contest_toml = tmp_path / "dien-bien.toml"
    contest_toml.write_text(tomli_w.dumps(data), encoding="utf-8")

    ok(runner, "users", "create", "btc@dienbien.gov.vn", "--role", "province_organiser",
       "--name", "Ban Thi đua – Khen thưởng tỉnh", "--password-stdin",
       stdin=PASSWORD + "\n")  # fmt: skip
    ok(runner, "units", "load", "--province", "Điện Biên")
    province = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    departments = tmp_path / "departments.csv"
    departments.write_text(
        "code,name,kind,parent_code,organiser_email\n"
        f"SNV,Sở Nội vụ,department,{province.code},tdkt.snv@dienbien.gov.vn\n"
        f"SGD,Sở Giáo dục và Đào tạo,department,{province.code},\n",
        encoding="utf-8",
    )
    ok(runner, "units", "import", str(departments))

    created = ok(runner, "contest", "create", "--file", str(contest_toml))
    assert SLUG in created
    contest = db.session.scalar(select(Contest).where(Contest.slug == SLUG))
    assert contest.phase == ContestPhase.DRAFT and contest.title == TITLE
    kinds = {r.unit.kind for r in contest.rounds}
    assert kinds == {"province", "district", "commune", "department"}
    ok(runner, "contest", "publish", SLUG)

    judges = [f"gk{n}@dienbien.gov.vn" for n in (1, 2, 3)]
    for email in [*judges, "truongban@dienbien.gov.vn"]:
        role = "head_judge" if email.startswith("truongban") else "judge"
        ok(runner, "users", "create", email, "--role", role, "--name", email.split("@")[0],
           "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    ok(runner, "judging", "jury", SLUG, "--add", ",".join(judges),
       "--head", "truongban@dienbien.gov.vn")  # fmt: skip

    districts = sorted(
        (r.unit for r in contest.rounds if r.unit.kind == "district"), key=lambda u: u.code
    )[:2]
    for district in districts:
        ok(runner, "entries", "import", "--contest", SLUG, "--unit", district.code,
           entries_csv(tmp_path, district, 3))  # fmt: skip
        ok(runner, "rounds", "forward", "--contest", SLUG, "--unit", district.code, "--all")

    opened = ok(runner, "judging", "open", SLUG)
    assert "Đã mở" in opened
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).phase == ContestPhase.JUDGING

    login(client, "gk1@dienbien.gov.vn", PASSWORD)
    queue = client.get(f"/judging/{SLUG}/queue").get_data(as_text=True)
    codes = set(db.session.scalars(select(BlindCopy.code)))
    judge_codes = {
        db.session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == a.entry_id))
        for a in db.session.scalars(select(Assignment))
    }
    assert judge_codes and judge_codes <= codes
    assert any(code in queue for code in judge_codes)
    assert "Tác giả" not in queue and not re.search(r"09\d{8}", queue)
    province_round = db.session.scalar(
        select(Round).where(Round.contest_id == contest.id, Round.parent_id.is_(None))
    )
    assert province_round.unit.name == "Tỉnh Điện Biên"
