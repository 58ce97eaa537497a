"""Domain exceptions: services raise them, views and CLI turn them into messages."""


class DomainError(Exception):
    """A rule of the contest refused the action; str(error) is the Vietnamese message."""


class QuotaExceeded(DomainError):
    pass


class DeadlinePassed(DomainError):
    pass


class EntryLimitReached(DomainError):
    pass


class NotAllowedToEnter(DomainError):
    pass


class IllegalTransition(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class EditedElsewhere(DomainError):
    """The form was opened before someone else's save (another tab, another device)."""


class IntakeError(ValueError):
    """A file or text that cannot be accepted; the message is shown to the user as is."""


class BackupError(DomainError):
    """A backup could not be made or restored; str(error) is the message for the operator."""
