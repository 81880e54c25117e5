"""Celery tasks for POM case management. Thin: they take dates and ids and call
allocation.services; safe to run twice or at once (the recalculation takes a lock)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from allocation import services

logger = logging.getLogger(__name__)

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}

# Past this many prisoners a request recalculates everyone: one estate-wide read is cheaper
# than a long id list through the broker.
EVERYONE_FROM = 5_000


@shared_task(**_RETRY)
def recalculate_handovers(today: str | None = None, prisoner_ids: list[str] | None = None):
    """Nightly (every prisoner), or after a change (the prisoners it touched)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    result = services.recalculate_handovers(today=day, prisoner_ids=prisoner_ids)
    return {"prisoners": result.prisoners, "written": result.written, "removed": result.removed}


def enqueue_recalculations(requests: list[tuple[str, ...] | None]) -> None:
    """One job for the requests of a transaction (or of a whole extract load). A broker
    outage must not fail the write that committed: it is logged, and the nightly run repairs it."""
    if any(r is None for r in requests):
        prisoner_ids = None
    else:
        prisoner_ids = sorted({p for r in requests for p in r})
        if not prisoner_ids:
            return
        if len(prisoner_ids) >= EVERYONE_FROM:
            prisoner_ids = None
    try:
        recalculate_handovers.apply_async(kwargs={"prisoner_ids": prisoner_ids}, retry=False)
    except Exception:
        logger.exception("handover recalculation not enqueued; the nightly run will repair it")


@shared_task(**_RETRY)
def end_pom_allocations_for_departures(today: str | None = None):
    """Nightly: POM allocations of prisoners released or transferred end (pom.md)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return {"ended": services.end_pom_allocations_for_departures(on=day)}
