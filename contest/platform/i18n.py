"""Vietnamese first, English available: the locale comes from the session's choice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_datetime, refresh

babel = Babel()


def select_locale() -> str:
    """The visitor's choice; outside a request (CLI, background jobs) the default, Vietnamese."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else "vi"


def format_date(value: datetime | None, with_time: bool = False) -> str:
    """dd/mm/yyyy in the province's time zone, whatever the interface language."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm" if with_time else "dd/MM/yyyy")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def day_start_utc(day: date) -> datetime:
    """00:00 of a day in the province, as the naive UTC the database stores."""
    local = datetime.combine(day, time.min, tzinfo=_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def day_end_utc(day: date) -> datetime:
    """23:59:59 of a day in the province, as naive UTC: a deadline includes its whole day."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def local_day(value: datetime) -> date:
    """The province's calendar day of a stored (naive UTC) moment."""
    return value.replace(tzinfo=UTC).astimezone(_zone()).date()


def init_app(app: Flask, translation_dirs: Sequence[str]) -> None:
    """Each package keeps its own catalogue; the composition root hands over all of them."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=";".join(translation_dirs),
    )
    # The locale is cached on the app context; a context shared by several requests (the test
    # client's, a CLI's) must pick the language again for each one.
    app.before_request(refresh)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = lambda v: format_date(v, with_time=True)

    @app.context_processor
    def inject_locale() -> dict:
        return {"current_lang": select_locale(), "request_path": request.path}
