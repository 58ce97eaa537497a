"""What the anthology refuses, as domain errors the views flash and the CLI prints."""

from __future__ import annotations

from contest.platform.errors import DomainError, InvalidInput


class NotFinalised(DomainError):
    """The results are not published yet: there is no book to make."""


class BuildRunning(DomainError):
    """A build of this contest's book is already queued or running."""


class SettingsIncomplete(InvalidInput):
    """The book's settings lack something a book or a certificate needs."""


class BookBuildError(DomainError):
    """The book could not be written (pandoc failed, a font is missing …)."""
