"""Key work sessions (keywork.md "Sessions: what the form accepts"): record, correct and
delete a session, and record a session that did not take place.

Every function validates first and raises ValidationError({field: [message]}) whose messages
name the field and the fix (keywork.services.refusals); then writes inside one transaction
with an audit record (before, after, reason) and asks for the touched prison-weeks to be
recomputed on commit. Nothing is saved when anything is refused. Field names are the
functions' keyword names, so a form whose fields share them can show each message beside
its field.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone

from keywork import eligibility, recompute
from keywork.models import NotHeldReason, Session, SessionKind, SessionNotHeld, Source
from keywork.selectors import prisoner as prisoner_selectors
from keywork.selectors import weekly
from keywork.services import refusals
from omic import audit, dates
from omic.models import Prison, Prisoner, StaffMember, User

CORRECTABLE = frozenset({"prisoner", "key_worker", "date", "minutes", "kind", "notes"})
NOTES_MAX_LENGTH = 2000
# A second identical session within this long is a double submit (a tablet tapped twice, a
# page reloaded), not a second session: it is not saved again.
DUPLICATE_WINDOW = dt.timedelta(minutes=5)
BCST_REFUSAL = (
    "Kind cannot be BCST: the Basic Custody Screening Tool belongs to the Band 4 job description, "
    "and Band 3 key workers must not complete it. Choose the kind of key work session that was held."
)


class AlreadyRecorded(Exception):
    """The same session (prisoner, key worker, date, minutes and kind) was recorded moments
    ago: `session` is the one already saved."""

    def __init__(self, session: Session):
        super().__init__(f"Session {session.pk} was already recorded")
        self.session = session


def notes_problems(notes: Any) -> list[str]:
    if notes and len(notes) > NOTES_MAX_LENGTH:
        return [
            f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer: shorten them "
            f"(they are {len(notes):,} characters now)."
        ]
    return []


def _session_errors(
    *,
    prisoner: Prisoner | None,
    prison: Prison,
    key_worker: StaffMember | None,
    date: Any,
    minutes: Any,
    kind: Any,
    today: dt.date,
    notes: Any = "",
) -> refusals.Errors:
    errors: refusals.Errors = {}
    refusals.add(errors, "notes", *notes_problems(notes))
    date_given = refusals.is_date(date)
    refusals.check_not_future(errors, "date", "Date", date, today, "the session took place")
    if prisoner is None:
        refusals.add(errors, "prisoner", "Prisoner is required: choose the prisoner the session was with.")
    elif date_given:
        refusals.check_in_custody(errors, "prisoner", prisoner, prison, date)
    if key_worker is None:
        refusals.add(
            errors, "key_worker", "Key worker is required: choose the Band 3 key worker who held the session."
        )
    elif date_given:
        refusals.add(errors, "key_worker", *eligibility.session_deliverer_problems(key_worker, prison, date))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        refusals.add(
            errors, "minutes", "Duration must be a whole number of minutes: enter a number such as 45."
        )
    elif minutes < 1:
        refusals.add(
            errors,
            "minutes",
            "Duration must be at least 1 minute: enter how many minutes the session lasted.",
        )
    elif minutes > 240:
        refusals.add(
            errors,
            "minutes",
            "Duration must be 240 minutes or less: enter how many minutes the session lasted.",
        )
    if isinstance(kind, str) and kind.strip().lower() == "bcst":
        refusals.add(
            errors,
            "kind",
            BCST_REFUSAL,
        )
    else:
        refusals.check_choice(errors, "kind", "Kind", kind, SessionKind)
    return errors


_session_snapshot = audit.snapshot_of(
    "source",
    "session_id",
    "prisoner",
    "prison",
    "key_worker",
    "allocated_key_worker",
    "date",
    "kind",
    "notes",
    "deleted_at",
    "deleted_reason",
    minutes="duration_minutes",
)
_record_session_change = partial(audit.record_write, object_type="session", snapshot=_session_snapshot)


_not_held_snapshot = audit.snapshot_of("prisoner", "prison", "key_worker", "date", "reason", "notes")
_record_not_held = partial(audit.record_write, object_type="session_not_held", snapshot=_not_held_snapshot)


def _allocated_key_worker_id(prisoner: Prisoner, prison: Prison, day: dt.date) -> str | None:
    allocation = prisoner_selectors.allocation_on(prisoner, prison, day)
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
    given = {
        "prisoner": prisoner,
        "prison": prison,
        "key_worker": key_worker,
        "date": date,
        "minutes": minutes,
    }
    with transaction.atomic():
        refusals.raise_if_any(_session_errors(**given, kind=kind, today=today, notes=notes))
        # Lock the prisoner so that two submits of the same session arriving together are
        # checked one after the other, and the second finds the first.
        Prisoner.objects.select_for_update().filter(pk=prisoner.pk).first()
        same = _same_session(**given, kind=kind)
        duplicate = recent_duplicate(same)
        if duplicate is not None:
            raise AlreadyRecorded(duplicate)
        session = Session.objects.create(
            **same,
            allocated_key_worker_id=_allocated_key_worker_id(prisoner, prison, date),
            notes=notes or "",
            recorded_by=recorded_by,
        )
        _record_session_change(session, actor=recorded_by, action="keywork.session.record")
        recompute.schedule_recompute(prison_id=prison.pk, days=[date], prisoner_ids=[prisoner.pk])
    return session


def _same_session(
    *, prisoner: Prisoner, prison: Prison, key_worker: StaffMember, date: dt.date, minutes: int, kind: str
) -> dict[str, Any]:
    """The columns two sessions recorded in the app share when they are the same session
    (a double submit): who with, where, by whom, when, how long and what kind."""
    return {
        "prisoner": prisoner,
        "prison": prison,
        "key_worker": key_worker,
        "date": date,
        "duration_minutes": minutes,
        "kind": kind,
        "source": Source.APP,
    }


def recent_duplicate(same: dict[str, Any]) -> Session | None:
    """The same session (`_same_session`) recorded in the app within DUPLICATE_WINDOW, if any
    (not deleted)."""
    return (
        Session.objects.filter(
            **same, deleted_at__isnull=True, recorded_at__gte=timezone.now() - DUPLICATE_WINDOW
        )
        .order_by("-recorded_at")
        .first()
    )


def session_week_warning(prison: Prison, date: dt.date) -> list[str]:
    """The codes (keywork.status.SUSPENSION_REASONS) why key work is suspended at `prison` in the
    week of `date`; empty when it is on. The session form warns with them."""
    return weekly.suspension_reasons_for_week(prison, date)


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
        errors: refusals.Errors = {}
        if current.deleted_at is not None:
            refusals.add(errors, NON_FIELD_ERRORS, "This session has been deleted: it cannot be corrected.")
        refusals.check_reason(errors, reason, "the session is being corrected")
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
            refusals.add(
                errors, NON_FIELD_ERRORS, "Nothing to correct: change at least one detail of the session."
            )
        for field, messages in _session_errors(**new, prison=current.prison, today=today).items():
            refusals.add(errors, field, *messages)
        refusals.raise_if_any(errors)

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
        _record_session_change(
            current, actor=corrected_by, action="keywork.session.correct", before=before, reason=reason
        )
        recompute.schedule_recompute(
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
        errors: refusals.Errors = {}
        if current.deleted_at is not None:
            refusals.add(errors, NON_FIELD_ERRORS, "This session has already been deleted.")
        refusals.check_reason(errors, reason, "the session is being deleted")
        refusals.raise_if_any(errors)
        before = _session_snapshot(current)
        current.deleted_at = timezone.now()
        current.deleted_reason = reason
        current.save(update_fields=["deleted_at", "deleted_reason", "updated_at"])
        _record_session_change(
            current, actor=deleted_by, action="keywork.session.delete", before=before, reason=reason
        )
        recompute.schedule_recompute(
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
        errors: refusals.Errors = {}
        if refusals.check_not_future(errors, "date", "Date", date, today, "the session was planned for"):
            refusals.check_in_custody(errors, "prisoner", prisoner, prison, date)
        refusals.check_choice(errors, "reason", "Reason", reason, NotHeldReason)
        if key_worker is not None and key_worker.prison_id != prison.pk:
            refusals.add(
                errors,
                "key_worker",
                f"Key worker {key_worker.staff_id} is not on the staff of {prison.pk}. "
                "Choose a key worker at this prison, or leave it empty.",
            )
        refusals.add(errors, "notes", *notes_problems(notes))
        refusals.raise_if_any(errors)
        not_held = SessionNotHeld.objects.create(
            prisoner=prisoner,
            prison=prison,
            key_worker=key_worker,
            date=date,
            reason=reason,
            notes=notes or "",
            recorded_by=recorded_by,
        )
        _record_not_held(not_held, actor=recorded_by, action="keywork.session_not_held.record")
        recompute.schedule_recompute(prison_id=prison.pk, days=[date], prisoner_ids=[])
    return not_held
