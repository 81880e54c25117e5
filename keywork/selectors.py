"""Reads for the key work services and the allocation pages, each a fixed number of queries.

(Access scoping happens in the views through omic.access; these take a prison the user may see.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When

from keywork import eligibility, status
from keywork.models import KeyWorkerAllocation
from omic import dates
from omic.models import Band3, Benchmark, CustodySpell, Prison, Prisoner, StaffMember, StaffStatus


def custody_spell_on(prisoner: Prisoner, prison: Prison, on: dt.date) -> CustodySpell | None:
    """The prisoner's spell at `prison` covering `on`, if any (spells never overlap)."""
    return CustodySpell.objects.filter(dates.in_custody_on(on), prisoner=prisoner, prison=prison).first()


def prisoners_in_custody(prison: Prison, on: dt.date) -> QuerySet[CustodySpell]:
    """The spells at `prison` covering `on`: one per prisoner in custody there that day."""
    return CustodySpell.objects.filter(dates.in_custody_on(on), prison=prison)


def allocation_on(prisoner: Prisoner, prison: Prison, on: dt.date) -> KeyWorkerAllocation | None:
    """The prisoner's allocation at `prison` active on `on`, if any."""
    return KeyWorkerAllocation.objects.filter(
        eligibility.allocation_active_q(on), prisoner=prisoner, prison=prison
    ).first()


def caseloads(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    """Key workers at `prison` on `on` against capacity: Band 3 staff in post there, and anyone
    else still holding allocations there that day (e.g. left post, not yet ended). Each row is
    annotated with `caseload`, `capacity`, `in_post`, `trained` and `eligible` (may take one more)."""
    holds_allocations = Exists(
        KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(on), prison=prison, key_worker=OuterRef("pk")
        )
    )
    band3_here = Q(prison=prison, band=Band3.KEY_WORKER_BAND) & dates.in_post_on(on)
    staff = StaffMember.objects.filter(band3_here | Q(holds_allocations))
    return (
        eligibility.with_caseload(staff, prison, on)
        .annotate(
            in_post=Case(When(band3_here, then=Value(True)), default=Value(False)),
            trained=Case(When(dates.trained_on(on), then=Value(True)), default=Value(False)),
        )
        .annotate(
            eligible=Case(
                When(
                    band3_here
                    & dates.trained_on(on)
                    & Q(status=StaffStatus.ACTIVE, caseload__lt=F("capacity")),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
        .select_related("wing")
        .order_by("last_name", "first_name", "staff_id")
    )


# Why a prisoner's key worker can no longer do the job, most serious first.
NEEDS_KEY_WORKER_REASONS: dict[str, str] = {
    "key_worker_left_post": "key worker is no longer in post at this prison",
    "key_worker_inactive": "key worker is inactive",
    "key_worker_unavailable": "key worker is unavailable",
    "key_worker_untrained": "key worker has not completed key worker training",
}


def prisoners_needing_key_worker(prison: Prison, on: dt.date) -> QuerySet[KeyWorkerAllocation]:
    """Allocations at `prison` active on `on`, of prisoners in custody there, whose key worker cannot
    do the job (left post, inactive, unavailable or untrained). They keep the allocation until an
    admin moves them; auto-allocation does not touch them. Annotated `needs_reason` (a code of
    NEEDS_KEY_WORKER_REASONS)."""
    in_custody = Exists(
        CustodySpell.objects.filter(
            dates.in_custody_on(on), prison=prison, prisoner=OuterRef("prisoner")
        )
    )
    left_post = ~(Q(key_worker__prison=prison) & dates.in_post_on(on, "key_worker__"))
    untrained = ~dates.trained_on(on, "key_worker__") | Q(key_worker__key_worker_trained_on__isnull=True)
    reason = Case(
        When(left_post, then=Value("key_worker_left_post")),
        When(key_worker__status=StaffStatus.INACTIVE, then=Value("key_worker_inactive")),
        When(key_worker__status=StaffStatus.UNAVAILABLE, then=Value("key_worker_unavailable")),
        When(untrained, then=Value("key_worker_untrained")),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        KeyWorkerAllocation.objects.filter(eligibility.allocation_active_q(on), in_custody, prison=prison)
        .annotate(needs_reason=reason)
        .exclude(needs_reason="")
        .select_related("prisoner", "key_worker")
        .order_by("prisoner_id")
    )


def prisoners_without_key_worker(prison: Prison, on: dt.date) -> QuerySet[CustodySpell]:
    """Spells of prisoners in custody at `prison` on `on` with no allocation active that day."""
    allocated = KeyWorkerAllocation.objects.filter(
        eligibility.allocation_active_q(on), prison=prison, prisoner=OuterRef("prisoner")
    )
    return (
        prisoners_in_custody(prison, on)
        .exclude(Exists(allocated))
        .select_related("prisoner", "wing")
        .order_by("reception_date", "prisoner_id")
    )


def week_status_inputs(prison: Prison, monday: dt.date) -> tuple[list[StaffMember], Decimal | None]:
    """The inputs of keywork.status.suspension_reasons for one prison-week (two queries): the
    prison's Band 3 staff in post on `monday`, and the benchmark FTE effective that day."""
    staff = list(
        eligibility.band3_in_post(prison, monday).only(
            "staff_id", "fte", "in_post_from", "in_post_to", "key_worker_trained_on"
        )
    )
    benchmark = (
        Benchmark.objects.filter(prison=prison, effective_from__lte=monday)
        .order_by("-effective_from")
        .values_list("band3_benchmark_fte", flat=True)
        .first()
    )
    return staff, benchmark


def suspension_reasons_for_week(prison: Prison, day: dt.date) -> list[str]:
    """Why key work is suspended at `prison` in the week containing `day` (empty: it is on)."""
    monday = dates.week_start(day)
    staff, benchmark = week_status_inputs(prison, monday)
    return status.suspension_reasons(prison, monday, staff, benchmark)
