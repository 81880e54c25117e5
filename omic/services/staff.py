"""Admins keep staff records current (formats.md `/prisons/<CODE>/staff/<STAFF_ID>/`): band,
FTE, contracted hours, in-post dates, training date, capacity, wing and status.

A change that can move the weekly figures (band, FTE, in-post or training dates) tells the
apps from which day (omic.signals.prison_records_changed), and keywork recomputes those weeks
on commit. Status, capacity and wing have no history and no part in the figures.

Staff availability (keywork.md): an unavailable officer has a reason and, if known, the date
they are expected back; the nightly job makes them active again on that date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from omic import audit, dates
from omic.models import StaffMember, StaffStatus, UnavailableReason, User
from omic.services.refusals import Refusals, only
from omic.signals import prison_records_changed

EDITABLE = (
    "band",
    "fte",
    "contracted_hours",
    "in_post_from",
    "in_post_to",
    "key_worker_trained_on",
    "key_worker_capacity",
    "wing",
    "status",
    "unavailable_reason",
    "expected_back_on",
)
# Fields whose change can move key work status or a week's figures, and so recompute them.
IN_FIGURES = ("band", "fte", "in_post_from", "in_post_to", "key_worker_trained_on")


def snapshot(staff: StaffMember) -> dict[str, Any]:
    values = {field: getattr(staff, field) for field in EDITABLE if field != "wing"}
    values["wing"] = staff.wing.code if staff.wing_id else None
    return values


def _check(staff: StaffMember, new: dict[str, Any], refusals: Refusals) -> None:
    band, fte, hours = new["band"], new["fte"], new["contracted_hours"]
    if band is None or not 2 <= band <= 11:
        refusals.add("band", "Enter a band from 2 to 11.")
    if fte is None or not Decimal("0.01") <= fte <= Decimal("1.00") or fte != round(fte, 2):
        refusals.add("fte", "Enter an FTE from 0.01 to 1.00, to 2 decimal places: 0.50 is half time.")
    if hours is None or not Decimal(0) < hours <= 60 or hours != round(hours, 1):
        refusals.add("contracted_hours", "Enter weekly contracted hours above 0 and up to 60 (39 is usual).")
    if new["in_post_from"] is None:
        refusals.add("in_post_from", "Enter the date they came into post.")
    elif new["in_post_to"] is not None and new["in_post_to"] <= new["in_post_from"]:
        refusals.add(
            "in_post_to",
            "The date they left post must be after they came into post "
            f"({dates.long_date(new['in_post_from'])}).",
        )
    capacity = new["key_worker_capacity"]
    if capacity is not None and not 1 <= capacity <= 50:
        refusals.add(
            "key_worker_capacity",
            "Enter a caseload capacity from 1 to 50, or leave it empty to use the prison's.",
        )
    wing = new["wing"]
    if wing is not None and wing.prison_id != staff.prison_id:
        refusals.add("wing", f"Choose a wing of {staff.prison.name}.")
    if new["status"] not in StaffStatus.values:
        refusals.add("status", "Choose active, unavailable or inactive.")
    if new["status"] == StaffStatus.UNAVAILABLE:
        if new["unavailable_reason"] not in UnavailableReason.values:
            refusals.add("unavailable_reason", "Choose why they are unavailable.")
        back = new["expected_back_on"]
        if back is not None and back <= dates.today():
            refusals.add(
                "expected_back_on", "Their expected return date must be in the future, or leave it empty."
            )


def update_staff(*, staff: StaffMember, by: User, changes: dict[str, Any], reason: str = "") -> StaffMember:
    """Save the changed fields of `staff` (keys of EDITABLE; wing a Wing or None), validated
    together; one audit record with before and after. An officer who is no longer
    unavailable keeps no reason or return date."""
    only(changes, EDITABLE, "not editable")
    refusals = Refusals()
    reason = refusals.check_reason(reason, required=False)
    with transaction.atomic():
        locked = StaffMember.objects.select_for_update(of=("self",)).select_related("prison", "wing")
        staff = locked.get(pk=staff.pk)
        before = snapshot(staff)
        new = {field: getattr(staff, field) for field in EDITABLE} | changes
        if new["status"] != StaffStatus.UNAVAILABLE:
            new["unavailable_reason"], new["expected_back_on"] = "", None
        _check(staff, new, refusals)
        refusals.raise_any()
        for field, value in new.items():
            setattr(staff, field, value)
        staff.save(update_fields=list(EDITABLE))
        after = snapshot(staff)
        changed = {field for field in after if after[field] != before[field]}
        if not changed:
            return staff
        audit.record(
            actor=by,
            action="staff.update",
            prison_id=staff.prison_id,
            object_type="staff_member",
            object_id=staff.pk,
            reason=reason,
            **audit.changed_only(before, after, changed),
        )
        moved = changed & set(IN_FIGURES)
        if moved:
            days = [d for f in moved for d in (before[f], after[f]) if isinstance(d, dt.date)]
            # An FTE or band change counts in every week they were in post.
            since = min([*days, before["in_post_from"], after["in_post_from"]])
            prison_records_changed.send(sender=StaffMember, prison_id=staff.prison_id, since=since)
    return staff


def return_staff_due_back(*, on: dt.date | None = None) -> int:
    """Nightly: make active again every unavailable officer expected back by `on` (audited,
    one record each, written set-wise). Returns how many."""
    on = on or dates.today()
    with transaction.atomic():
        due = list(
            StaffMember.objects.select_for_update()
            .filter(status=StaffStatus.UNAVAILABLE, expected_back_on__lte=on)
            .values("staff_id", "prison_id", "unavailable_reason", "expected_back_on")
        )
        if not due:
            return 0
        StaffMember.objects.filter(staff_id__in=[d["staff_id"] for d in due]).update(
            status=StaffStatus.ACTIVE, unavailable_reason="", expected_back_on=None
        )
        audit.record_many(
            [
                {
                    "actor": None,
                    "action": "staff.returned",
                    "prison_id": d["prison_id"],
                    "object_type": "staff_member",
                    "object_id": d["staff_id"],
                    "before": {
                        "status": "unavailable",
                        "unavailable_reason": d["unavailable_reason"],
                        "expected_back_on": d["expected_back_on"],
                    },
                    "after": {"status": "active"},
                    "reason": "Expected back on this date",
                }
                for d in due
            ]
        )
    return len(due)
