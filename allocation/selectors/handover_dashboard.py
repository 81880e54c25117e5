"""Reads for the handover dashboard (`/prisons/<CODE>/handover/`, issue 15 item 6), from the
nightly Handover store (never calculated per prisoner on the page):

- upcoming: responsibility `pom` and handover − 56 days <= T < handover (pom.md "Flags"),
  i.e. a handover date in (T, T + 56 days]: not on the handover day itself;
- com_overdue: responsibility `com`, a handover date, no COM name or email, T >= handover + 2 days;
- no_pom: in scope, with no active primary POM allocation;
- bcst: the prison's BCSTs due and overdue (allocation.selectors.bcst).

Each list is a queryset sorted on the server (omic.sorting) so that it pages; `list_counts`
counts the three handover lists in one query. The flags follow allocation.handover's
UPCOMING_WINDOW and COM_OVERDUE_AFTER (tests/allocation/test_handover_dashboard.py checks the
lists against the pure calculation's flags)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Trim

from allocation.handover import COM, COM_OVERDUE_AFTER, POM, UPCOMING_WINDOW
from allocation.models import Handover, PomAllocation, PomRole
from omic.models import Prison
from omic.sorting import SortOrder

UPCOMING, COM_OVERDUE, NO_POM, BCST = "upcoming", "com_overdue", "no_pom", "bcst"
HANDOVER_LISTS = (UPCOMING, COM_OVERDUE, NO_POM)
LISTS = (*HANDOVER_LISTS, BCST)

HANDOVER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("prisoner__last_name", "prisoner__first_name"),
    "prison_number": ("prisoner_id",),
    "tier": ("tier",),
    "earliest_release_date": ("earliest_release_date",),
    "handover_date": ("handover_date",),
    "responsibility": ("responsibility",),
    "pom": ("primary_pom_name",),
    "com": ("com_name",),
}
# Each list's own order before the user picks a column: the most pressing first.
DEFAULT_ORDER = {
    UPCOMING: ("handover_date",),
    COM_OVERDUE: ("handover_date",),
    NO_POM: ("handover_date",),
}


def _list_q(name: str, today: dt.date) -> Q:
    if name == UPCOMING:
        return Q(responsibility=POM, handover_date__gt=today, handover_date__lte=today + UPCOMING_WINDOW)
    if name == COM_OVERDUE:
        return Q(responsibility=COM, handover_date__lte=today - COM_OVERDUE_AFTER, com_text="")
    return Q(in_scope=True, has_primary_pom=False)


def _primary_pom() -> QuerySet[PomAllocation]:
    return PomAllocation.objects.filter(
        prisoner=OuterRef("prisoner_id"), role=PomRole.PRIMARY, end_date__isnull=True
    )


def _with_flags(prison: Prison) -> QuerySet[Handover]:
    """The prison's stored rows with what the lists test: the COM's name and email (pom.md:
    "no COM" means both empty), and whether a primary POM is allocated."""
    return Handover.objects.filter(prison=prison).alias(
        com_text=Trim(Concat("prisoner__sentence__com_name", "prisoner__sentence__com_email")),
        has_primary_pom=Exists(_primary_pom()),
    )


def list_counts(*, prison: Prison, today: dt.date) -> dict[str, int]:
    """How many prisoners each handover list holds, in one query."""
    return _with_flags(prison).aggregate(
        **{name: Count("pk", filter=_list_q(name, today)) for name in HANDOVER_LISTS}
    )


def handover_list(
    *, prison: Prison, name: str, today: dt.date, order: SortOrder | None = None
) -> QuerySet[Handover]:
    """One handover list's rows: the stored figures with the prisoner, tier, COM and primary
    POM (staff id and name) in the same query, sorted by `order` (keys of HANDOVER_SORTS)."""
    primary = _primary_pom()
    pom_name = Concat("staff_member__first_name", Value(" "), "staff_member__last_name")
    rows = (
        _with_flags(prison)
        .filter(_list_q(name, today))
        .select_related("prisoner")
        .annotate(
            tier=F("prisoner__sentence__tier"),
            com_name=F("prisoner__sentence__com_name"),
            com_email=F("prisoner__sentence__com_email"),
            primary_pom_staff_id=Subquery(primary.values("staff_member_id")[:1]),
            primary_pom_name=Subquery(primary.annotate(full=pom_name).values("full")[:1]),
        )
    )
    return rows.order_by(
        *(order or SortOrder()).order_by(HANDOVER_SORTS, default=DEFAULT_ORDER[name], tiebreak="prisoner_id")
    )
