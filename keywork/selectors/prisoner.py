"""The prisoner panel and the session form: a prisoner's spell and allocation on a day, their
current key worker and recent sessions, where a session with them is logged and who may
have held it. Fixed query counts; scope has been decided by the view (omic.access).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from keywork import eligibility
from keywork.models import KeyWorkerAllocation, Session
from omic import access, dates
from omic.models import CustodySpell, Prison, Prisoner, StaffMember, User


def custody_spell_on(prisoner: Prisoner, prison: Prison, on: dt.date) -> CustodySpell | None:
    """The prisoner's spell at `prison` covering `on`, if any (spells never overlap)."""
    return CustodySpell.objects.filter(dates.in_custody_on(on), prisoner=prisoner, prison=prison).first()


def allocation_on(prisoner: Prisoner, prison: Prison, on: dt.date) -> KeyWorkerAllocation | None:
    """The prisoner's allocation at `prison` active on `on`, if any."""
    return KeyWorkerAllocation.objects.filter(
        eligibility.allocation_active_q(on), prisoner=prisoner, prison=prison
    ).first()


def session_prison(user: User, prisoner: Prisoner, today: dt.date) -> Prison | None:
    """The prison at which the user would log a session with the prisoner: that of the prisoner's
    current spell in the user's scope, else of their latest spell in it (logged late)."""
    spell = (
        access.visible_spells(user, today=today)
        .filter(prisoner=prisoner, reception_date__lte=today)
        .select_related("prison")
        .order_by("-reception_date")
        .first()
    )
    return spell.prison if spell else None


def record_prisons(user: User, prisoner: Prisoner) -> QuerySet:
    """The prisons whose records of this prisoner (key worker, sessions) the user may see: those
    of the prisoner's spells in the user's scope (formats.md: "What a page lists ... shows only
    what the user may see"). A governor does not see another prison's key worker or sessions of
    a prisoner who once had a spell at theirs. A subquery, so that lists stay one query."""
    return access.visible_spells(user).filter(prisoner=prisoner).values("prison_id")


def current_allocation(user: User, prisoner: Prisoner, today: dt.date) -> KeyWorkerAllocation | None:
    return (
        KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(today),
            prisoner=prisoner,
            prison_id__in=record_prisons(user, prisoner),
        )
        .select_related("key_worker", "prison")
        .first()
    )


def recent_sessions(user: User, prisoner: Prisoner, *, limit: int = 10) -> list[Session]:
    return list(
        Session.objects.filter(
            prisoner=prisoner, deleted_at__isnull=True, prison_id__in=record_prisons(user, prisoner)
        )
        .select_related("key_worker", "prison")
        .order_by("-date", "-id")[:limit]
    )


def session_for(user: User, prisoner: Prisoner, session_id: int) -> Session | None:
    """One of the prisoner's sessions (deleted ones too) at a prison whose records the user may see."""
    return (
        Session.objects.filter(pk=session_id, prisoner=prisoner, prison_id__in=record_prisons(user, prisoner))
        .select_related("key_worker", "allocated_key_worker", "prison", "recorded_by")
        .first()
    )


def correction_key_workers(session: Session) -> QuerySet[StaffMember]:
    """Who a correction may name: the Band 3 staff of the session's prison (the service says
    why one who was not in post or trained on the date cannot have held it)."""
    return StaffMember.objects.filter(prison=session.prison, band=3).order_by(
        "last_name", "first_name", "staff_id"
    )


def deliverers(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    return eligibility.session_deliverers(prison, on).order_by("last_name", "first_name", "staff_id")
