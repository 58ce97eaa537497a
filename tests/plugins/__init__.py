"""Fixtures as plugins, registered by tests/conftest.py; helpers the tests import from here."""
