"""Recompute scheduling (keywork.md "Entitlement and delivery"): which prison-weeks a write or
a loaded file asks to recompute, and how the requests of one transaction (or of a whole
extract load, gathered by omic.followups) merge into the fewest Celery jobs.

Writers call schedule_recompute (a service's write) or schedule_recompute_ranges (a loaded
file) inside their transaction; on commit enqueue_recomputes hands the jobs to keywork.tasks.
A broker outage never fails the write: the nightly reconciliation repairs what was missed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min

from keywork import tasks
from omic import followups
from omic.dates import WEEK, open_weeks, week_start

logger = logging.getLogger(__name__)


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

# A load touching this many prisons is recomputed as one estate-wide job (which can take
# the rebuild path) rather than one job per prison.
ESTATE_WIDE_PRISONS = 10


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
        tasks.recompute_prison_weeks.apply_async(
            args=[prison_id, week_from.isoformat(), week_to.isoformat(), prisoner_ids], retry=False
        )
    except Exception:
        logger.exception(
            "recompute not enqueued: prison %s weeks %s to %s; the nightly reconciliation will repair it",
            prison_id,
            week_from,
            week_to,
        )


def enqueue_reconcile_open_weeks() -> None:
    try:
        tasks.reconcile_open_weeks.apply_async(retry=False)
    except Exception:
        logger.exception("open-week reconciliation not enqueued; the nightly run will do it")


def _enqueue_estate(week_from: dt.date, week_to: dt.date) -> None:
    try:
        tasks.recompute_estate_weeks.apply_async(
            args=[week_from.isoformat(), week_to.isoformat()], retry=False
        )
    except Exception:
        logger.exception(
            "estate recompute not enqueued: weeks %s to %s; run recompute_compliance for them",
            week_from,
            week_to,
        )
