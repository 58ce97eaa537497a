"""The one family of errors a user may read: services raise them, views, CLI commands and
jobs show `str(error)`, already in the user's language. The domain adds its own kinds in
`contest/errors.py`."""


class DomainError(Exception):
    """A rule refused the action; str(error) is the Vietnamese message."""


class IllegalTransition(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class IntakeError(DomainError):
    """A file or text that cannot be accepted; the message is shown to the user as is."""


class PrintError(DomainError):
    """LibreOffice could not print a paper to PDF (missing, too slow, refused)."""


class BackupError(DomainError):
    """A backup could not be made or restored; str(error) is the message for the operator."""
