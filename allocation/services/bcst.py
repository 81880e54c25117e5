"""BCST tasks (pom.md "BCST"): created set-wise for new custody episodes, completed by an admin
on behalf of a Band 4+ member of staff.

Our reading of "every new custody episode creates a BCST task":
- A spell is a new custody episode unless one of the same prisoner's spells was released on
  its reception date (that is a transfer, and the screening was done at the first prison).
  A later load that reveals such an earlier spell removes the uncompleted task it made wrong.
- **Backfill cut-off**: only spells received within the last BACKFILL_DAYS (28) days of the
  day the tasks are created get a task. A first national load carries years of spells, and
  a task for a reception years ago is not work anybody can do (the screening happens in the
  first 72 hours, as in HMPPS's "Manage POM cases", which shows BCSTs of recent receptions
  only). A task is created whether or not the spell has ended since; the pages list only
  the tasks of prisoners still in that spell.
- Due 3 days after reception (pom.md); overdue from the day after it is due.
Creation runs inside the loader's transaction for prisoners.csv (allocation.receivers) and on
commit when a spell is saved any other way; every run is idempotent (ON CONFLICT DO NOTHING),
and writes one audit record per prison it gave tasks to."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from allocation.models import Bcst
from omic import audit, dates
from omic.models import CustodySpell, StaffMember, User

DUE_AFTER = dt.timedelta(days=3)
BACKFILL_DAYS = 28
MINIMUM_BAND = 4
BAND_4_REFUSAL = (
    "Completed by must be a member of staff of Band 4 or above: {name} is Band {band}, and the "
    "BCST belongs to the Band 4 job description, so a Band 3 officer cannot complete it"
)

_NEW_EPISODE = """
NOT EXISTS (SELECT 1 FROM {spell} p WHERE p.prisoner_id = s.prisoner_id AND p.release_date = s.reception_date)
"""

_CREATE = """
INSERT INTO {bcst} (spell_id, prison_id, due_on)
SELECT s.id, s.prison_id, s.reception_date + %(due_after)s
FROM {spell} s
WHERE s.reception_date >= %(since)s AND {new_episode} {narrow}
ON CONFLICT (spell_id) DO NOTHING
RETURNING prison_id
"""

# A task made before its spell turned out to be a transfer (the earlier spell loaded later).
_REMOVE_FOR_TRANSFERS = """
DELETE FROM {bcst} b USING {spell} s
WHERE b.spell_id = s.id AND b.completed_on IS NULL AND s.reception_date >= %(since)s
  AND NOT ({new_episode}) {narrow}
RETURNING b.prison_id
"""


def _sql(template: str, narrow: str) -> str:
    tables = {"bcst": Bcst._meta.db_table, "spell": CustodySpell._meta.db_table}
    new_episode = _NEW_EPISODE.format(**tables).strip()
    return template.format(new_episode=new_episode, narrow=narrow, **tables)


def create_bcsts(
    *,
    today: dt.date | None = None,
    spell_ids: Sequence[int] | None = None,
    prisoner_ids: Sequence[str] | None = None,
    by: User | None = None,
) -> int:
    """Create the BCST tasks of new custody episodes received since `today` − BACKFILL_DAYS
    (of the given spells or prisoners, or across the estate); returns how many were created.
    Two statements, whatever the number of spells."""
    today = today or dates.today()
    narrow, params = "", {"since": today - dt.timedelta(days=BACKFILL_DAYS), "due_after": DUE_AFTER.days}
    if spell_ids is not None:
        narrow, params["ids"] = "AND s.id = ANY(%(ids)s)", list(spell_ids)
    elif prisoner_ids is not None:
        narrow, params["ids"] = "AND s.prisoner_id = ANY(%(ids)s::text[])", list(prisoner_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_sql(_REMOVE_FOR_TRANSFERS, narrow), params)
        removed = Counter(prison for (prison,) in cursor.fetchall())
        cursor.execute(_sql(_CREATE, narrow), params)
        created = Counter(prison for (prison,) in cursor.fetchall())
        audit.record_many(
            [
                {
                    "actor": by,
                    "action": "allocation.bcst.create_for_receptions",
                    "prison_id": prison,
                    "object_type": "prison",
                    "object_id": prison,
                    "before": None,
                    "after": {"created": created[prison], "removed_for_transfers": removed[prison]},
                    "reason": "a BCST is due 3 days after each new custody episode (not a transfer)",
                }
                for prison in sorted(created.keys() | removed.keys())
            ]
        )
    return sum(created.values())


def create_bcsts_for_spells(requests: list[int]) -> None:
    """on_commit follow-up for spells saved outside a load (followups gathers their ids)."""
    create_bcsts(spell_ids=sorted(set(requests)))


def record_bcst_completion(
    *, bcst: Bcst, completed_on: dt.date | None, completed_by: StaffMember | None, by: User | None
) -> Bcst:
    """Record that `completed_by` completed the BCST on `completed_on`. Refused (in words,
    by field) for a date in the future or before the reception, a member of staff below
    Band 4 (pom.md), one from another prison, or a task already completed."""
    today = dates.today()
    errors: dict[str, list[str]] = {}
    reception = bcst.spell.reception_date
    if completed_on is None:
        errors["completed_on"] = ["Enter the date the BCST was completed"]
    elif completed_on > today:
        errors["completed_on"] = ["Date completed must be today or in the past"]
    elif completed_on < reception:
        errors["completed_on"] = [
            f"Date completed must be on or after the reception date, {dates.long_date(reception)}"
        ]
    if completed_by is None:
        errors["completed_by"] = ["Select the member of staff who completed the BCST"]
    elif completed_by.prison_id != bcst.prison_id:
        errors["completed_by"] = [f"Completed by must be a member of staff at {bcst.prison.name}"]
    elif completed_by.band < MINIMUM_BAND:
        errors["completed_by"] = [BAND_4_REFUSAL.format(name=completed_by.full_name, band=completed_by.band)]
    with transaction.atomic():
        locked = Bcst.objects.select_for_update().get(pk=bcst.pk)
        if locked.completed_on is not None:
            errors.setdefault("completed_on", []).append(
                f"This BCST was already recorded as completed on {dates.long_date(locked.completed_on)}"
            )
        if errors:
            raise ValidationError(errors)
        locked.completed_on, locked.completed_by = completed_on, completed_by
        locked.recorded_by, locked.recorded_at = by, timezone.now()
        locked.save(update_fields=["completed_on", "completed_by", "recorded_by", "recorded_at"])
        audit.record(
            actor=by,
            action="allocation.bcst.complete",
            prison_id=locked.prison_id,
            object_type="bcst",
            object_id=str(locked.pk),
            before={"completed_on": None, "completed_by": None},
            after={"completed_on": completed_on, "completed_by": completed_by.staff_id},
            reason=f"BCST of {bcst.spell.prisoner_id}",
        )
    return locked
