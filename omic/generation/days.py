"""Calendar days as proleptic ordinals (plain ints): cheap to compare, add and store by the
million, and turned into `YYYY-MM-DD` text only when a row is written."""

from __future__ import annotations

import datetime as dt
from random import Random
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# Weekday weights (Monday first) for rejection sampling: prisons receive mostly on weekdays
# but courts and police also deliver at weekends; releases are almost always Monday–Friday.
RECEPTION_WEEKDAYS = (1.0, 1.0, 1.0, 1.0, 0.9, 0.2, 0.15)
RELEASE_WEEKDAYS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.03, 0.01)
TRANSFER_WEEKDAYS = (0.3, 1.0, 1.0, 1.0, 0.4, 0.0, 0.0)
ANY_WEEKDAY = (1.0,) * 7


def last_sunday_before(today: dt.date) -> dt.date:
    """The Sunday strictly before `today` (a week earlier when today is itself a Sunday)."""
    return today - dt.timedelta(days=today.weekday() + 1)


def today_in_london() -> dt.date:
    return dt.datetime.now(LONDON).date()


def weekday(day: int) -> int:
    """Monday = 0, as `date.weekday()`: ordinal 1 (0001-01-01) was a Monday."""
    return (day - 1) % 7


def monday_of(day: int) -> int:
    return day - weekday(day)


class IsoDates:
    """`YYYY-MM-DD` for an ordinal, memoised: a few thousand distinct days are written
    millions of times."""

    def __init__(self) -> None:
        self._text: dict[int, str] = {}

    def __call__(self, day: int | None) -> str:
        if day is None:
            return ""
        text = self._text.get(day)
        if text is None:
            text = dt.date.fromordinal(day).isoformat()
            self._text[day] = text
        return text


def pick_day(rng: Random, first: int, last: int, weights: tuple[float, ...] = ANY_WEEKDAY) -> int:
    """A day in [first, last] (inclusive), weekdays weighted by `weights` (rejection sampling,
    bounded so that a window of only unlikely days still returns one of them)."""
    if last <= first:
        return first
    span = last - first + 1
    day = first
    for _ in range(12):
        day = first + rng.randrange(span)
        if rng.random() < weights[weekday(day)]:
            return day
    return day


def add_years(day: int, years: float) -> int:
    return day + round(years * 365.25)
