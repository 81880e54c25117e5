"""Move every prisoner of a key worker who can no longer do the job (keywork.md "Staff
availability": unavailable, inactive, untrained or left post) to the key workers the
auto-allocation rule proposes, after an admin has reviewed the proposal.

One transaction: the old allocations end today (or, started today, are deleted as replaced the
same day), the new ones start today, one audit record, the touched weeks recomputed on commit.
The proposal is worked out again under lock; if it differs from the one reviewed, nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from keywork import auto_allocation, eligibility, recompute
from keywork.auto_allocation import Proposal
from keywork.models import KeyWorkerAllocation, Source
from keywork.selectors import caseloads
from keywork.services.key_workers import _days_through
from omic import audit, dates
from omic.models import Prison, Prisoner, StaffMember, User

MOVED = "key worker can no longer do the job: caseload moved"


def moving_away_reason(prison: Prison, on: dt.date, staff_id: str) -> str | None:
    """Why `staff_id`'s prisoners at `prison` need a key worker on `on` (a code of
    caseloads.NEEDS_KEY_WORKER_REASONS), or None when they can do the job or hold nobody."""
    return (
        caseloads.prisoners_needing_key_worker(prison, on)
        .filter(key_worker_id=staff_id)
        .values_list("needs_reason", flat=True)
        .first()
    )


def move_caseload(
    *,
    prison: Prison,
    on: dt.date,
    staff_id: str,
    moved_by: User | None,
    proposals: Iterable[Proposal],
) -> list[KeyWorkerAllocation]:
    """Move the prisoners of `staff_id` at `prison` to the key workers of the reviewed `proposals`
    from `on`. Refused whole (ValidationError) when the key worker can do the job after all, or
    when the proposal worked out now is not the one reviewed. Returns the new allocations."""
    reviewed = sorted((p.prison_number, p.staff_id) for p in proposals if p.staff_id)
    with transaction.atomic():
        # Lock order as in allocate_key_worker: prisoners, then key workers.
        current = KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(on), prison=prison, key_worker_id=staff_id
        )
        numbers = sorted(current.values_list("prisoner_id", flat=True))
        list(Prisoner.objects.select_for_update().filter(pk__in=numbers).order_by("pk").values_list("pk"))
        staff_ids = sorted({staff_id, *(s for _, s in reviewed)})
        list(
            StaffMember.objects.select_for_update().filter(pk__in=staff_ids).order_by("pk").values_list("pk")
        )
        why = moving_away_reason(prison, on, staff_id)
        if why is None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"{staff_id} can do the job of key worker today, or has no prisoners here: "
                        "there is nobody to move. Reallocate a prisoner one at a time instead."
                    ]
                }
            )
        proposal = auto_allocation.propose_moves(prison=prison, on=on, staff_id=staff_id)
        placed = [p for p in proposal if p.placed]
        if not reviewed or sorted((p.prison_number, p.staff_id) for p in placed) != reviewed:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        "The proposal has changed since you reviewed it (a caseload or a key worker "
                        "changed): "
                        "nothing was moved. Review the new proposal and confirm it."
                    ]
                }
            )
        moving = {p.prison_number: p for p in placed}
        old = list(current.filter(prisoner_id__in=moving).select_for_update().order_by("prisoner_id"))
        ended = [a.pk for a in old if a.start_date < on]
        deleted = [a.pk for a in old if a.start_date >= on]
        KeyWorkerAllocation.objects.filter(pk__in=ended).update(end_date=on, end_reason=MOVED)
        KeyWorkerAllocation.objects.filter(pk__in=deleted).update(
            deleted_at=timezone.now(), deleted_reason=MOVED
        )
        created = KeyWorkerAllocation.objects.bulk_create(
            KeyWorkerAllocation(
                prisoner_id=number,
                prison=prison,
                key_worker_id=p.staff_id,
                start_date=on,
                source=Source.APP,
                reason=f"moved from {staff_id} by auto-allocation: {p.reason}",
                created_by=moved_by,
            )
            for number, p in sorted(moving.items())
        )
        audit.record(
            actor=moved_by,
            action="keywork.allocation.move_caseload",
            prison_id=prison.pk,
            object_type="staff_member",
            object_id=staff_id,
            before={"on": on, "key_worker": staff_id, "why": why, "prisoners": sorted(moving)},
            after={
                "on": on,
                "ended": sorted(ended),
                "deleted": sorted(deleted),
                "allocations": [[a.prisoner_id, a.key_worker_id, a.reason] for a in created],
            },
            reason=MOVED,
        )
        recompute.schedule_recompute(prison_id=prison.pk, days=_days_through(on, dates.today()))
    return created
