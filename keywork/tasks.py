"""Celery tasks for the compliance engine. Thin: they take ids and call keywork.compliance."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def schedule_recompute(*, prison_id: str, days: Iterable[dt.date]) -> None:
    """On commit, enqueue a recompute of the prison-weeks containing `days`.

    Call inside the service's transaction. (The engine and the task are filled in by the
    compliance work; services depend only on this signature.)"""
    weeks = sorted({week_start(d) for d in days if d is not None})
    if not weeks:
        return
    transaction.on_commit(lambda: _enqueue(prison_id, weeks))


def _enqueue(prison_id: str, weeks: list[dt.date]) -> None:
    logger.debug("recompute wanted for %s %s", prison_id, weeks)
