"""Blind codes come from the code maker the caller passes (issue 22 §4): the app's draws from
the OS's random source; a test passes a predictable one instead of picking "the first code"."""

from __future__ import annotations

from sqlalchemy import select

from contest.platform.db import db
from contest.platform.storage import file_store
from judging.models import BlindCopy
from judging.rules import blind
from judging.services import blinding


def test_each_entry_gets_the_next_code_the_maker_gives_never_one_taken(panel):
    asked: list[set[str]] = []

    def counting(prefix: str, taken: set[str]) -> str:
        asked.append(set(taken))
        return f"{prefix}-{len(taken) + 1:04d}"

    blinding.prepare_blind_copies(
        db.session, file_store(), panel["contest"], None, new_code=counting
    )
    copies = db.session.scalars(select(BlindCopy).order_by(BlindCopy.code)).all()
    prefix = blind.code_prefix(panel["contest"].slug)
    assert [c.code for c in copies] == [f"{prefix}-{n:04d}" for n in range(1, 7)]
    assert [len(t) for t in asked] == list(range(6))  # each call knows every code given before


def test_the_app_s_codes_are_random_and_read_aloud_safely():
    codes = {blind.new_code("SL19", set()) for _ in range(50)}
    assert len(codes) > 45
    for code in codes:
        prefix, tail = code.split("-")
        assert prefix == "SL19" and len(tail) == 4 and set(tail) <= set(blind.CODE_ALPHABET)
