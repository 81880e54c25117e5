"""POM allocations end when the prisoner leaves the prison (issue 15 item 4): on release or
transfer the prisoner's active POM allocations there end on the day the spell ended. The
trigger is keywork's for key worker allocations (the nightly reconciliation), and also the
load of prisoners.csv that records the release, so a POM's caseload drops the next time the
page is opened, not the next night. One set-based UPDATE; one audit record per prison."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction

from allocation.models import PomAllocation
from omic import audit, dates
from omic.models import CustodySpell, User

RELEASED, TRANSFERRED = "prisoner released", "prisoner transferred"

# The spell at the allocation's prison that was current when the allocation started; its end
# is a transfer when another spell of the prisoner begins that day, a release otherwise.
_END_FOR_PRISONER_LEFT = """
UPDATE {allocation} AS a
SET end_date = s.release_date,
    end_reason = CASE WHEN EXISTS (
        SELECT 1 FROM {spell} n WHERE n.prisoner_id = s.prisoner_id AND n.reception_date = s.release_date
    ) THEN %(transferred)s ELSE %(released)s END
FROM {spell} AS s
WHERE a.end_date IS NULL
  AND s.prisoner_id = a.prisoner_id AND s.prison_id = a.prison_id
  AND s.reception_date <= a.start_date AND s.release_date > a.start_date
  AND s.release_date <= %(on)s {narrow}
RETURNING a.id, a.prison_id, a.prisoner_id, a.end_date, a.end_reason
"""


def end_pom_allocations_for_departures(
    *, on: dt.date | None = None, prisoner_ids: list[str] | None = None, by: User | None = None
) -> int:
    """End every active POM allocation (of `prisoner_ids`, or across the estate) whose prisoner
    left the allocation's prison by `on`; returns how many ended."""
    on = on or dates.today()
    narrow, params = "", {"on": on, "released": RELEASED, "transferred": TRANSFERRED}
    if prisoner_ids is not None:
        narrow, params["ids"] = "AND a.prisoner_id = ANY(%(ids)s::text[])", list(prisoner_ids)
    sql = _END_FOR_PRISONER_LEFT.format(
        allocation=PomAllocation._meta.db_table, spell=CustodySpell._meta.db_table, narrow=narrow
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        ended = cursor.fetchall()
        by_prison: dict[str, dict[str, str]] = defaultdict(dict)
        why: dict[str, dict[str, int]] = defaultdict(lambda: {RELEASED: 0, TRANSFERRED: 0})
        for allocation_id, prison_id, prisoner_id, end_date, reason in ended:
            by_prison[prison_id][str(allocation_id)] = f"{prisoner_id} {end_date.isoformat()}"
            why[prison_id][reason] += 1
        audit.record_many(
            [
                {
                    "actor": by,
                    "action": "allocation.pom.end_for_departures",
                    "prison_id": prison_id,
                    "object_type": "prison",
                    "object_id": prison_id,
                    "before": {"allocations": dict.fromkeys(allocations)},
                    "after": {"on": on, **why[prison_id], "allocations": allocations},
                    "reason": "POM allocations end when the prisoner is released or transferred",
                }
                for prison_id, allocations in sorted(by_prison.items())
            ]
        )
    return len(ended)


def end_for_prisoners(requests: list[str]) -> None:
    """on_commit follow-up for spells given a release date outside a load."""
    end_pom_allocations_for_departures(prisoner_ids=sorted(set(requests)))
