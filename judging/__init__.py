"""Blind multi-judge scoring at the province, built on the contest core."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the judging blueprint and CLI."""
