"""Dates and weeks as the policy counts them: one home for every app (keywork.md "Dates and
intervals").

- Policy dates are calendar dates in Europe/London (settings.TIME_ZONE), never the server's
  UTC date: just after midnight in summer the two differ.
- A week is an ISO week, Monday to Sunday, named by its Monday.
- Custody spells, staff in post and allocations are half-open ranges ``[start, end)``: the end
  day is not covered, and an empty end means still running. ``covering`` is that rule as a
  queryset filter (``covers`` for a row in hand); the named predicates below apply it to each
  model's columns.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

WEEK = dt.timedelta(days=7)


def today() -> dt.date:
    """Today in Europe/London."""
    return timezone.localdate()


def week_start(day: dt.date) -> dt.date:
    """The Monday of day's ISO week."""
    return day - dt.timedelta(days=day.weekday())


def open_weeks(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The Mondays of the previous and the current week (keywork.md "Open weeks"): sessions
    are often logged a few days late, so both stay open to late records and nightly repair."""
    monday = week_start(today or timezone.localdate())
    return monday - WEEK, monday


def covers(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """The half-open range ``[start, end)`` covers `day` (an empty end is open): ``covering``
    for a row in hand."""
    return start <= day and (end is None or day < end)


def covering(day: dt.date, start: str, end: str, prefix: str = "") -> Q:
    """Rows whose half-open range ``[start, end)`` covers `day` (an empty end is open)."""
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
    )


def overlapping(first: dt.date, last: dt.date, start: str, end: str, prefix: str = "") -> Q:
    """Rows whose half-open range ``[start, end)`` covers at least one day of ``[first, last]``."""
    return Q(**{f"{prefix}{start}__lte": last}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": first})
    )


def in_custody_on(day: dt.date, prefix: str = "") -> Q:
    """Custody spells covering `day`: the release day is not a custody day."""
    return covering(day, "reception_date", "release_date", prefix)


def in_post_on(day: dt.date, prefix: str = "") -> Q:
    """Staff in post on `day`: ``[in_post_from, in_post_to)``."""
    return covering(day, "in_post_from", "in_post_to", prefix)


def trained_on(day: dt.date, prefix: str = "") -> Q:
    """Key worker training completed by `day` (``key_worker_trained_on <= day``)."""
    return Q(**{f"{prefix}key_worker_trained_on__lte": day})


def untrained_on(day: dt.date, prefix: str = "") -> Q:
    """Not trained by `day`: no training date, or one still to come."""
    trained_on = f"{prefix}key_worker_trained_on"
    return Q(**{f"{trained_on}__isnull": True}) | Q(**{f"{trained_on}__gt": day})


# English whatever the machine's locale (strftime's %B is not).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """The GOV.UK style for dates in sentences: 3 March 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
