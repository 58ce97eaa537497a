"""The platform's own tables: the audit log, the job queue and the messages sent once. They
name the domain's tables only by their keys, never by importing them."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.platform.db import EnumColumn, created_at, db, intpk, utcnow
from contest.platform.states import State, describe


class JobState(State):
    """Background work (mail, book builds): queued, running on one worker, then done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


describe(
    JobState,
    labels={
        JobState.QUEUED: _l("đang chờ"),
        JobState.RUNNING: _l("đang chạy"),
        JobState.DONE: _l("xong"),
        JobState.FAILED: _l("lỗi"),
    },
    transitions={
        # A failed attempt goes back to the queue while attempts remain, or on a retry.
        JobState.QUEUED: (JobState.RUNNING,),
        JobState.RUNNING: (JobState.DONE, JobState.FAILED, JobState.QUEUED),
        JobState.DONE: (),
        JobState.FAILED: (JobState.QUEUED,),
    },
)


class AuditEvent(db.Model):
    """Every state change and every read of a secret: who, when, what, from → to;
    `contest.platform.audit` writes and reads it. Append-only: database triggers refuse UPDATE and
    DELETE, and each row is chained to the one before it (`contest.platform.audit_chain`)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        # Two writers that read the same last row cannot both append after it: the second
        # fails instead of forking the chain.
        UniqueConstraint("prev_hash"),
    )

    id: Mapped[intpk]
    created_at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contest.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str] = mapped_column(String(40), default="")
    to_state: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    params_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship("User")  # noqa: F821  (the domain's account)


class Job(db.Model):
    """Background work kept in the database, so a restart loses none of it: `contest.platform.jobs`
    runs it after the commit that queued it, retries it, and marks abandoned work failed."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_run_after", "state", "run_after"),)

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[JobState] = mapped_column(EnumColumn(JobState), default=JobState.QUEUED)
    payload_json: Mapped[str] = mapped_column(Text, default="{}")
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contest.id"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # host:pid of the worker running it: start-up recovery checks whether that process lives.
    owner: Mapped[str] = mapped_column(String(120), default="")
    run_after: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def payload(self) -> dict:
        return json.loads(self.payload_json or "{}")


class SentNotice(db.Model):
    """A message that goes once only, however many jobs or commands ask (a deadline reminder):
    its key is taken in the unit of work that queues it (`mail.queue_mail_once`)."""

    __tablename__ = "sent_notice"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[created_at]
