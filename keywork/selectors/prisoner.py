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


def current_allocation(prisoner: Prisoner, today: dt.date) -> KeyWorkerAllocation | None:
    return (
        KeyWorkerAllocation.objects.filter(eligibility.allocation_active_q(today), prisoner=prisoner)
        .select_related("key_worker", "prison")
        .first()
    )


def recent_sessions(prisoner: Prisoner, *, limit: int = 10) -> list[Session]:
    return list(
        Session.objects.filter(prisoner=prisoner, deleted_at__isnull=True)
        .select_related("key_worker", "prison")
        .order_by("-date", "-id")[:limit]
    )


def deliverers(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    return eligibility.session_deliverers(prison, on).order_by("last_name", "first_name", "staff_id")
