"""Key worker allocations end when the prisoner leaves the prison or the key worker leaves
post (keywork.md "Allocation of key workers"): two set-based UPDATEs across the estate, one
audit record per prison, the touched weeks recomputed on commit. Run nightly by keywork's
reconciliation (the POM allocations' counterpart is allocation.services.departures)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple

from django.db import connection, transaction

from keywork import recompute
from keywork.models import KeyWorkerAllocation
from keywork.services.key_workers import _days_through
from omic import audit, dates
from omic.models import CustodySpell, StaffMember, User

PRISONER_LEFT = "prisoner left the prison"
KEY_WORKER_LEFT = "key worker left post"


class DeparturesEnded(NamedTuple):
    prisoner_left: int  # ended on the release (or transfer) date of the prisoner's spell
    key_worker_left: int  # ended on the key worker's in_post_to


# An open allocation ends when the spell it started in has ended, on the release date -- unless
# the key worker left post earlier, which the second statement handles.
_END_FOR_PRISONER_LEFT = """
UPDATE {allocation} AS a
SET end_date = s.release_date, end_reason = %(reason)s
FROM {spell} AS s, {staff} AS k
WHERE a.end_date IS NULL AND a.deleted_at IS NULL
  AND s.prisoner_id = a.prisoner_id AND s.prison_id = a.prison_id
  AND s.reception_date <= a.start_date AND s.release_date > a.start_date
  AND s.release_date <= %(on)s
  AND k.staff_id = a.key_worker_id
  AND (k.in_post_to IS NULL OR k.in_post_to <= a.start_date OR k.in_post_to >= s.release_date)
RETURNING a.id, a.prison_id, a.end_date
"""

_END_FOR_KEY_WORKER_LEFT = """
UPDATE {allocation} AS a
SET end_date = k.in_post_to, end_reason = %(reason)s
FROM {staff} AS k
WHERE a.end_date IS NULL AND a.deleted_at IS NULL
  AND k.staff_id = a.key_worker_id
  AND k.in_post_to <= %(on)s AND k.in_post_to > a.start_date
RETURNING a.id, a.prison_id, a.end_date
"""


def end_allocations_for_departures(*, on: dt.date | None = None, by: User | None = None) -> DeparturesEnded:
    """End, across the estate, every open allocation whose prisoner has left the prison (spell
    released by `on`) or whose key worker has left post (in_post_to by `on`). Two set-based
    UPDATEs; one audit record per prison; the touched weeks are recomputed on commit."""
    on = on or dates.today()
    today = dates.today()
    tables = {
        "allocation": KeyWorkerAllocation._meta.db_table,
        "spell": CustodySpell._meta.db_table,
        "staff": StaffMember._meta.db_table,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_END_FOR_PRISONER_LEFT.format(**tables), {"on": on, "reason": PRISONER_LEFT})
        prisoner_left = cursor.fetchall()
        cursor.execute(_END_FOR_KEY_WORKER_LEFT.format(**tables), {"on": on, "reason": KEY_WORKER_LEFT})
        key_worker_left = cursor.fetchall()
        by_prison: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"on": on, PRISONER_LEFT: 0, KEY_WORKER_LEFT: 0, "allocations": {}}
        )
        for cause, rows in ((PRISONER_LEFT, prisoner_left), (KEY_WORKER_LEFT, key_worker_left)):
            for allocation_id, prison_id, end_date in rows:
                summary = by_prison[prison_id]
                summary[cause] += 1
                summary["allocations"][str(allocation_id)] = end_date
        for prison_id, summary in sorted(by_prison.items()):
            audit.record(
                actor=by,
                action="keywork.allocation.end_for_departures",
                prison_id=prison_id,
                object_type="prison",
                object_id=prison_id,
                before={"allocations": dict.fromkeys(summary["allocations"])},
                after=summary,
                reason="allocations end when the prisoner leaves the prison or the key worker leaves post",
            )
            first = min(summary["allocations"].values())
            recompute.schedule_recompute(prison_id=prison_id, days=_days_through(first, today))
    return DeparturesEnded(prisoner_left=len(prisoner_left), key_worker_left=len(key_worker_left))
