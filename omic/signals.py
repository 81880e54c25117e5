"""What omic tells the apps it does not import (keywork, allocation) when core records change.

- ``prison_records_changed``: sent inside the writing service's transaction when a prison's
  staffing, benchmarks or settings change, with ``prison_id`` and ``since`` (the first day
  whose weekly figures may differ). keywork recomputes those weeks on commit.
- ``key_work_weeks``: asked by a page that changes staffing, before and after the change:
  ``send(sender=prison, mondays=[...])``; a receiver answers ``{monday: (on, [reasons in
  words])}``. keywork owns the rule; with no app answering, pages say nothing of it.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal

from omic import dates
from omic.models import Prison

prison_records_changed = Signal()
key_work_weeks = Signal()

# This week and the next 8: how far ahead a confirmation looks (the TSF forecast's horizon).
WEEKS_AHEAD = 8

WeekStatus = dict[dt.date, tuple[bool, list[str]]]


def key_work_status(prison: Prison, *, today: dt.date | None = None) -> WeekStatus:
    """Key work on or suspended at the prison, this week and the next WEEKS_AHEAD."""
    monday = dates.week_start(today or dates.today())
    mondays = [monday + i * dates.WEEK for i in range(WEEKS_AHEAD + 1)]
    status: WeekStatus = {}
    for _receiver, answer in key_work_weeks.send(sender=prison, mondays=mondays):
        status.update(answer or {})
    return status


def key_work_changes(before: WeekStatus, after: WeekStatus) -> list[str]:
    """What a change did to key work, in words: the first week it turned on or off."""
    for monday in sorted(after):
        if monday not in before or before[monday][0] == after[monday][0]:
            continue
        on, reasons = after[monday]
        when = dates.long_date(monday)
        if on:
            return [f"Key work is now on from {when}."]
        return [f"Key work is now suspended from {when}: {'; '.join(reasons)}."]
    return []
