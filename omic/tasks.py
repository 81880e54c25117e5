"""Celery tasks for the core records: thin, idempotent, calling omic's services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from omic.services import staff

RETRY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def return_staff_due_back(today: str | None = None) -> dict:
    """Nightly: officers expected back today or earlier are active again (keywork.md "Staff
    availability"). Running it twice finds nobody the second time."""
    returned = staff.return_staff_due_back(on=dt.date.fromisoformat(today) if today else None)
    return {"returned": returned}
