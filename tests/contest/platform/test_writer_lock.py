"""Writers queue on both databases: a second writer's transaction starts only once the first
has committed, and then reads what it wrote (BEGIN IMMEDIATE on SQLite, the advisory writer
lock on PostgreSQL). Rules that read before they write (quotas, one build at a time) rest on
this; readers never wait."""

from __future__ import annotations

import threading

from sqlalchemy import select

from contest.models import Unit
from contest.platform.db import db
from contest.platform.uow import unit_of_work


def test_a_second_writer_waits_for_the_first_and_reads_its_commit(app):
    db.session.add(Unit(code="X", name="Trước", kind="province"))
    db.session.commit()
    db.session.remove()
    inside, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def first() -> None:
        with app.app_context(), unit_of_work() as uow:
            unit = uow.session.scalars(select(Unit)).one()
            inside.set()
            release.wait(10)
            unit.name = "Sau"

    def second() -> None:
        inside.wait(10)
        with app.app_context(), unit_of_work() as uow:
            seen.append(uow.session.scalars(select(Unit.name)).one())

    def reader() -> None:
        inside.wait(10)
        with app.app_context():
            seen.append("đọc: " + db.session.scalars(select(Unit.name)).one())
            db.session.remove()

    threads = [threading.Thread(target=work) for work in (first, second, reader)]
    for thread in threads:
        thread.start()
    threads[2].join(10)
    assert seen == ["đọc: Trước"]  # the reader did not wait, the second writer did
    release.set()
    for thread in threads[:2]:
        thread.join(20)
    assert seen == ["đọc: Trước", "Sau"]
