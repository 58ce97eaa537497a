"""Verbs of the contest core, one module per concern: accounts, setup, forwarding, entries,
profiles, queries. Each takes the session, may flush, never commits."""
