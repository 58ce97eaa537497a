"""Throttling with Flask-Limiter: failed logins per account and per address, registrations and
reset requests per address, essay files per account and per address. Past a limit the answer
is 429 with a Vietnamese page saying how long to wait; the counters live in
RATELIMIT_STORAGE_URI (Redis when there is one, else a SQLite file every web process of the
machine shares: `throttle_store`)."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from contest.platform import throttle_store  # noqa: F401 - registers sqlite-file://

limiter = Limiter(key_func=get_remote_address)

# Counted per account and address (`contest.auth.login_attempt_key`), the wait growing with the
# failures: five, then twenty in a day.
FAILED_LOGINS_PER_ACCOUNT = "5 per 15 minutes;20 per day"
# Failures are counted once answered; a burst of parallel guesses is counted on arrival.
LOGIN_ATTEMPTS_PER_ACCOUNT = "10 per minute"
FAILED_LOGINS_PER_ADDRESS = "30 per 15 minutes"
REGISTRATIONS_PER_ADDRESS = "20 per hour"
RESET_REQUESTS_PER_ADDRESS = "10 per hour"
RESET_REQUESTS_PER_ACCOUNT = "3 per hour"
# Essay files, new or replacing a draft's: each costs seconds of LibreOffice, pandoc and
# picture work (bench/README.md). Typed saves are not counted.
UPLOADS_PER_ACCOUNT = "6 per 10 minutes;40 per day"
UPLOADS_PER_ADDRESS = "60 per hour"


def own_account_key() -> str:
    """The signed-in account, for what only its owner does (changing the password)."""
    from flask_login import current_user

    return f"user:{current_user.get_id().partition('.')[0]}"


def carries_no_file() -> bool:
    upload = request.files.get("file")
    return not (upload and upload.filename)


def throttle_uploads(view):
    """An essay-file route: uploads counted per account and per address, whichever route
    (a new entry or a draft's edit) they come through."""
    per_account = limiter.shared_limit(
        UPLOADS_PER_ACCOUNT,
        scope="essay-upload-account",
        key_func=own_account_key,
        methods=["POST"],
        exempt_when=carries_no_file,
    )
    per_address = limiter.shared_limit(
        UPLOADS_PER_ADDRESS,
        scope="essay-upload-address",
        methods=["POST"],
        exempt_when=carries_no_file,
    )
    return per_address(per_account(view))


def answered_with_form(response) -> bool:
    """A POST answered with the form again failed (a success redirects)."""
    return response.status_code == 200


def too_many(error: RateLimitExceeded):
    reset_at = limiter.current_limit.reset_at if limiter.current_limit else time.time() + 60
    minutes = max(1, math.ceil((reset_at - time.time()) / 60))
    message = _(
        "Bạn đã thử quá nhiều lần. Vì an toàn của tài khoản, hãy thử lại sau %(minutes)s phút.",
        minutes=minutes,
    )
    page = render_template("error.html", title=_("Thử lại sau"), message=message)
    return page, 429, {"Retry-After": str(minutes * 60)}


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    app.register_error_handler(429, too_many)
