"""The audit trail of a prison's records (formats.md `/prisons/<CODE>/audit/`): every change
that a service recorded for the prison, newest first, filtered by kind of record, person and
date. Scope is the caller's: the view has already checked the prison is the user's."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from omic.models import AuditEvent, Prison
from omic.selectors.filters import filter_given

AUDIT_PAGE_SIZE = 50


def audit_events(
    *,
    prison: Prison,
    kind: str = "",
    person: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The prison's audit events, newest first. `kind` is an object type (session,
    staff_member, ...), `person` part of the actor's username, dates inclusive (London)."""
    events = filter_given(
        AuditEvent.objects.filter(prison=prison),
        object_type=kind,
        actor_name__icontains=person,
        at__date__gte=date_from,
        at__date__lte=date_to,
    )
    return events.order_by("-at", "-id")


def audit_kinds(*, prison: Prison) -> list[str]:
    """The kinds of record the prison's trail holds, for the filter's choices."""
    kinds = AuditEvent.objects.filter(prison=prison).order_by("object_type").values_list("object_type")
    return [kind for (kind,) in kinds.distinct()]
