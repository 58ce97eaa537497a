"""The one transaction boundary: commit once on success; on failure nothing stays, files neither."""

from __future__ import annotations

import os

import pytest
from flask import get_flashed_messages

from contest.models import Unit
from contest.platform import storage
from contest.platform.db import db
from contest.platform.errors import InvalidInput
from contest.platform.uow import unit_of_work
from contest.platform.web import user_action


def _unit_codes() -> set[str]:
    return set(db.session.scalars(db.select(Unit.code)))


def test_a_clean_block_commits_once(app):
    with app.app_context():
        with unit_of_work() as uow:
            uow.session.add(Unit(code="UOW1", name="Xã Thử", kind="commune"))
        db.session.close()
        assert "UOW1" in _unit_codes()


def test_a_failing_block_keeps_no_row_and_no_file(app):
    with app.app_context():
        with pytest.raises(InvalidInput), unit_of_work() as uow:
            uow.session.add(Unit(code="UOW2", name="Xã Thử", kind="commune"))
            uow.session.flush()
            store = storage.file_store()
            path = store.write_file(uow.session, "covers/thu.jpg", b"\xff\xd8 not kept")
            folder_key = "uow-folder"
            store.write_entry_files(uow.session, folder_key, ("bai.txt", b"x"), {})
            assert os.path.exists(path) and os.path.isdir(store.entry_dir(folder_key))
            raise InvalidInput("refused")
        assert not os.path.exists(path)
        assert not os.path.exists(store.entry_dir(folder_key))
        db.session.close()
        assert "UOW2" not in _unit_codes()


def test_a_committed_file_stays(app):
    with app.app_context():
        with unit_of_work() as uow:
            path = storage.file_store().write_file(uow.session, "covers/giu.jpg", b"kept")
        with open(path, "rb") as fh:
            assert fh.read() == b"kept"


def test_a_refused_user_action_flashes_its_message_and_rolls_back(app):
    with app.test_request_context("/"):
        with user_action("Đã lưu.") as action:
            action.session.add(Unit(code="UOW3", name="Xã Thử", kind="commune"))
            action.session.flush()
            raise InvalidInput("Cần có tên đơn vị.")
        assert action.ok is False
        assert get_flashed_messages(with_categories=True) == [("error", "Cần có tên đơn vị.")]
        db.session.close()
        assert "UOW3" not in _unit_codes()


def test_an_unexpected_error_is_not_swallowed(app):
    with app.test_request_context("/"):
        with pytest.raises(ZeroDivisionError), user_action("Đã lưu.") as action:
            action.session.add(Unit(code="UOW4", name="Xã Thử", kind="commune"))
            _ = 1 / 0
        db.session.close()
        assert "UOW4" not in _unit_codes()
