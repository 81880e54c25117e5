"""Reads for the core pages, already scoped to the user through omic.access.

Each function costs a fixed number of queries whatever the number of rows: per-prison
figures are correlated subqueries in one SELECT, never a query per row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from omic import access
from omic.dates import in_custody_on, in_post_on, today, untrained_on
from omic.models import Band3, Benchmark, CustodySpell, Prison, Prisoner, StaffMember, User, Wing
from omic.selectors.filters import filter_given
from omic.sorting import SortOrder


def _count(queryset: QuerySet, group_by: str) -> Subquery:
    """COUNT(*) of a correlated queryset as a scalar subquery (0 when there are no rows)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_headline(prisons: QuerySet[Prison], *, day: dt.date) -> QuerySet[Prison]:
    """Annotate prisons with the day's headline figures (keywork.md, "Other figures on pages").

    prisoners_in_custody, band3_in_post, band3_fte (Σ FTE), band3_untrained,
    benchmark_fte (the latest effective on `day`, or None) and tsf_gap (FTE − benchmark,
    None without a benchmark). "Band 3" is band 3 whatever the role or status.
    """
    band3 = StaffMember.objects.filter(prison=OuterRef("pk"), band=Band3.KEY_WORKER_BAND).filter(
        in_post_on(day)
    )
    fte = band3.order_by().values("prison").annotate(total=Sum("fte")).values("total")
    decimal = DecimalField(max_digits=10, decimal_places=2)
    benchmark = (
        Benchmark.objects.filter(prison=OuterRef("pk"), effective_from__lte=day)
        .order_by("-effective_from")
        .values("band3_benchmark_fte")[:1]
    )
    spells = CustodySpell.objects.filter(prison=OuterRef("pk")).filter(in_custody_on(day))
    return prisons.annotate(
        prisoners_in_custody=_count(spells, "prison"),
        band3_in_post=_count(band3, "prison"),
        band3_fte=Coalesce(Subquery(fte, output_field=decimal), Value(Decimal("0.00")), output_field=decimal),
        band3_untrained=_count(band3.filter(untrained_on(day)), "prison"),
        benchmark_fte=Subquery(benchmark, output_field=decimal),
    ).annotate(tsf_gap=ExpressionWrapper(F("band3_fte") - F("benchmark_fte"), output_field=decimal))


def prison_headlines(*, user: User, day: dt.date | None = None) -> QuerySet[Prison]:
    """Every prison the user may see, with its headline figures: one query."""
    return with_headline(access.visible_prisons(user), day=day or today()).order_by("code")


def prison_headline(*, user: User, prison: Prison, day: dt.date | None = None) -> Prison:
    """One prison's headline figures (the prison came from access.prison_for)."""
    return prison_headlines(user=user, day=day).get(pk=prison.pk)


def wings_with_custody_counts(
    *, user: User, day: dt.date | None = None, prison: Prison | None = None
) -> QuerySet[Wing]:
    """The user's wings (of one prison, if given) with prisoners_in_custody on the day: one query."""
    day = day or today()
    wings = access.visible_wings(user).select_related("prison")
    if prison is not None:
        wings = wings.filter(prison=prison)
    spells = CustodySpell.objects.filter(wing=OuterRef("pk")).filter(in_custody_on(day))
    return wings.annotate(prisoners_in_custody=_count(spells, "wing")).order_by("prison_id", "code")


def prisoners_without_wing(*, user: User, prison: Prison, day: dt.date | None = None) -> int:
    """Prisoners in custody at the prison today whose spell names no wing (shown so totals add up)."""
    day = day or today()
    return access.visible_spells(user).filter(in_custody_on(day), prison=prison, wing__isnull=True).count()


# The staff table's columns that sort on the server, with the fields each sorts by.
STAFF_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name"),
    "staff_id": ("staff_id",),
    "band": ("band",),
    "role": ("role",),
    "working_pattern": ("fte",),
    "wing": ("wing__name",),
    "in_post_from": ("in_post_from",),
    "in_post_to": ("in_post_to",),
    "trained": ("key_worker_trained_on",),
    "status": ("status",),
}


def staff_for(
    *,
    user: User,
    prison: Prison,
    day: dt.date | None = None,
    include_left: bool = False,
    order: SortOrder | None = None,
    band: int | None = None,
    status: str = "",
    wing: str = "",
    untrained_only: bool = False,
) -> QuerySet[StaffMember]:
    """Staff at the prison (in post on the day unless include_left), with is_untrained_band3,
    sorted by `order` (keys in STAFF_SORTS).

    By default an untrained Band 3 officer in post comes first: they suspend key work for
    the whole prison, and pages flag them. The filters narrow by band, status, wing code,
    or to the untrained Band 3 officers in post.
    """
    day = day or today()
    staff = StaffMember.objects.filter(prison=prison, prison__in=access.visible_prisons(user))
    if not include_left:
        staff = staff.filter(in_post_on(day))
    untrained_band3 = Q(band=Band3.KEY_WORKER_BAND) & in_post_on(day) & untrained_on(day)
    staff = filter_given(staff, band=band, status=status, wing__code=wing)
    if untrained_only:
        staff = staff.filter(untrained_band3)
    return (
        staff.select_related("wing")
        .annotate(is_untrained_band3=ExpressionWrapper(untrained_band3, output_field=BooleanField()))
        .order_by(
            *(order or SortOrder()).order_by(
                STAFF_SORTS, default=("-is_untrained_band3", "last_name", "first_name"), tiebreak="staff_id"
            )
        )
    )


def benchmarks_for(*, user: User, prison: Prison, day: dt.date | None = None) -> QuerySet[Benchmark]:
    """The prison's benchmark history, newest first, with is_in_force (the latest effective on the day)."""
    day = day or today()
    in_force = (
        Benchmark.objects.filter(prison=OuterRef("prison"), effective_from__lte=day)
        .order_by("-effective_from")
        .values("effective_from")[:1]
    )
    return (
        Benchmark.objects.filter(prison=prison, prison__in=access.visible_prisons(user))
        .annotate(
            is_in_force=ExpressionWrapper(Q(effective_from=Subquery(in_force)), output_field=BooleanField())
        )
        .order_by("-effective_from")
    )


def wing_prisoners(*, user: User, wing: Wing, day: dt.date | None = None) -> QuerySet[CustodySpell]:
    """Spells on the wing in custody on the day, with their prisoners: one query (the wing is
    the one given; a CSV that writes its code adds select_related("wing"))."""
    day = day or today()
    return (
        access.visible_spells(user, today=day)
        .filter(in_custody_on(day), wing=wing)
        .select_related("prisoner")
        .order_by("prisoner__last_name", "prisoner__first_name", "prisoner_id")
    )


def prisoner_spells(*, user: User, prisoner: Prisoner) -> QuerySet[CustodySpell]:
    """The prisoner's custody spells that the user may see (not those outside their scope), newest first."""
    return (
        access.visible_spells(user)
        .filter(prisoner=prisoner)
        .select_related("prison", "wing")
        .order_by("-reception_date")
    )
