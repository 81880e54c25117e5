"""Who may deliver key work sessions and who may take on a prisoner, as reusable querysets.

The rules (keywork.md "Allocation of key workers", "Sessions: what the form accepts"):
- a **session deliverer** at prison P on date d is a Band 3 member of P's staff, in post on
  d (``[in_post_from, in_post_to)``) and trained by d (``key_worker_trained_on <= d``);
- an **available key worker** is a session deliverer whose status is ``active``;
- an **eligible key worker** is an available key worker whose caseload (allocations at P
  active on d) is below their capacity (their own, else the prison's).

Status has no history, so it is checked against today's value whatever the date.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, FilteredRelation, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from keywork.models import KeyWorkerAllocation
from omic import dates
from omic.models import Band3, Prison, StaffMember, StaffStatus


def allocation_active_q(on: dt.date, prefix: str = "") -> Q:
    """Allocations (not deleted) covering `on`: [start_date, end_date)."""
    return Q(**{f"{prefix}deleted_at__isnull": True}) & dates.covering(on, "start_date", "end_date", prefix)


def allocation_current_or_later_q(on: dt.date, prefix: str = "") -> Q:
    """Allocations (not deleted) that cover `on` or any later day: a prisoner with one has a key
    worker, or will have, so a new open-ended allocation from `on` would overlap it."""
    return Q(**{f"{prefix}deleted_at__isnull": True}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def band3_in_post(prison: Prison, on: dt.date, until: dt.date | None = None) -> QuerySet[StaffMember]:
    """Band 3 staff of `prison` in post on `on`, or, given `until`, on any day from `on` to
    `until` (whatever their role, as the staffing figures count them)."""
    in_post = (
        dates.in_post_on(on) if until is None else dates.overlapping(on, until, "in_post_from", "in_post_to")
    )
    return StaffMember.objects.filter(in_post, prison=prison, band=Band3.KEY_WORKER_BAND)


def session_deliverers(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    """Who may have held a key work session at `prison` on `on`: any trained Band 3 in post
    (cover is normal)."""
    return band3_in_post(prison, on).filter(dates.trained_on(on))


def with_caseload(staff: QuerySet[StaffMember], prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    """Annotate `caseload` (allocations at `prison` active on `on`) and `capacity`."""
    active_here = allocation_active_q(on, "key_worker_allocations__") & Q(
        key_worker_allocations__prison=prison
    )
    # The conditions go in the join (FilteredRelation), not in the count's FILTER, so that the
    # planner reads only this prison's active allocations, by key worker, instead of them all.
    return staff.annotate(
        active_here=FilteredRelation("key_worker_allocations", condition=active_here)
    ).annotate(
        caseload=Count("active_here"),
        capacity=Coalesce(
            "key_worker_capacity", Value(prison.key_worker_capacity), output_field=IntegerField()
        ),
    )


def available_key_workers(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    """Trained Band 3 staff in post and active, whether or not their caseload is full; with caseload
    and capacity annotated."""
    return with_caseload(session_deliverers(prison, on).filter(status=StaffStatus.ACTIVE), prison, on)


def capacity_of(staff: StaffMember, prison: Prison) -> int:
    return staff.key_worker_capacity if staff.key_worker_capacity is not None else prison.key_worker_capacity


def caseload_of(staff: StaffMember, prison: Prison, on: dt.date) -> int:
    return KeyWorkerAllocation.objects.filter(
        allocation_active_q(on), prison=prison, key_worker=staff
    ).count()


def session_deliverer_problems(staff: StaffMember, prison: Prison, on: dt.date) -> list[str]:
    """Why `staff` could not have held a session at `prison` on `on` (empty: they could)."""
    problems = []
    if staff.band != Band3.KEY_WORKER_BAND:
        problems.append(
            f"Key worker {staff.staff_id} is Band {staff.band}: key work sessions are held by "
            "Band 3 officers. Choose a Band 3 key worker."
        )
    if staff.prison_id != prison.pk or not staff.is_in_post_on(on):
        problems.append(
            f"Key worker {staff.staff_id} is not in post at {prison.pk} on {dates.long_date(on)}. "
            "Choose a key worker in post at this prison on that date, or check the date."
        )
    if not staff.is_trained_on(on):
        problems.append(
            f"Key worker {staff.staff_id} had not completed key worker training by {dates.long_date(on)}. "
            "Choose a trained key worker, or record their training date first."
        )
    return problems


def key_worker_problems(staff: StaffMember, prison: Prison, on: dt.date) -> list[str]:
    """Why `staff` may not take on a further prisoner at `prison` from `on` (empty: they may)."""
    problems = session_deliverer_problems(staff, prison, on)
    if staff.status != StaffStatus.ACTIVE:
        problems.append(
            f"Key worker {staff.staff_id} is {staff.get_status_display().lower()}. "
            "Choose an active key worker, or change their status first."
        )
    capacity = capacity_of(staff, prison)
    caseload = caseload_of(staff, prison, on)
    if caseload >= capacity:
        problems.append(
            f"Key worker {staff.staff_id} has a full caseload on {dates.long_date(on)} "
            f"({caseload} of {capacity}). "
            "Choose a key worker with space, or raise their capacity."
        )
    return problems
