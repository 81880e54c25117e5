"""Key worker allocations (keywork.md "Allocation of key workers"): allocate, reallocate and
end a prisoner's allocation, and confirm an auto-allocation proposal (the allocations of
prisoners and key workers who have left end in keywork.services.departures).

As for sessions: validate first (keywork.services.refusals), then write in one transaction
with an audit record and a recompute of the touched prison-weeks on commit. Dates are
half-open: an allocation holds [start_date, end_date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from keywork import eligibility, recompute
from keywork.auto_allocation import Proposal
from keywork.models import KeyWorkerAllocation, Source
from keywork.selectors import caseloads
from keywork.services import refusals
from omic import audit, dates
from omic.dates import long_date
from omic.models import Prison, Prisoner, StaffMember, User

SAME_DAY_REPLACEMENT = "replaced the same day"


def _days_through(first: dt.date, last: dt.date) -> list[dt.date]:
    """A day in every week from `first`'s to `last`'s: an allocation change alters the key worker
    of each of those weeks (an earlier last day means just `first`'s week)."""
    weeks = max(0, (last - first).days) // 7
    return [first + dt.timedelta(days=7 * i) for i in range(weeks + 1)] + ([last] if last >= first else [])


_allocation_snapshot = audit.snapshot_of(
    "prisoner",
    "prison",
    "key_worker",
    "start_date",
    "end_date",
    "source",
    "reason",
    "end_reason",
    "deleted_at",
    "deleted_reason",
)
_record_allocation_change = partial(
    audit.record_write, object_type="key_worker_allocation", snapshot=_allocation_snapshot
)


def _end_or_delete(
    allocation: KeyWorkerAllocation, *, on: dt.date, end_reason: str, deleted_reason: str
) -> str:
    """End the allocation on `on`, or, when that is the day it started (so it held no day,
    dates being half-open), delete it. Returns the audit action."""
    if on == allocation.start_date:
        allocation.deleted_at = timezone.now()
        allocation.deleted_reason = deleted_reason
        allocation.save(update_fields=["deleted_at", "deleted_reason"])
        return "keywork.allocation.delete"
    allocation.end_date = on
    allocation.end_reason = end_reason
    allocation.save(update_fields=["end_date", "end_reason"])
    return "keywork.allocation.end"


def allocate_key_worker(
    *,
    allocated_by: User | None,
    prisoner: Prisoner,
    prison: Prison,
    key_worker: StaffMember,
    start_date: dt.date,
    reason: str = "",
    shown_at: dt.datetime | None = None,
) -> KeyWorkerAllocation:
    """Make `key_worker` the prisoner's key worker at `prison` from `start_date`, open-ended.

    A current allocation is ended the day the new one starts (half-open, so no day has two key
    workers); one that started that same day is deleted instead, as replaced the same day.
    With `shown_at` (when the admin's page was shown), a key worker allocated to the prisoner
    since then, by another admin at the same moment say, refuses this one: the admin decided
    on what they saw, which is no longer so."""
    today = dates.today()
    with transaction.atomic():
        # Serialise writes to this prisoner's allocations, then to this key worker's caseload.
        list(Prisoner.objects.select_for_update().filter(pk=prisoner.pk).values_list("pk", flat=True))
        if shown_at is not None:
            _refuse_if_allocated_since(prisoner, shown_at)
        key_worker = StaffMember.objects.select_for_update().get(pk=key_worker.pk)
        errors: refusals.Errors = {}
        if not refusals.is_date(start_date):
            refusals.add(
                errors, "start_date", "Start date is required: enter the date the allocation starts."
            )
            refusals.raise_if_any(errors)
        refusals.add(errors, "key_worker", *eligibility.key_worker_problems(key_worker, prison, start_date))
        refusals.check_in_custody(errors, "prisoner", prisoner, prison, start_date)
        if len(reason or "") > refusals.REASON_MAX_LENGTH:
            refusals.add(
                errors,
                "reason",
                f"Reason must be {refusals.REASON_MAX_LENGTH} characters or fewer: shorten it.",
            )
        later = KeyWorkerAllocation.objects.filter(
            eligibility.allocation_current_or_later_q(start_date), prisoner=prisoner
        ).select_related("key_worker")
        current = None
        for allocation in later:
            if allocation.end_date is None and allocation.start_date <= start_date:
                current = allocation
            elif allocation.end_date is None:
                refusals.add(
                    errors,
                    "start_date",
                    f"Start date is before the prisoner's current allocation, which started on "
                    f"{long_date(allocation.start_date)}: enter that date or a later one.",
                )
            else:
                refusals.add(
                    errors,
                    "start_date",
                    f"Start date falls within the prisoner's allocation to {allocation.key_worker_id} from "
                    f"{long_date(allocation.start_date)} to {long_date(allocation.end_date)}: enter "
                    f"{long_date(allocation.end_date)} or a later date.",
                )
        if current is not None and current.key_worker_id == key_worker.pk and current.prison_id == prison.pk:
            errors["key_worker"] = [
                f"Key worker {key_worker.staff_id} is already this prisoner's key worker: "
                "choose a different key worker."
            ]
        refusals.raise_if_any(errors)

        first_days: dict[str, dt.date] = {prison.pk: start_date}
        if current is not None:
            before = _allocation_snapshot(current)
            action = _end_or_delete(
                current,
                on=start_date,
                end_reason=f"reallocated to {key_worker.staff_id}",
                deleted_reason=SAME_DAY_REPLACEMENT,
            )
            _record_allocation_change(
                current, actor=allocated_by, action=action, before=before, reason=reason
            )
            first_days[current.prison_id] = min(first_days.get(current.prison_id, start_date), start_date)
        allocation = KeyWorkerAllocation.objects.create(
            prisoner=prisoner,
            prison=prison,
            key_worker=key_worker,
            start_date=start_date,
            source=Source.APP,
            reason=reason or "",
            created_by=allocated_by,
        )
        _record_allocation_change(
            allocation, actor=allocated_by, action="keywork.allocation.create", before=None, reason=reason
        )
        for prison_id, first in first_days.items():
            recompute.schedule_recompute(prison_id=prison_id, days=_days_through(first, today))
    return allocation


def _refuse_if_allocated_since(prisoner: Prisoner, shown_at: dt.datetime) -> None:
    since = (
        KeyWorkerAllocation.objects.filter(prisoner=prisoner, created_at__gt=shown_at)
        .select_related("key_worker", "created_by")
        .order_by("-created_at")
        .first()
    )
    if since is None:
        return
    by = f" by {since.created_by.username}" if since.created_by else ""
    at = timezone.localtime(since.created_at).strftime("%H:%M")
    raise ValidationError(
        {
            "prisoner": [
                f"{prisoner.prison_number} was given {since.key_worker.full_name} ({since.key_worker_id}) "
                f"as key worker at {at}{by}, after this page was shown: nothing was saved. Check the "
                "prisoner's key worker and allocate again if it should still change."
            ]
        }
    )


def deallocate_key_worker(
    *, by: User | None, allocation: KeyWorkerAllocation, end_date: dt.date, reason: str
) -> KeyWorkerAllocation:
    """End a current allocation on `end_date` (the first day without this key worker).

    Ended on the day it started, the allocation never gave the prisoner a day with this key
    worker (dates are half-open): it is deleted, with the reason, as one replaced the same
    day is, rather than refused (an admin undoing a mistaken allocation on the day)."""
    today = dates.today()
    with transaction.atomic():
        current = KeyWorkerAllocation.objects.select_for_update().get(pk=allocation.pk)
        errors: refusals.Errors = {}
        if current.deleted_at is not None:
            refusals.add(
                errors, NON_FIELD_ERRORS, "This allocation has been deleted: there is nothing to end."
            )
        elif current.end_date is not None:
            refusals.add(
                errors, NON_FIELD_ERRORS, f"This allocation already ended on {long_date(current.end_date)}."
            )
        if not refusals.is_date(end_date):
            refusals.add(
                errors, "end_date", "End date is required: enter the first day without this key worker."
            )
        elif end_date < current.start_date:
            refusals.add(
                errors,
                "end_date",
                f"End date must be on or after the allocation's start date, "
                f"{long_date(current.start_date)}: enter a later date.",
            )
        refusals.check_reason(errors, reason, "the allocation is ending")
        refusals.raise_if_any(errors)
        before = _allocation_snapshot(current)
        action = _end_or_delete(current, on=end_date, end_reason=reason, deleted_reason=reason)
        _record_allocation_change(current, actor=by, action=action, before=before, reason=reason)
        recompute.schedule_recompute(prison_id=current.prison_id, days=_days_through(end_date, today))
    allocation.refresh_from_db()
    return current


# The proposal itself is keywork.auto_allocation.propose_allocations.


def confirm_allocations(
    *, prison: Prison, on: dt.date, confirmed_by: User | None, proposals: Iterable[Proposal]
) -> list[KeyWorkerAllocation]:
    """Save the placed proposals as allocations at `prison` from `on`, open-ended, in one
    transaction. Idempotent: a prisoner who by now has a key worker is skipped, so confirming
    twice changes nothing. A proposal that no longer holds (prisoner gone, key worker no longer
    eligible or now full) refuses the whole batch: run auto-allocation again."""
    today = dates.today()
    placed = sorted((p for p in proposals if p.staff_id), key=lambda p: p.prison_number)
    numbers = sorted({p.prison_number for p in placed})
    staff_ids = sorted({p.staff_id for p in placed})
    with transaction.atomic():
        # Lock order as in allocate_key_worker: prisoners, then key workers.
        list(
            Prisoner.objects.select_for_update()
            .filter(pk__in=numbers)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        list(
            StaffMember.objects.select_for_update()
            .filter(pk__in=staff_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        loads = {
            staff_id: [caseload, capacity]
            for staff_id, caseload, capacity in eligibility.available_key_workers(prison, on)
            .filter(pk__in=staff_ids)
            .order_by()
            .values_list("staff_id", "caseload", "capacity")
        }
        has_key_worker = set(
            KeyWorkerAllocation.objects.filter(
                eligibility.allocation_current_or_later_q(on), prisoner_id__in=numbers
            ).values_list("prisoner_id", flat=True)
        )
        in_custody = set(
            caseloads.prisoners_in_custody(prison, on)
            .filter(prisoner_id__in=numbers)
            .values_list("prisoner_id", flat=True)
        )
        problems: list[str] = []
        seen: set[str] = set()
        new: list[KeyWorkerAllocation] = []
        for proposal in placed:
            number, staff_id = proposal.prison_number, proposal.staff_id
            if number in seen:
                problems.append(f"{number}: proposed twice; run auto-allocation again.")
                continue
            seen.add(number)
            if number in has_key_worker:
                continue
            if number not in in_custody:
                problems.append(
                    f"{number}: not in custody at {prison.pk} on {long_date(on)}; run auto-allocation again."
                )
            elif staff_id not in loads:
                problems.append(
                    f"{number}: {staff_id} is not a trained, active Band 3 key worker in post at {prison.pk} "
                    f"on {long_date(on)}; run auto-allocation again."
                )
            elif loads[staff_id][0] >= loads[staff_id][1]:
                problems.append(f"{number}: {staff_id}'s caseload is full; run auto-allocation again.")
            else:
                loads[staff_id][0] += 1
                new.append(
                    KeyWorkerAllocation(
                        prisoner_id=number,
                        prison=prison,
                        key_worker_id=staff_id,
                        start_date=on,
                        source=Source.APP,
                        reason=f"auto-allocation: {proposal.reason}",
                        created_by=confirmed_by,
                    )
                )
        if problems:
            raise ValidationError({"proposals": problems})
        if not new:
            return []
        created = KeyWorkerAllocation.objects.bulk_create(new)
        audit.record(
            actor=confirmed_by,
            action="keywork.allocation.auto_confirm",
            prison_id=prison.pk,
            object_type="prison",
            object_id=prison.pk,
            after={
                "on": on,
                "count": len(created),
                "allocations": [[a.prisoner_id, a.key_worker_id, a.reason] for a in created],
            },
            reason="auto-allocation confirmed",
        )
        recompute.schedule_recompute(prison_id=prison.pk, days=_days_through(on, today))
    return created
