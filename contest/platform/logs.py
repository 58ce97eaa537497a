"""Logging set up once per process: one line per event, each carrying the id of the request it
belongs to (taken from a proxy's X-Request-Id when sane, else made here, and sent back in the
response), so a user's "Lỗi hệ thống" can be found in the log; job events log their job id."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A mailed password link's token, as it appears in a request line.
_PASSWORD_TOKEN = re.compile(r"(/password/(?:password-reset|invitation)/)[^\s/?\"]+")
# The servers' access logs: Werkzeug's (flask run) and gunicorn's (make serve).
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class TokenMaskFilter(logging.Filter):
    """An access log line keeps the request but not a password link's token: whoever reads
    the log cannot set anyone's password."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _PASSWORD_TOKEN.sub(r"\1…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _configure_once(level: str) -> None:
    root = logging.getLogger()
    if any(
        isinstance(h, logging.StreamHandler) and h.get_name() == "guongsang" for h in root.handlers
    ):
        return
    handler = logging.StreamHandler()
    handler.set_name("guongsang")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in ACCESS_LOGGERS:
        logging.getLogger(name).addFilter(TokenMaskFilter())


def _assign_request_id() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex[:16]


def _return_request_id(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    return response


def init_app(app: Flask) -> None:
    _configure_once(app.config["LOG_LEVEL"])
    app.before_request(_assign_request_id)
    app.after_request(_return_request_id)
