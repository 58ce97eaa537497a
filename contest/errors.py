"""The contest's own refusals, in the family of `contest.platform.errors.DomainError`."""

from contest.platform.errors import DomainError, InvalidInput


class QuotaExceeded(DomainError):
    pass


class DeadlinePassed(DomainError):
    pass


class EntryLimitReached(DomainError):
    pass


class NotAllowedToEnter(DomainError):
    pass


class EditedElsewhere(DomainError):
    """The form was opened before someone else's save (another tab, another device)."""


class ContestProblems(InvalidInput):
    """A contest file or a draft refused whole: `problems` are every one found, each a
    sentence the organiser can act on."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
