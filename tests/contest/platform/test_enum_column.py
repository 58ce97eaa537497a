"""One column type for every closed vocabulary (issue 22 §5): the enum is the one list, the
column reads members back and writes its own CHECK, so the database refuses what the code
would never write."""

from __future__ import annotations

from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, Column, Integer, MetaData, Table, create_engine, text
from sqlalchemy.exc import IntegrityError, StatementError

from contest.categories import SubjectKind
from contest.lifecycles import Role, UnitKind
from contest.models import Entry, ExemplarProfile, Unit, User
from contest.platform.db import NAMING_CONVENTION, EnumColumn, db
from contest.quotas import ContestLevel
from judging.models import TieDecision
from judging.states import TieChoice


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


def _table() -> Table:
    return Table(
        "paint",
        MetaData(naming_convention=NAMING_CONVENTION),
        Column("id", Integer, primary_key=True),
        Column("colour", EnumColumn(Colour, 10)),
    )


def test_the_column_brings_its_check_and_reads_back_members():
    paint = _table()
    [check] = [c for c in paint.constraints if isinstance(c, CheckConstraint)]
    assert check.name == "ck_paint_colour"
    assert str(check.sqltext) == "colour IN ('red', 'blue')"
    engine = create_engine("sqlite://")
    paint.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(paint.insert(), [{"colour": "red"}, {"colour": Colour.BLUE}])
        read = connection.execute(paint.select().order_by(paint.c.id)).all()
        assert [row.colour for row in read] == [Colour.RED, Colour.BLUE]
        assert all(type(row.colour) is Colour for row in read)
    with pytest.raises(StatementError, match="not a valid Colour"):  # the code refuses it …
        with engine.begin() as connection:
            connection.execute(paint.insert(), {"colour": "green"})
    with pytest.raises(IntegrityError, match="ck_paint_colour"):  # … and so does the database
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO paint (colour) VALUES ('green')"))


@pytest.mark.parametrize(
    ("column", "enum"),
    [
        (User.__table__.c.role, Role),
        (Unit.__table__.c.kind, UnitKind),
        (ContestLevel.__table__.c.unit_kind, UnitKind),
        (Entry.__table__.c.subject_kind, SubjectKind),
        (ExemplarProfile.__table__.c.kind, SubjectKind),
        (TieDecision.__table__.c.decision, TieChoice),
    ],
)
def test_roles_kinds_and_choices_are_enum_columns(column, enum):
    assert isinstance(column.type, EnumColumn) and column.type.enum is enum


def test_no_model_lists_a_vocabulary_by_hand():
    """Every `x IN (…)` CHECK of the schema is one an EnumColumn wrote, and each EnumColumn
    has exactly one."""
    for table in db.metadata.tables.values():
        listed = {
            c.name
            for c in table.constraints
            if isinstance(c, CheckConstraint) and " IN (" in str(c.sqltext)
        }
        enums = {
            f"ck_{table.name}_{c.name}" for c in table.columns if isinstance(c.type, EnumColumn)
        }
        assert listed == enums, table.name
