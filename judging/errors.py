"""Judging's domain exceptions (messages in Vietnamese, shown as they are)."""

from contest.errors import DomainError


class JudgingClosed(DomainError):
    pass


class LeaksUnresolved(DomainError):
    pass


class ConflictOfInterest(DomainError):
    pass


class ScoreInvalid(DomainError):
    pass


class TiesUndecided(DomainError):
    pass
