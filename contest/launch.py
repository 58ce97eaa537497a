"""The documents a contest is launched with (the plan, the rules, the form for profiles), as
the province issued them: PDF or Word files anyone may download from the home page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.models import Contest
from contest.platform.db import created_at, db, intpk


class ContestDocument(db.Model):
    __tablename__ = "contest_document"

    id: Mapped[intpk]
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The name it was uploaded under (offered again on download) and where it is kept.
    filename: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[created_at]
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contest: Mapped[Contest] = relationship()

    @property
    def audit_name(self) -> str:
        return self.title
