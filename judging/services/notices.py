"""What judging tells people by mail (through `contest.platform.mail`, after the commit):
judges hear of new work and of a score unlocked for them, by blind code only, never an
author's name; authors hear their result once it is published, never a judge's name."""

from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from contest.models import Contest, Entry, User
from contest.platform.mail import public_url, queue_mail
from contest.services.notifications import SIGNATURE
from judging.models import Award, Stage


def judges_assigned(session: Session, stage: Stage, new_per_judge: Counter[int]) -> None:
    for judge_id, count in new_per_judge.items():
        judge = session.get(User, judge_id)

        def write(judge: User = judge, count: int = count) -> tuple[str, str]:
            return (
                _("Bạn có %(n)s bài mới cần chấm", n=count),
                _(
                    "Chào %(name)s,\n\nBạn vừa được giao chấm %(n)s bài (%(stage)s, %(contest)s). "
                    "Bài chỉ mang mã số; hãy vào trang chấm:\n\n%(url)s",
                    name=judge.full_name,
                    n=count,
                    stage=stage.name,
                    contest=stage.contest.title,
                    url=public_url("judging.queue", slug=stage.contest.slug),
                )
                + SIGNATURE,
            )

        queue_mail(session, judge, write, contest_id=stage.contest_id)


def score_reopened(session: Session, stage: Stage, judge: User, code: str, reason: str) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Điểm bài %(code)s được mở lại", code=code),
            _(
                "Chào %(name)s,\n\nBan tổ chức đã mở lại điểm bạn chấm cho bài %(code)s "
                "(%(stage)s) để bạn xem và nộp lại. Lý do: %(reason)s\n\n%(url)s",
                name=judge.full_name,
                code=code,
                stage=stage.name,
                reason=reason,
                url=public_url("judging.score_entry", slug=stage.contest.slug, code=code),
            )
            + SIGNATURE,
        )

    queue_mail(session, judge, write, contest_id=stage.contest_id)


def results_published(session: Session, contest: Contest, awards: list[Award]) -> None:
    for award in awards:
        entry = award.entry

        def write(entry: Entry = entry, award: Award = award) -> tuple[str, str]:
            if award.prize_level is not None:
                outcome = _("Bài đạt %(prize)s.", prize=award.prize_level.name)
            else:
                outcome = _("Bài không nằm trong số bài đạt giải.")
            return (
                _("Kết quả cuộc thi: bài «%(title)s»", title=entry.title),
                _(
                    "Chào %(name)s,\n\n%(contest)s đã công bố kết quả. Bài «%(title)s» của bạn "
                    "xếp thứ %(rank)s. %(outcome)s\n\nXem kết quả: %(url)s",
                    name=entry.author.full_name,
                    contest=contest.title,
                    title=entry.title,
                    rank=award.rank,
                    outcome=outcome,
                    url=public_url("contest.show_entry", entry_id=entry.id),
                )
                + SIGNATURE,
            )

        queue_mail(session, entry.author, write, contest_id=contest.id)
