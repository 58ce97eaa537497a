"""Judging's domain exceptions; their messages are lazy translations (shown in the viewer's
language)."""

from contest.platform.errors import DomainError, InvalidInput


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


class StageNotReady(InvalidInput):
    """Something the organiser must fill in first: the rubric, the panel, the prize ladder."""


class AssignmentImpossible(DomainError):
    """No assignment meets the panel's constraints (the solver's reason, translated)."""
