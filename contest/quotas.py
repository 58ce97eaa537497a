"""The records quotas are set by and counted on: each level's rules in a contest
(`ContestLevel`) and each item a round sends up (`Forwarding`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.lifecycles import UnitKind
from contest.models import Contest
from contest.platform.db import EnumColumn, created_at, db, intpk


class ContestLevel(db.Model):
    """One kind of unit that takes part: the quotas of its rounds and the date by which they
    forward (an overdue round closes itself: `services.deadlines`)."""

    __tablename__ = "contest_level"
    __table_args__ = (
        UniqueConstraint("contest_id", "unit_kind"),
        CheckConstraint(
            "quota_min >= 0 AND quota_max >= quota_min AND profile_quota >= 0", name="quotas"
        ),
    )

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    unit_kind: Mapped[UnitKind] = mapped_column(EnumColumn(UnitKind))
    quota_min: Mapped[int] = mapped_column(default=0)
    quota_max: Mapped[int] = mapped_column(default=0)
    profile_quota: Mapped[int] = mapped_column(default=0)
    forward_by: Mapped[datetime | None] = mapped_column(DateTime)

    contest: Mapped[Contest] = relationship(back_populates="levels")


class Forwarding(db.Model):
    """One item sent from a round to its parent: the record the quotas are counted on."""

    __tablename__ = "forwarding"
    __table_args__ = (
        CheckConstraint("(entry_id IS NULL) != (profile_id IS NULL)", name="one_item"),
        UniqueConstraint("from_round_id", "entry_id"),
        UniqueConstraint("from_round_id", "profile_id"),
    )

    id: Mapped[intpk]
    from_round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    to_round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("exemplar_profile.id"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[created_at]
