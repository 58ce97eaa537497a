"""A judges' copy whose text pandoc cannot give the leak scan (time, memory) waits for an
organiser: no scan is no silent pass (fail closed)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.documents import converter
from contest.documents.converter import markdown_to_html
from contest.platform.db import db
from contest.platform.errors import IntakeError
from contest.platform.storage import file_store
from judging.models import BlindCopy, LeakFlag
from judging.services import blinding


def _refuse(*args, **kwargs):
    raise IntakeError("quá thời gian")


def _read_apart(markdown, picture, links):
    """As for essays whose cleaning changes them (a link, a picture): the rewritten markdown
    is read on its own afterwards."""
    cleaned, outcome, _read = converter.rewrite_and_read(markdown, picture, links)
    return cleaned, outcome, None


@pytest.mark.parametrize("one_reading", [_read_apart, _refuse])
def test_a_copy_whose_text_cannot_be_scanned_waits_for_an_organiser(
    panel, monkeypatch, one_reading
):
    """Whether the one reading gave no text (the cleaning changed the essay) or failed (its
    time limit), the text read apart fails too: the copy waits, flagged."""
    monkeypatch.setattr(blinding, "rewrite_and_read", one_reading)
    monkeypatch.setattr(blinding, "markdown_to_text_and_html", _refuse)
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    flags = db.session.scalars(select(LeakFlag)).all()
    assert sorted(f.kind for f in flags) == ["unscanned"] * len(panel["entries"])
    assert len(blinding.open_flags(db.session, panel["contest"])) == len(panel["entries"])
    # The copies are made all the same, to be read by the organiser who settles the flags.
    copies = db.session.scalars(select(BlindCopy)).all()
    assert len(copies) == len(panel["entries"])
    assert all(c.html == markdown_to_html(c.markdown) != "" for c in copies)
