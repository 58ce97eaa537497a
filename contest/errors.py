"""The contest's own refusals, in the family of `contest.platform.errors.DomainError`."""

from contest.platform.errors import DomainError


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
