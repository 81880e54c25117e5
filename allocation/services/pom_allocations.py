"""POM allocation (pom.md "POM allocation"; formats.md `/prisoners/<N>/pom/`): an admin of the
prison that holds the prisoner allocates the primary POM and a co-working POM (a different
person), reallocates (the old allocation ends the day the new one starts) and deallocates
with a reason. Each change validates first (ValidationError({field: [message]})), then
writes in one transaction with its audit records.

Where pom.md is silent, what HMPPS's "Manage POM cases" (offender-management-allocation-
manager) does:
- A co-working POM is added to an existing allocation only: no primary, no co-worker
  (its coworking controller starts from the prisoner's allocation, `find_by!`).
- Deallocating the primary POM clears the co-working POM too (its `deallocate_offender`
  empties both), so a co-worker is never left holding a case alone.
- The reason for going against the recommended POM type is asked for the primary POM only
  (its override page comes in the primary allocation journey; co-working asks none).
- A POM who is unavailable or inactive, or not in post, is not offered and is refused.
Our rule: choosing the co-working POM as the primary is refused with what to do, rather
than silently moving them (two people cannot hold both roles at once; the constraints say so).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from allocation import selectors
from allocation.models import REASON_MAX_LENGTH, PomAllocation, PomRole
from omic import audit, dates
from omic.dates import long_date
from omic.models import CustodySpell, Prison, Prisoner, StaffMember, StaffStatus, User

Errors = dict[str, list[str]]

PRIMARY_ENDED = "the primary POM was deallocated"


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


snapshot = audit.snapshot_of(
    "prisoner", "prison", "staff_member", "role", "start_date", "end_date", "reason", "end_reason"
)
_audit = partial(audit.record_write, object_type="pom_allocation", snapshot=snapshot)


def _end(allocation: PomAllocation, *, on: dt.date, reason: str, by: User | None) -> None:
    before = snapshot(allocation)
    allocation.end_date = on
    allocation.end_reason = reason
    allocation.ended_by = by
    allocation.save(update_fields=["end_date", "end_reason", "ended_by"])
    _audit(allocation, actor=by, action="allocation.pom.end", before=before, reason=reason)


def _check_reason_length(errors: Errors, reason: str) -> None:
    if len(reason) > REASON_MAX_LENGTH:
        _add(errors, "reason", f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it.")


def _check_pom(errors: Errors, staff: StaffMember, prison: Prison, on: dt.date) -> None:
    """Who may hold a POM case here: a POM (prison or probation) of band 4 or above at the
    prison, in post and active (pom.md "Who is who")."""
    name = f"POM {staff.full_name} ({staff.staff_id})"
    if staff.prison_id != prison.pk:
        _add(errors, "staff_member", f"{name} is not on the staff of {prison.name}: choose one of its POMs.")
        return
    if selectors.pom_type_of(staff) is None or staff.band < selectors.POM_MIN_BAND:
        _add(
            errors,
            "staff_member",
            f"{name} is not a POM: a POM is a prison or probation POM of band {selectors.POM_MIN_BAND} "
            "or above. Choose a POM from the list.",
        )
    if not staff.is_in_post_on(on):
        _add(errors, "staff_member", f"{name} is not in post on {long_date(on)}: choose a POM in post.")
    elif staff.status != StaffStatus.ACTIVE:
        _add(
            errors,
            "staff_member",
            f"{name} is {staff.get_status_display().lower()}: choose an active POM, "
            "or make them active on their staff record first.",
        )


def holding_spell(prisoner: Prisoner, on: dt.date) -> CustodySpell | None:
    """The spell the prisoner is in on `on` (spells never overlap), with its prison."""
    return (
        CustodySpell.objects.filter(dates.in_custody_on(on), prisoner=prisoner)
        .select_related("prison")
        .first()
    )


def allocate_pom(
    *,
    by: User | None,
    prisoner: Prisoner,
    prison: Prison,
    staff_member: StaffMember,
    role: str,
    reason: str = "",
    on: dt.date | None = None,
) -> PomAllocation:
    """Make `staff_member` the prisoner's `role` POM at `prison` from `on` (default today). A
    POM in that role already is reallocated: their allocation ends the day this one starts.

    For the primary POM, a reason is required when the POM is not of the recommended type
    (allocation.handover.recommended_pom_type, from the prisoner's figures on `on`)."""
    on = on or dates.today()
    reason = (reason or "").strip()
    errors: Errors = {}
    if role not in PomRole.values:
        _add(errors, "role", "Role must be primary or co-working: choose one.")
    _check_reason_length(errors, reason)
    with transaction.atomic():
        # Serialise writes to this prisoner's POMs.
        list(Prisoner.objects.select_for_update().filter(pk=prisoner.pk).values_list("pk", flat=True))
        staff = StaffMember.objects.get(pk=staff_member.pk)
        spell = holding_spell(prisoner, on)
        if spell is None or spell.prison_id != prison.pk:
            _add(
                errors,
                "prisoner",
                f"Prisoner {prisoner.pk} is not in custody at {prison.name} on {long_date(on)}: only "
                "the prison holding a prisoner allocates their POM.",
            )
            raise ValidationError(errors)
        figures = selectors.figures_for(prisoner, on)
        if not figures.in_scope:
            _add(
                errors,
                "prisoner",
                f"Prisoner {prisoner.pk} is not in OMiC scope ({selectors.out_of_scope_words(figures)}): "
                "only a prisoner in scope has a POM.",
            )
        _check_pom(errors, staff, prison, on)
        current = {a.role: a for a in selectors.current_pom_allocations(prisoner)}
        primary, co_worker = current.get(PomRole.PRIMARY), current.get(PomRole.CO_WORKING)
        name = f"POM {staff.full_name} ({staff.staff_id})"
        mine = current.get(role)
        if mine is not None and mine.staff_member_id == staff.pk:
            _add(
                errors,
                "staff_member",
                f"{name} is already this prisoner's {selectors.role_words(role)}: choose another POM.",
            )
        other = co_worker if role == PomRole.PRIMARY else primary
        if other is not None and other.staff_member_id == staff.pk:
            _add(
                errors,
                "staff_member",
                f"{name} is this prisoner's {selectors.role_words(other.role)}: the primary and co-working "
                "POMs are two different people. Choose another POM, or deallocate the "
                f"{selectors.role_words(other.role)} first.",
            )
        if role == PomRole.CO_WORKING and primary is None:
            _add(errors, "role", "Co-working POM needs a primary POM: allocate the primary POM first.")
        recommended = figures.recommended_pom_type
        if (
            role == PomRole.PRIMARY
            and figures.in_scope
            and selectors.pom_type_of(staff) not in (None, recommended)
            and not reason
        ):
            _add(
                errors,
                "reason",
                f"Reason is required: {name} is a {selectors.POM_TYPE_WORDS[selectors.pom_type_of(staff)]}, "
                f"and a {selectors.POM_TYPE_WORDS[recommended]} is recommended for this prisoner. "
                "Say why you are choosing them.",
            )
        if errors:
            raise ValidationError(errors)

        if mine is not None:
            _end(mine, on=on, reason=f"reallocated to {staff.staff_id}", by=by)
        allocation = PomAllocation.objects.create(
            prisoner=prisoner,
            prison=prison,
            staff_member=staff,
            role=role,
            start_date=on,
            reason=reason,
            created_by=by,
        )
        action = "allocation.pom.reallocate" if mine is not None else "allocation.pom.allocate"
        _audit(allocation, actor=by, action=action, reason=reason)
    return allocation


def deallocate_pom(
    *, by: User | None, prisoner: Prisoner, role: str, reason: str, on: dt.date | None = None
) -> list[PomAllocation]:
    """End the prisoner's current `role` POM allocation on `on` (default today), with a reason.
    Ending the primary ends the co-working allocation too. Returns the allocations ended."""
    on = on or dates.today()
    reason = (reason or "").strip()
    errors: Errors = {}
    if role not in PomRole.values:
        _add(errors, "role", "Role must be primary or co-working: choose one.")
    if not reason:
        _add(errors, "reason", "Reason is required: say why the POM is being deallocated.")
    _check_reason_length(errors, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        list(Prisoner.objects.select_for_update().filter(pk=prisoner.pk).values_list("pk", flat=True))
        current = {a.role: a for a in selectors.current_pom_allocations(prisoner)}
        allocation = current.get(role)
        if allocation is None:
            raise ValidationError(
                {
                    "role": [
                        f"{prisoner.pk} has no {selectors.role_words(role)} to deallocate: reload the page."
                    ]
                }
            )
        if on < allocation.start_date:
            raise ValidationError(
                {
                    "role": [
                        f"The allocation started on {long_date(allocation.start_date)}: it cannot end before."
                    ]
                }
            )
        ended = [allocation]
        _end(allocation, on=on, reason=reason, by=by)
        co_worker = current.get(PomRole.CO_WORKING)
        if role == PomRole.PRIMARY and co_worker is not None:
            _end(co_worker, on=max(on, co_worker.start_date), reason=PRIMARY_ENDED, by=by)
            ended.append(co_worker)
    return ended
