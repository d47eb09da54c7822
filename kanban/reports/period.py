"""Report periods: "week", "month", "last-week", "last-month" or "FROM..TO".

Periods are whole local days, half-open ``[start, end)``; weeks start on
Monday. ``FROM..TO`` takes ISO dates and includes both ends, as people say it
("1 to 15 November" means the 15th too).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from kanban.errors import InvalidInput
from kanban.reports.model import Period

PERIOD_HELP = (
    "week, month, last-week, last-month or FROM..TO with ISO dates (2026-11-01..2026-11-15)"
)


def _midnight(day: date, tz: tzinfo | None) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _fmt(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def week_period(day: date, tz: tzinfo | None) -> Period:
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    iso = monday.isocalendar()
    return Period(
        _midnight(monday, tz),
        _midnight(monday + timedelta(days=7), tz),
        f"Week {iso.week} of {iso.year} ({_fmt(monday)} – {_fmt(sunday)})",
    )


def month_period(day: date, tz: tzinfo | None) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(_midnight(first, tz), _midnight(following, tz), f"{first:%B %Y}")


def parse_period(spec: str | None, now: datetime) -> Period:
    """Turn the user's words into a period, in ``now``'s time zone.

    Raises:
        InvalidInput: the words are not a period we know, or FROM is after TO.
    """
    tz = now.tzinfo
    today = now.date()
    text = (spec or "week").strip().lower()
    if text in ("week", "this-week"):
        return week_period(today, tz)
    if text in ("month", "this-month"):
        return month_period(today, tz)
    if text == "last-week":
        return week_period(today - timedelta(days=7), tz)
    if text == "last-month":
        return month_period(today.replace(day=1) - timedelta(days=1), tz)
    if ".." in text:
        left, right = (part.strip() for part in text.split("..", 1))
        try:
            start = date.fromisoformat(left)
            end = date.fromisoformat(right) if right else today
        except ValueError as exc:
            raise InvalidInput(
                f"Period '{spec}' has a date that is not YYYY-MM-DD; use {PERIOD_HELP}."
            ) from exc
        if start > end:
            raise InvalidInput(f"Period '{spec}' starts after it ends; put the earlier date first.")
        return Period(
            _midnight(start, tz),
            _midnight(end + timedelta(days=1), tz),
            f"{_fmt(start)} – {_fmt(end)}",
        )
    raise InvalidInput(f"Unknown period '{spec}'; use {PERIOD_HELP}.")
