"""Celery tasks for the compliance engine. Thin: they take ids and dates, call
keywork.compliance, and are safe to run twice or at once (the engine locks per prison).

Which weeks and prisons to recompute, and how requests merge into jobs, is
keywork.recompute (which enqueues these)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from keywork import compliance
from omic import dates
from omic.dates import WEEK, open_weeks, week_start

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


@shared_task(**_RETRY)
def recompute_prison_weeks(
    prison_id: str, week_from: str, week_to: str, prisoner_ids: list[str] | None = None
):
    result = compliance.recompute(
        week_from=dt.date.fromisoformat(week_from),
        week_to=dt.date.fromisoformat(week_to),
        prison_ids=[prison_id],
        prisoner_ids=prisoner_ids,
    )
    return {"prison_weeks": result.prison_weeks, "prisoner_weeks": result.prisoner_weeks}


@shared_task(**_RETRY)
def reconcile_open_weeks(today: str | None = None):
    """Nightly: end allocations of departed prisoners and key workers, then recompute the
    open weeks of every prison; and, in the same jobs, whatever the outbox still holds (a
    recompute whose enqueue failed)."""
    # Imported here: keywork.recompute imports this module to enqueue these tasks.
    from keywork import recompute

    result = recompute.sweep_outbox(older_than=dt.timedelta(0), reconcile=True, today=today)
    return {"swept": result}


@shared_task(**_RETRY)
def sweep_recompute_outbox(older_than_seconds: float | None = None):
    """Every few minutes (beat): run the recomputes whose enqueue failed (the broker was down)."""
    from keywork import recompute

    older_than = (
        recompute.SWEEP_MIN_AGE if older_than_seconds is None else dt.timedelta(seconds=older_than_seconds)
    )
    return {"swept": recompute.sweep_outbox(older_than=older_than)}


def reconcile(today: str | None = None):
    """The reconciliation itself (run by the sweep, which reconcile_open_weeks starts)."""
    # Imported here: the service schedules recomputes through keywork.recompute, which
    # imports this module to enqueue these tasks.
    from keywork.services import departures

    day = dt.date.fromisoformat(today) if today else dates.today()
    departures.end_allocations_for_departures(on=day)
    week_from, week_to = open_weeks(day)
    result = compliance.recompute(week_from=week_from, week_to=week_to)
    return {"prison_weeks": result.prison_weeks, "prisoner_weeks": result.prisoner_weeks}


@shared_task(**_RETRY)
def close_out_last_week(today: str | None = None):
    """Monday morning: recompute the week just ended, for every prison."""
    day = dt.date.fromisoformat(today) if today else dates.today()
    last = week_start(day) - WEEK
    result = compliance.recompute(week_from=last, week_to=last)
    return {"prison_weeks": result.prison_weeks, "prisoner_weeks": result.prisoner_weeks}


@shared_task(**_RETRY)
def recompute_estate_weeks(week_from: str, week_to: str):
    result = compliance.recompute(
        week_from=dt.date.fromisoformat(week_from), week_to=dt.date.fromisoformat(week_to)
    )
    return {"prison_weeks": result.prison_weeks, "prisoner_weeks": result.prisoner_weeks}
