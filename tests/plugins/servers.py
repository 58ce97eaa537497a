"""Servers besides the database that a test starts: an SMTP inbox (in-process) and a
redis-server (tests/redis_server.py). Tests using Redis are left out of `make check`, as the
browser's are."""

from __future__ import annotations

import pytest


class Inbox:
    """What a real SMTP server (aiosmtpd, on a free loopback port) received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        import email
        import email.policy

        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server():
    """An SMTP server the tests start: mail really leaves the app through smtplib."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server for the job queue's tests (see tests/redis_server.py)."""
    from tests.redis_server import Server

    server = Server(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The server's address, its data emptied for each test."""
    from redis import Redis

    Redis.from_url(redis_server.url).flushall()
    return redis_server.url


@pytest.fixture
def mail_on(app, smtp_server):
    """Mail on, sent by jobs that run as soon as their transaction commits."""
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        JOBS_RUNNER="inline",
        PUBLIC_URL="https://thi.example.vn",
    )
    return smtp_server
