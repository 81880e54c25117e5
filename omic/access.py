"""Who may see and do what: roles × prisons × wings, in one place (formats.md's role table).

Every view and selector asks this module. Outside the user's scope — or not there at all —
is a 404, so nothing leaks; inside the scope but not for this role is a 403.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from omic import dates
from omic.models import CustodySpell, Prison, Prisoner, Role, User, Wing


class Action(StrEnum):
    VIEW_PRISON = "view_prison"  # dashboard, key workers, staff, handover, POMs, BCST
    VIEW_WING = "view_wing"  # wing pages and prisoner profiles
    RECORD_SESSIONS = "record_sessions"  # log, correct, delete; record a session not held
    ALLOCATE = "allocate"  # key workers and POMs; auto-allocation
    EDIT_PRISON = "edit_prison"  # staff, training, benchmarks, settings, sentences, overrides, BCST
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"  # the audit trail: admins (their prisons) and HQ, read only
    DOWNLOAD = "download"  # CSVs of what they may see


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.WING_MANAGER: frozenset({Action.VIEW_WING, Action.RECORD_SESSIONS, Action.DOWNLOAD}),
    Role.GOVERNOR: frozenset({Action.VIEW_PRISON, Action.VIEW_WING, Action.DOWNLOAD}),
    Role.ADMIN: frozenset(set(Action)),
    Role.HQ: frozenset({Action.VIEW_PRISON, Action.VIEW_WING, Action.DOWNLOAD, Action.VIEW_AUDIT}),
}

# A wing manager keeps sight of a prisoner who left their wing during the open weeks
# (the current and previous week), because sessions are often logged a few days late.
WING_MANAGER_GRACE_DAYS = 14


def may(user: User, action: Action) -> bool:
    """The role's part of the table; scope is checked separately."""
    return user.is_authenticated and action in ROLE_ACTIONS.get(user.role, frozenset())


def sees_all_prisons(user: User) -> bool:
    return user.role == Role.HQ


def visible_prisons(user: User) -> QuerySet[Prison]:
    """Prisons whose pages (or some wings of which) the user may see."""
    if not user.is_authenticated or not user.role:
        return Prison.objects.none()
    if sees_all_prisons(user):
        return Prison.objects.all()
    if user.role == Role.WING_MANAGER:
        return Prison.objects.filter(wings__users=user).distinct()
    return Prison.objects.filter(users=user)


def visible_wings(user: User) -> QuerySet[Wing]:
    if not user.is_authenticated or not user.role:
        return Wing.objects.none()
    if sees_all_prisons(user):
        return Wing.objects.all()
    if user.role == Role.WING_MANAGER:
        return Wing.objects.filter(users=user)
    return Wing.objects.filter(prison__users=user)


def header_prisons(user: User) -> list[Prison]:
    if sees_all_prisons(user):
        return []
    return list(visible_prisons(user).only("code", "name")[:3])


def prison_for(user: User, code: str, action: Action = Action.VIEW_PRISON) -> Prison:
    """The prison, if in the user's scope (else 404) and their role may do `action` (else 403)."""
    prison = visible_prisons(user).filter(code=code).first()
    if prison is None:
        raise Http404("No such prison")
    if not may(user, action):
        raise PermissionDenied
    return prison


def wing_for(user: User, prison_code: str, wing_code: str, action: Action = Action.VIEW_WING) -> Wing:
    wing = visible_wings(user).select_related("prison").filter(prison_id=prison_code, code=wing_code).first()
    if wing is None:
        raise Http404("No such wing")
    if not may(user, action):
        raise PermissionDenied
    return wing


def visible_spells(user: User, *, today: dt.date | None = None) -> QuerySet[CustodySpell]:
    """Custody spells the user may see: the root of every prisoner-level query."""
    spells = CustodySpell.objects.all()
    if not user.is_authenticated or not user.role:
        return spells.none()
    if sees_all_prisons(user):
        return spells
    if user.role == Role.WING_MANAGER:
        today = today or dates.today()
        since = today - dt.timedelta(days=WING_MANAGER_GRACE_DAYS)
        return spells.filter(wing__users=user).filter(
            Q(release_date__isnull=True) | Q(release_date__gte=since)
        )
    return spells.filter(prison__users=user)


def prisoner_for(user: User, prison_number: str, action: Action = Action.VIEW_WING) -> Prisoner:
    """A prisoner whose pages the user may open (formats.md, after the addresses), else 404.

    A prisoner's pages belong to the prison that holds them now (once released, the one that
    last held them): a prisoner transferred out is outside the old prison's scope. Sessions
    are often logged late, so the old prison's wing managers and admins (who may record
    sessions) keep the prisoner while they left within the open weeks; the pages then list
    only that prison's records, as every list is drawn from the user's visible spells."""
    holding = CustodySpell.objects.filter(prisoner_id=prison_number).order_by("-reception_date").first()
    if holding is None:
        raise Http404("No such prisoner")
    mine = visible_spells(user).filter(prisoner_id=prison_number)
    if not mine.filter(pk=holding.pk).exists():
        first_open_week, _ = dates.open_weeks()
        late_logging = may(user, Action.RECORD_SESSIONS) and mine.filter(
            release_date__gte=first_open_week
        ).exists()
        if not late_logging:
            raise Http404("No such prisoner")
    if not may(user, action):
        raise PermissionDenied
    return Prisoner.objects.get(pk=prison_number)


def held_in_scope(user: User, prisoners: QuerySet[Prisoner]) -> QuerySet[Prisoner]:
    """Those of `prisoners` held (now, or last) by a prison or wing in the user's scope: the
    prisoners a search may show. Narrow `prisoners` first (by name or number): the holding
    spell is looked up for each one left, through the spells' natural-key index."""
    spells = CustodySpell.objects.filter(prisoner=OuterRef("pk"))
    holding = spells.order_by("-reception_date").values("pk")[:1]
    return prisoners.annotate(holding_spell_id=Subquery(holding)).filter(
        holding_spell_id__in=visible_spells(user).values("pk")
    )


def require(user: User, action: Action) -> None:
    if not may(user, action):
        raise PermissionDenied
