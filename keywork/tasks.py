"""Celery tasks for the compliance engine. Thin: they take ids and dates, call
keywork.compliance, and are safe to run twice or at once (the engine locks per prison)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import Min

from keywork import compliance
from omic import dates, followups
from omic.dates import WEEK, open_weeks, week_start

logger = logging.getLogger(__name__)


_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


@dataclass(frozen=True)
class Recompute:
    """Weeks to recompute: one prison's (`prison_id`) or every prison's (None).
    prisoner_ids narrows the prisoner rows rewritten; an empty tuple re-aggregates only the
    prison figures."""

    prison_id: str | None
    week_from: dt.date
    week_to: dt.date
    prisoner_ids: tuple[str, ...] | None = None


# Asked for by an estate file: end departed prisoners' allocations, recompute the open weeks.
RECONCILE = "reconcile open weeks"


def schedule_recompute(
    *, prison_id: str, days: Iterable[dt.date], prisoner_ids: Iterable[str] | None = None
) -> None:
    """On commit, enqueue a recompute of the prison-weeks containing `days`.

    Call inside the writing service's transaction. prisoner_ids narrows the prisoner rows
    rewritten (a session write touches one prisoner); an empty list re-aggregates only the
    prison figures (a session that did not happen)."""
    weeks = sorted({week_start(d) for d in days if d is not None})
    if not weeks:
        return
    prisoners = tuple(sorted(set(prisoner_ids))) if prisoner_ids is not None else None
    followups.on_commit(enqueue_recomputes, Recompute(prison_id, weeks[0], weeks[-1], prisoners))


def enqueue_recomputes(requests: list[Recompute | str]) -> None:
    """Enqueue the fewest jobs that cover `requests` (one transaction's, or a whole extract
    load's, gathered by omic.followups): the open-week reconciliation if asked for, one
    estate job for the estate-wide ranges, then one job per prison for the weeks those leave."""
    covered: list[tuple[dt.date, dt.date]] = []
    if RECONCILE in requests:
        enqueue_reconcile_open_weeks()
        covered.append(open_weeks())
    asked = [r for r in requests if isinstance(r, Recompute)]
    estate = [r for r in asked if r.prison_id is None]
    if estate:
        first, last = min(r.week_from for r in estate), max(r.week_to for r in estate)
        if covered and first < covered[0][0]:
            # the reconciliation recomputes the open weeks; this job the weeks before them
            _enqueue_estate(first, min(last, covered[0][0] - WEEK))
        elif not covered or last > covered[0][1]:
            _enqueue_estate(first, last)
        covered.append((first, last))
    by_prison: dict[str, list[Recompute]] = {}
    for r in asked:
        if r.prison_id is not None and not any(f <= r.week_from and r.week_to <= t for f, t in covered):
            by_prison.setdefault(r.prison_id, []).append(r)
    for prison_id, rs in by_prison.items():
        narrowed = all(r.prisoner_ids is not None for r in rs)
        prisoners = sorted({p for r in rs for p in r.prisoner_ids}) if narrowed else None
        _enqueue(prison_id, min(r.week_from for r in rs), max(r.week_to for r in rs), prisoners)


def _enqueue(prison_id: str, week_from: dt.date, week_to: dt.date, prisoner_ids: list[str] | None) -> None:
    """A broker outage must never fail or lose the user's write: the write has committed;
    log the prison-weeks missed, and the nightly reconciliation of the open weeks repairs them."""
    try:
        recompute_prison_weeks.apply_async(
            args=[prison_id, week_from.isoformat(), week_to.isoformat(), prisoner_ids], retry=False
        )
    except Exception:
        logger.exception(
            "recompute not enqueued: prison %s weeks %s to %s; the nightly reconciliation will repair it",
            prison_id,
            week_from,
            week_to,
        )


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
    open weeks of every prison."""
    from keywork import services

    day = dt.date.fromisoformat(today) if today else dates.today()
    services.end_allocations_for_departures(on=day)
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


def enqueue_reconcile_open_weeks() -> None:
    try:
        reconcile_open_weeks.apply_async(retry=False)
    except Exception:
        logger.exception("open-week reconciliation not enqueued; the nightly run will do it")


# A load touching this many prisons is recomputed as one estate-wide job (which can take
# the rebuild path) rather than one job per prison.
ESTATE_WIDE_PRISONS = 10


def schedule_recompute_ranges(ranges: Iterable[tuple[str, dt.date | None, dt.date | None]]) -> None:
    """After a loaded file: recompute, on commit, the weeks it touched that matter now.

    Weeks before a prison's earliest computed week are left alone: they have never been
    computed, and a report computes a never-computed week before showing it. So a first
    national load recomputes only the open weeks, and a reload of history refreshes the
    weeks people have already seen."""
    from keywork.models import PrisonWeek

    wanted = [(p, first, last) for p, first, last in ranges if first is not None and last is not None]
    if not wanted:
        return
    earliest = dict(
        PrisonWeek.objects.filter(prison_id__in={p for p, _, _ in wanted})
        .values_list("prison_id")
        .annotate(first=Min("week_start"))
        .values_list("prison_id", "first")
    )
    open_from, _ = open_weeks()
    clamped = []
    for prison_id, first, last in wanted:
        start = max(week_start(first), min(earliest.get(prison_id, open_from), open_from))
        if week_start(last) >= start:
            clamped.append((prison_id, start, week_start(last)))
    if len(clamped) >= ESTATE_WIDE_PRISONS:
        first = min(c[1] for c in clamped)
        last = max(c[2] for c in clamped)
        followups.on_commit(enqueue_recomputes, Recompute(None, first, last))
        return
    for prison_id, first, last in clamped:
        followups.on_commit(enqueue_recomputes, Recompute(prison_id, first, last))


def _enqueue_estate(week_from: dt.date, week_to: dt.date) -> None:
    try:
        recompute_estate_weeks.apply_async(args=[week_from.isoformat(), week_to.isoformat()], retry=False)
    except Exception:
        logger.exception(
            "estate recompute not enqueued: weeks %s to %s; run recompute_compliance for them",
            week_from,
            week_to,
        )


@shared_task(**_RETRY)
def recompute_estate_weeks(week_from: str, week_to: str):
    result = compliance.recompute(
        week_from=dt.date.fromisoformat(week_from), week_to=dt.date.fromisoformat(week_to)
    )
    return {"prison_weeks": result.prison_weeks, "prisoner_weeks": result.prisoner_weeks}
