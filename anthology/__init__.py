"""The anthology: winning essays and exemplar profiles as DOCX and EPUB."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the anthology blueprint and CLI."""
