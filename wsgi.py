"""Entry point for `flask --app wsgi …` and for WSGI servers."""

from contest import create_app

app = create_app()
