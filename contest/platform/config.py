"""Configuration in layers: defaults here, then instance/config.py, then GUONGSANG_* variables,
then the test mapping. Nothing is read at import time."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, current_app

from contest.platform import throttle_store

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # A form's text fields together (Werkzeug's default, 500 kB, is a typed essay of about
    # 100,000 words with accents): past it the answer is a bare 413 and the text is lost.
    "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "PANDOC_TIMEOUT_SECONDS": 30,
    # The whole intake of one uploaded essay (LibreOffice, pandoc, its pictures).
    "INTAKE_SECONDS": 60,
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ["vi", "en"],
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "PASSWORD_HASH_METHOD": "scrypt",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # A login lasts its 12 hours from the login; the cookie is not sent again with every
    # response (a late response of a page left behind would put back a cookie just cleared).
    "SESSION_REFRESH_EACH_REQUEST": False,
    "LOG_LEVEL": "INFO",
    # Background jobs on RQ workers (`flask --app wsgi worker`) when set, e.g. redis://host:6379/0;
    # throttling counters are then kept there too, shared by every web process.
    "REDIS_URL": "",
    # Throttling counters: in Redis when there is one (redis://…), else in a SQLite file in the
    # instance folder that every web process of the machine shares (`throttle_store`).
    "RATELIMIT_STORAGE_URI": "",
    "RATELIMIT_HEADERS_ENABLED": True,
    # The public results pages, feed and API, per address (a portal fetching every minute
    # stays far below it; a scraper does not).
    "PUBLIC_RATE_LIMIT": "120 per minute",
    # Mail is off until MAIL_SERVER names an SMTP server.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "Gương Sáng <no-reply@localhost>",
    "MAIL_TIMEOUT_SECONDS": 20,
    # The address people use (behind the proxy), for the links in mails and the feed.
    "PUBLIC_URL": "",
    # Who runs background jobs: "thread" (the embedded runner), "inline" or "manual" (tests).
    "JOBS_RUNNER": "thread",
    # Served over HTTPS (behind a TLS proxy): secure cookies and HSTS.
    "HTTPS": False,
    # Proxies in front whose X-Forwarded-For/-Proto/-Host to trust (throttling counts addresses).
    "PROXY_HOPS": 0,
}


def _secret_key(app: Flask) -> str:
    """Take the secret from the environment; for the local demo, generate one and keep it."""
    path = os.path.join(app.instance_path, "secret_key")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    key = secrets.token_hex(32)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(key)
    os.chmod(path, 0o600)
    return key


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the layers in order and fill in paths that depend on the instance folder."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("GUONGSANG")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    if test_config:
        app.config.update(test_config)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or (
            throttle_store.SCHEME + os.path.join(app.instance_path, "throttle.sqlite")
        )
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Redis (or the file) away: each process counts in memory meanwhile, logins keep
        # answering.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        "sqlite:///" + os.path.join(app.instance_path, "guong-sang.sqlite"),
    )
    app.config.setdefault("STORAGE_DIR", os.path.join(app.instance_path, "storage"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    os.makedirs(app.config["STORAGE_DIR"], exist_ok=True)
    _readable_by_service_only(app)


def _readable_by_service_only(app: Flask) -> None:
    """Names, phone numbers and unpublished essays: files the app makes from now on are the
    service user's alone (umask 077), and so are the database and storage made before."""
    os.umask(0o077)
    os.chmod(app.config["STORAGE_DIR"], 0o700)
    os.chmod(app.instance_path, 0o700)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        database = uri.removeprefix("sqlite:///")
        for path in (database, database + "-wal", database + "-shm"):
            if os.path.exists(path):
                os.chmod(path, 0o600)


def setting(name: str) -> Any:
    """The one seam through which services read the running app's configuration (upload
    limits, password hashing, time limits): models and rules read none. The storage folder is
    not read here: services are handed a `storage.FileStore`."""
    return current_app.config[name]
