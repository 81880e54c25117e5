"""Caseloads (keywork.md "Allocation of key workers"): who is in custody at a prison, the key
workers there against their capacity (the key workers page's rows), and the prisoners who need
a key worker (none, or one who can no longer do the job).

Each function costs a fixed number of queries whatever the number of key workers or prisoners.
Scope has been decided by the view (omic.access); these take a prison the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When

from keywork import eligibility
from keywork.models import KeyWorkerAllocation
from omic import dates
from omic.models import Band3, CustodySpell, Prison, StaffMember, StaffStatus


def prisoners_in_custody(prison: Prison, on: dt.date) -> QuerySet[CustodySpell]:
    """The spells at `prison` covering `on`: one per prisoner in custody there that day."""
    return CustodySpell.objects.filter(dates.in_custody_on(on), prison=prison)


def caseloads(prison: Prison, on: dt.date, *, in_post_only: bool = False) -> QuerySet[StaffMember]:
    """Key workers at `prison` on `on` against capacity: Band 3 staff in post there, and (unless
    `in_post_only`) anyone else still holding allocations there that day (e.g. left post, not yet
    ended). Each row is annotated with `caseload`, `capacity`, `in_post`, `trained` and
    `eligible` (may take one more)."""
    band3_here = Q(prison=prison, band=Band3.KEY_WORKER_BAND) & dates.in_post_on(on)
    if in_post_only:
        staff = StaffMember.objects.filter(band3_here)
    else:
        # Those holding allocations here are looked up first (one small query) and named by
        # key: an OR with a correlated EXISTS keeps the planner from the prison's index, so it
        # misjudges the rows and spends 20 ms compiling the query (JIT) on a large estate.
        holding = (
            KeyWorkerAllocation.objects.filter(eligibility.allocation_active_q(on), prison=prison)
            .order_by()
            .values_list("key_worker_id", flat=True)
            .distinct()
        )
        staff = StaffMember.objects.filter(band3_here | Q(pk__in=list(holding)))
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
        CustodySpell.objects.filter(dates.in_custody_on(on), prison=prison, prisoner=OuterRef("prisoner"))
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


# Why a key worker may not take on a further prisoner (keywork.md, "Allocation of key workers"),
# in the order the page lists them. The codes go in the CSV, the words on the page.
NOT_ELIGIBLE_REASONS: dict[str, str] = {
    "not_in_post": "not a Band 3 officer in post here",
    "untrained": "not trained",
    "inactive": "inactive",
    "unavailable": "unavailable",
    "caseload_full": "caseload full",
}


def not_eligible_codes(
    *, in_post: bool, trained: bool, status: str, caseload: int, capacity: int
) -> list[str]:
    codes = []
    if not in_post:
        codes.append("not_in_post")
    if not trained:
        codes.append("untrained")
    if status == StaffStatus.INACTIVE:
        codes.append("inactive")
    elif status == StaffStatus.UNAVAILABLE:
        codes.append("unavailable")
    if caseload >= capacity:
        codes.append("caseload_full")
    return codes


@dataclass(frozen=True)
class KeyWorkerRow:
    staff_id: str
    first_name: str
    last_name: str
    prison_code: str
    wing_code: str | None
    wing_name: str | None
    status: str
    status_label: str
    in_post: bool
    key_worker_trained_on: dt.date | None
    trained: bool  # trained by the day shown (a training date in the future is not yet trained)
    capacity: int
    caseload: int
    not_eligible: tuple[str, ...]  # codes of NOT_ELIGIBLE_REASONS; empty when eligible

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.staff_id

    @property
    def remaining(self) -> int:
        """Negative when over capacity (e.g. capacity lowered, or loaded from the extract)."""
        return self.capacity - self.caseload

    @property
    def over_capacity(self) -> bool:
        return self.caseload > self.capacity

    @property
    def over_by(self) -> int:
        return max(0, self.caseload - self.capacity)

    @property
    def eligible(self) -> bool:
        return not self.not_eligible

    @property
    def not_eligible_words(self) -> list[str]:
        return [NOT_ELIGIBLE_REASONS[code] for code in self.not_eligible]


def key_worker_rows(prison: Prison, on: dt.date) -> list[KeyWorkerRow]:
    """Every key worker at `prison` on `on` (Band 3 in post, and anyone still holding allocations
    there) with caseload against capacity and why they may not take more: one query."""
    rows = []
    for staff in caseloads(prison, on):
        rows.append(
            KeyWorkerRow(
                staff_id=staff.staff_id,
                first_name=staff.first_name,
                last_name=staff.last_name,
                prison_code=staff.prison_id,
                wing_code=staff.wing.code if staff.wing else None,
                wing_name=staff.wing.name if staff.wing else None,
                status=staff.status,
                status_label=staff.get_status_display(),
                in_post=staff.in_post,
                key_worker_trained_on=staff.key_worker_trained_on,
                trained=staff.trained,
                capacity=staff.capacity,
                caseload=staff.caseload,
                not_eligible=tuple(
                    not_eligible_codes(
                        in_post=staff.in_post,
                        trained=staff.trained,
                        status=staff.status,
                        caseload=staff.caseload,
                        capacity=staff.capacity,
                    )
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class NeedsKeyWorkerCounts:
    without: int  # in custody with no allocation active today
    unsuitable: int  # allocated to a key worker who cannot do the job

    @property
    def total(self) -> int:
        return self.without + self.unsuitable


def needs_key_worker_counts(prison: Prison, on: dt.date) -> NeedsKeyWorkerCounts:
    """How many prisoners at `prison` need a key worker on `on`: two queries."""
    return NeedsKeyWorkerCounts(
        without=prisoners_without_key_worker(prison, on).count(),
        unsuitable=prisoners_needing_key_worker(prison, on).count(),
    )
