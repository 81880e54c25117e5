"""Reads for the BCST page and the handover dashboard's BCST list: the open tasks of prisoners
still in the spell that opened them, due (on or before their due date) or overdue (after it)."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from allocation.models import Bcst
from omic.dates import in_post_on
from omic.models import Prison, StaffMember
from omic.sorting import SortOrder

BCST_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("spell__prisoner__last_name", "spell__prisoner__first_name"),
    "prison_number": ("spell__prisoner_id",),
    "reception_date": ("spell__reception_date",),
    "due_on": ("due_on",),
}


def _still_in_spell(today: dt.date) -> Q:
    return Q(spell__release_date__isnull=True) | Q(spell__release_date__gt=today)


def open_bcsts(*, prison: Prison, today: dt.date, order: SortOrder | None = None) -> QuerySet[Bcst]:
    """The prison's uncompleted BCSTs of prisoners still here, with `is_overdue`; overdue first
    (oldest due first), unless `order` (a key of BCST_SORTS) says otherwise."""
    return (
        Bcst.objects.filter(_still_in_spell(today), prison=prison, completed_on__isnull=True)
        .select_related("spell__prisoner", "spell__wing")
        .annotate(is_overdue=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField()))
        .order_by(
            *(order or SortOrder()).order_by(BCST_SORTS, default=("due_on",), tiebreak="spell__prisoner_id")
        )
    )


def bcst_counts(*, prison: Prison, today: dt.date) -> dict[str, int]:
    """{"due": n, "overdue": n} in one query."""
    return Bcst.objects.filter(_still_in_spell(today), prison=prison, completed_on__isnull=True).aggregate(
        due=Count("pk", filter=Q(due_on__gte=today)), overdue=Count("pk", filter=Q(due_on__lt=today))
    )


def bcst_for(*, prison: Prison, bcst_id: int) -> Bcst | None:
    """One open-or-completed BCST of the prison, with its spell and prisoner."""
    return Bcst.objects.select_related("spell__prisoner", "prison").filter(prison=prison, pk=bcst_id).first()


def bcst_staff(*, prison: Prison, today: dt.date) -> QuerySet[StaffMember]:
    """Who an admin may name as having completed a BCST: the prison's staff in post today, of
    every band (a Band 3 is listed so that the refusal says why, in pom.md's words)."""
    return StaffMember.objects.filter(in_post_on(today), prison=prison).order_by("last_name", "first_name")
