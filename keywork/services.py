"""Key work writes: sessions, sessions not held, key worker allocations and auto-allocation.

Every function validates first and raises ValidationError({field: [message]}) whose messages
name the field and the fix; then writes inside one transaction with an audit record (before,
after, reason) and asks for the touched prison-weeks to be recomputed on commit. Nothing is
saved when anything is refused. Field names are the functions' keyword names, so a form
whose fields share them can show each message beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from keywork import eligibility, selectors, tasks
from keywork.auto_allocation import Proposal
from keywork.models import KeyWorkerAllocation, NotHeldReason, Session, SessionKind, SessionNotHeld, Source
from omic import audit, dates
from omic.dates import long_date
from omic.models import CustodySpell, Prison, Prisoner, StaffMember, User

REASON_MAX_LENGTH = 200
CORRECTABLE = frozenset({"prisoner", "key_worker", "date", "minutes", "kind", "notes"})
SAME_DAY_REPLACEMENT = "replaced the same day"
PRISONER_LEFT = "prisoner left the prison"
KEY_WORKER_LEFT = "key worker left post"

Errors = dict[str, list[str]]


def _raise_if_any(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, field: str, *messages: str) -> None:
    if messages:
        errors.setdefault(field, []).extend(messages)


def _days_through(first: dt.date, last: dt.date) -> list[dt.date]:
    """A day in every week from `first`'s to `last`'s: an allocation change alters the key worker
    of each of those weeks (an earlier last day means just `first`'s week)."""
    weeks = max(0, (last - first).days) // 7
    return [first + dt.timedelta(days=7 * i) for i in range(weeks + 1)] + ([last] if last >= first else [])


def _lower_first(label: str) -> str:
    """'Structured interview' -> 'structured interview'; 'ACCT review' stays."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _check_reason(errors: Errors, reason: str, what: str) -> None:
    if not (reason or "").strip():
        _add(errors, "reason", f"Reason is required: say why {what}.")
    elif len(reason) > REASON_MAX_LENGTH:
        _add(errors, "reason", f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it.")


def _check_not_future(errors: Errors, field: str, label: str, day: Any, today: dt.date, what: str) -> bool:
    """True when `day` is a date on or before today (errors added otherwise)."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        _add(errors, field, f"{label} is required: enter the date {what}.")
        return False
    if day > today:
        _add(errors, field, f"{label} cannot be in the future: enter {long_date(today)} or an earlier date.")
        return False
    return True


def _check_in_custody(errors: Errors, field: str, prisoner: Prisoner, prison: Prison, day: dt.date) -> None:
    if selectors.custody_spell_on(prisoner, prison, day) is None:
        _add(
            errors,
            field,
            f"Prisoner {prisoner.pk} is not in custody at {prison.pk} on {long_date(day)}. "
            "Check the date, or choose a prisoner in custody at this prison that day.",
        )


# ---------------------------------------------------------------------------------------------
# Sessions


def _session_errors(
    *,
    prisoner: Prisoner | None,
    prison: Prison,
    key_worker: StaffMember | None,
    date: Any,
    minutes: Any,
    kind: Any,
    today: dt.date,
) -> Errors:
    errors: Errors = {}
    date_given = isinstance(date, dt.date) and not isinstance(date, dt.datetime)
    _check_not_future(errors, "date", "Date", date, today, "the session took place")
    if prisoner is None:
        _add(errors, "prisoner", "Prisoner is required: choose the prisoner the session was with.")
    elif date_given:
        _check_in_custody(errors, "prisoner", prisoner, prison, date)
    if key_worker is None:
        _add(
            errors, "key_worker", "Key worker is required: choose the Band 3 key worker who held the session."
        )
    elif date_given:
        _add(errors, "key_worker", *eligibility.session_deliverer_problems(key_worker, prison, date))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        _add(errors, "minutes", "Duration must be a whole number of minutes: enter a number such as 45.")
    elif minutes < 1:
        _add(
            errors,
            "minutes",
            "Duration must be at least 1 minute: enter how many minutes the session lasted.",
        )
    elif minutes > 240:
        _add(
            errors,
            "minutes",
            "Duration must be 240 minutes or less: enter how many minutes the session lasted.",
        )
    if isinstance(kind, str) and kind.strip().lower() == "bcst":
        _add(
            errors,
            "kind",
            "Kind cannot be BCST: the BCST is Band 4 work and Band 3 key workers must not complete it. "
            "Choose the kind of key work session that was held.",
        )
    elif kind not in SessionKind.values:
        choices = ", ".join(_lower_first(label) for label in SessionKind.labels)
        _add(errors, "kind", f"Kind must be one of: {choices}. Choose one of these.")
    return errors


def _session_snapshot(session: Session) -> dict[str, Any]:
    return {
        "source": session.source,
        "session_id": session.session_id,
        "prisoner": session.prisoner_id,
        "prison": session.prison_id,
        "key_worker": session.key_worker_id,
        "allocated_key_worker": session.allocated_key_worker_id,
        "date": session.date,
        "minutes": session.duration_minutes,
        "kind": session.kind,
        "notes": session.notes,
        "deleted_at": session.deleted_at,
        "deleted_reason": session.deleted_reason,
    }


def _allocated_key_worker_id(prisoner: Prisoner, prison: Prison, day: dt.date) -> str | None:
    allocation = selectors.allocation_on(prisoner, prison, day)
    return allocation.key_worker_id if allocation else None


def record_session(
    *,
    recorded_by: User | None,
    prisoner: Prisoner,
    prison: Prison,
    key_worker: StaffMember,
    date: dt.date,
    minutes: int,
    kind: str,
    notes: str = "",
    today: dt.date | None = None,
) -> Session:
    """Record a key work session that took place. The prisoner's allocated key worker that day
    (if any) is recorded beside the one who held it. Key work may be suspended that week: the
    session is still recorded (see session_week_warning)."""
    today = today or dates.today()
    with transaction.atomic():
        _raise_if_any(
            _session_errors(
                prisoner=prisoner,
                prison=prison,
                key_worker=key_worker,
                date=date,
                minutes=minutes,
                kind=kind,
                today=today,
            )
        )
        session = Session.objects.create(
            source=Source.APP,
            prisoner=prisoner,
            prison=prison,
            key_worker=key_worker,
            allocated_key_worker_id=_allocated_key_worker_id(prisoner, prison, date),
            date=date,
            duration_minutes=minutes,
            kind=kind,
            notes=notes or "",
            recorded_by=recorded_by,
        )
        audit.record(
            actor=recorded_by,
            action="keywork.session.record",
            prison_id=prison.pk,
            object_type="session",
            object_id=session.pk,
            after=_session_snapshot(session),
        )
        tasks.schedule_recompute(prison_id=prison.pk, days=[date], prisoner_ids=[prisoner.pk])
    return session


def session_week_warning(prison: Prison, date: dt.date) -> list[str]:
    """The codes (keywork.status.SUSPENSION_REASONS) why key work is suspended at `prison` in the
    week of `date`; empty when it is on. The session form warns with them."""
    return selectors.suspension_reasons_for_week(prison, date)


def correct_session(
    *, session: Session, corrected_by: User | None, reason: str, today: dt.date | None = None, **changes: Any
) -> Session:
    """Correct a recorded session: `changes` may set prisoner, key_worker, date, minutes, kind, notes.
    The corrected session must pass every rule a new one does."""
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise TypeError(f"correct_session() cannot change {', '.join(sorted(unknown))}")
    today = today or dates.today()
    with transaction.atomic():
        current = (
            Session.objects.select_for_update()
            .select_related("prisoner", "prison", "key_worker")
            .get(pk=session.pk)
        )
        errors: Errors = {}
        if current.deleted_at is not None:
            _add(errors, NON_FIELD_ERRORS, "This session has been deleted: it cannot be corrected.")
        _check_reason(errors, reason, "the session is being corrected")
        old = {
            "prisoner": current.prisoner,
            "key_worker": current.key_worker,
            "date": current.date,
            "minutes": current.duration_minutes,
            "kind": current.kind,
            "notes": current.notes,
        }
        new = {**old, **changes}
        if new == old:
            _add(errors, NON_FIELD_ERRORS, "Nothing to correct: change at least one detail of the session.")
        for field, messages in _session_errors(
            prisoner=new["prisoner"],
            prison=current.prison,
            key_worker=new["key_worker"],
            date=new["date"],
            minutes=new["minutes"],
            kind=new["kind"],
            today=today,
        ).items():
            _add(errors, field, *messages)
        _raise_if_any(errors)

        before = _session_snapshot(current)
        current.prisoner = new["prisoner"]
        current.key_worker = new["key_worker"]
        current.date = new["date"]
        current.duration_minutes = new["minutes"]
        current.kind = new["kind"]
        current.notes = new["notes"] or ""
        current.allocated_key_worker_id = _allocated_key_worker_id(
            current.prisoner, current.prison, current.date
        )
        current.save()
        audit.record(
            actor=corrected_by,
            action="keywork.session.correct",
            prison_id=current.prison_id,
            object_type="session",
            object_id=current.pk,
            before=before,
            after=_session_snapshot(current),
            reason=reason,
        )
        tasks.schedule_recompute(
            prison_id=current.prison_id,
            days=[old["date"], current.date],
            prisoner_ids=[old["prisoner"].pk, current.prisoner_id],
        )
    session.refresh_from_db()
    return current


def delete_session(*, session: Session, deleted_by: User | None, reason: str) -> Session:
    """Delete a session (softly: it is kept with its reason, and a later load cannot bring it back)."""
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        errors: Errors = {}
        if current.deleted_at is not None:
            _add(errors, NON_FIELD_ERRORS, "This session has already been deleted.")
        _check_reason(errors, reason, "the session is being deleted")
        _raise_if_any(errors)
        before = _session_snapshot(current)
        current.deleted_at = timezone.now()
        current.deleted_reason = reason
        current.save(update_fields=["deleted_at", "deleted_reason", "updated_at"])
        audit.record(
            actor=deleted_by,
            action="keywork.session.delete",
            prison_id=current.prison_id,
            object_type="session",
            object_id=current.pk,
            before=before,
            after=_session_snapshot(current),
            reason=reason,
        )
        tasks.schedule_recompute(
            prison_id=current.prison_id, days=[current.date], prisoner_ids=[current.prisoner_id]
        )
    session.refresh_from_db()
    return current


def record_session_not_held(
    *,
    recorded_by: User | None,
    prisoner: Prisoner,
    prison: Prison,
    date: dt.date,
    reason: str,
    key_worker: StaffMember | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> SessionNotHeld:
    """Record that a planned session did not take place, and why. It never counts as delivered."""
    today = today or dates.today()
    with transaction.atomic():
        errors: Errors = {}
        if _check_not_future(errors, "date", "Date", date, today, "the session was planned for"):
            _check_in_custody(errors, "prisoner", prisoner, prison, date)
        if reason not in NotHeldReason.values:
            choices = ", ".join(_lower_first(label) for label in NotHeldReason.labels)
            _add(errors, "reason", f"Reason must be one of: {choices}. Choose one of these.")
        if key_worker is not None and key_worker.prison_id != prison.pk:
            _add(
                errors,
                "key_worker",
                f"Key worker {key_worker.staff_id} is not on the staff of {prison.pk}. "
                "Choose a key worker at this prison, or leave it empty.",
            )
        _raise_if_any(errors)
        not_held = SessionNotHeld.objects.create(
            prisoner=prisoner,
            prison=prison,
            key_worker=key_worker,
            date=date,
            reason=reason,
            notes=notes or "",
            recorded_by=recorded_by,
        )
        audit.record(
            actor=recorded_by,
            action="keywork.session_not_held.record",
            prison_id=prison.pk,
            object_type="session_not_held",
            object_id=not_held.pk,
            after={
                "prisoner": prisoner.pk,
                "prison": prison.pk,
                "key_worker": key_worker.pk if key_worker else None,
                "date": date,
                "reason": reason,
                "notes": not_held.notes,
            },
        )
        tasks.schedule_recompute(prison_id=prison.pk, days=[date], prisoner_ids=[])
    return not_held


# ---------------------------------------------------------------------------------------------
# Allocations


def _allocation_snapshot(allocation: KeyWorkerAllocation) -> dict[str, Any]:
    return {
        "prisoner": allocation.prisoner_id,
        "prison": allocation.prison_id,
        "key_worker": allocation.key_worker_id,
        "start_date": allocation.start_date,
        "end_date": allocation.end_date,
        "source": allocation.source,
        "reason": allocation.reason,
        "end_reason": allocation.end_reason,
        "deleted_at": allocation.deleted_at,
        "deleted_reason": allocation.deleted_reason,
    }


def _record_allocation_change(
    *, actor: User | None, action: str, allocation: KeyWorkerAllocation, before: dict | None, reason: str = ""
) -> None:
    audit.record(
        actor=actor,
        action=action,
        prison_id=allocation.prison_id,
        object_type="key_worker_allocation",
        object_id=allocation.pk,
        before=before,
        after=_allocation_snapshot(allocation),
        reason=reason,
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
) -> KeyWorkerAllocation:
    """Make `key_worker` the prisoner's key worker at `prison` from `start_date`, open-ended.

    A current allocation is ended the day the new one starts (half-open, so no day has two key
    workers); one that started that same day is deleted instead, as replaced the same day."""
    today = dates.today()
    with transaction.atomic():
        # Serialise writes to this prisoner's allocations, then to this key worker's caseload.
        list(Prisoner.objects.select_for_update().filter(pk=prisoner.pk).values_list("pk", flat=True))
        key_worker = StaffMember.objects.select_for_update().get(pk=key_worker.pk)
        errors: Errors = {}
        if not isinstance(start_date, dt.date) or isinstance(start_date, dt.datetime):
            _add(errors, "start_date", "Start date is required: enter the date the allocation starts.")
            _raise_if_any(errors)
        _add(errors, "key_worker", *eligibility.key_worker_problems(key_worker, prison, start_date))
        _check_in_custody(errors, "prisoner", prisoner, prison, start_date)
        if len(reason or "") > REASON_MAX_LENGTH:
            _add(errors, "reason", f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it.")
        later = KeyWorkerAllocation.objects.filter(
            eligibility.allocation_current_or_later_q(start_date), prisoner=prisoner
        ).select_related("key_worker")
        current = None
        for allocation in later:
            if allocation.end_date is None and allocation.start_date <= start_date:
                current = allocation
            elif allocation.end_date is None:
                _add(
                    errors,
                    "start_date",
                    f"Start date is before the prisoner's current allocation, which started on "
                    f"{long_date(allocation.start_date)}: enter that date or a later one.",
                )
            else:
                _add(
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
        _raise_if_any(errors)

        recompute: dict[str, dt.date] = {prison.pk: start_date}
        if current is not None:
            before = _allocation_snapshot(current)
            action = _end_or_delete(
                current,
                on=start_date,
                end_reason=f"reallocated to {key_worker.staff_id}",
                deleted_reason=SAME_DAY_REPLACEMENT,
            )
            _record_allocation_change(
                actor=allocated_by, action=action, allocation=current, before=before, reason=reason
            )
            recompute[current.prison_id] = min(recompute.get(current.prison_id, start_date), start_date)
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
            actor=allocated_by,
            action="keywork.allocation.create",
            allocation=allocation,
            before=None,
            reason=reason,
        )
        for prison_id, first in recompute.items():
            tasks.schedule_recompute(prison_id=prison_id, days=_days_through(first, today))
    return allocation


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
        errors: Errors = {}
        if current.deleted_at is not None:
            _add(errors, NON_FIELD_ERRORS, "This allocation has been deleted: there is nothing to end.")
        elif current.end_date is not None:
            _add(errors, NON_FIELD_ERRORS, f"This allocation already ended on {long_date(current.end_date)}.")
        if not isinstance(end_date, dt.date) or isinstance(end_date, dt.datetime):
            _add(errors, "end_date", "End date is required: enter the first day without this key worker.")
        elif end_date < current.start_date:
            _add(
                errors,
                "end_date",
                f"End date must be on or after the allocation's start date, "
                f"{long_date(current.start_date)}: enter a later date.",
            )
        _check_reason(errors, reason, "the allocation is ending")
        _raise_if_any(errors)
        before = _allocation_snapshot(current)
        action = _end_or_delete(current, on=end_date, end_reason=reason, deleted_reason=reason)
        _record_allocation_change(actor=by, action=action, allocation=current, before=before, reason=reason)
        tasks.schedule_recompute(prison_id=current.prison_id, days=_days_through(end_date, today))
    allocation.refresh_from_db()
    return current


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
            tasks.schedule_recompute(prison_id=prison_id, days=_days_through(first, today))
    return DeparturesEnded(prisoner_left=len(prisoner_left), key_worker_left=len(key_worker_left))


# ---------------------------------------------------------------------------------------------
# Auto-allocation (the proposal itself is keywork.auto_allocation.propose_allocations)


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
            selectors.prisoners_in_custody(prison, on)
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
        tasks.schedule_recompute(prison_id=prison.pk, days=_days_through(on, today))
    return created
