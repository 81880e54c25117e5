"""Reads for the POM pages: who may be a POM here, a prisoner's POMs and figures, each POM's
case mix (pom.md "POM allocation") and one POM's caseload. Set-based: a page costs the same
few queries whatever the size of the prison.

A prisoner's figures on a page are calculated live (allocation.handover, one query for the
inputs), so a change shows at once; the case mix counts read the nightly store
(allocation.models.Handover), recalculated on commit after every change, so that a prison's
hundreds of cases are counted in SQL.

Where pom.md is silent, as HMPPS's "Manage POM cases" does: "allocated in the last 7 days"
counts allocations that started today or in the 6 days before (its caseload filter,
`primary_pom_allocated_at` within 7 days); a POM offered for allocation is active and in
post (it lists unavailable and inactive POMs apart and does not offer them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet

from allocation import handover, reasons
from allocation.handover import HandoverFigures
from allocation.models import Bcst, PomAllocation, PomRole, PomType, Responsibility, Sentence
from allocation.selectors.handover_inputs import handover_inputs
from omic import dates
from omic.models import Prison, Prisoner, StaffMember, StaffRole, StaffStatus

POM_MIN_BAND = 4
# Staff role -> POM type (pom.md "Who is who"): a prison POM has role `pom`.
POM_TYPES = {StaffRole.POM: PomType.PRISON_POM, StaffRole.PROBATION_POM: PomType.PROBATION_POM}
POM_TYPE_WORDS = {PomType.PRISON_POM: "prison POM", PomType.PROBATION_POM: "probation POM"}


def capital(words: str) -> str:
    """The first letter a capital, the rest as written (POM stays POM)."""
    return words[:1].upper() + words[1:]


TIERS = ("A", "B", "C", "D")
NEW_ALLOCATION_DAYS = 7


def role_words(role: str) -> str:
    """'primary POM', 'co-working POM': for sentences."""
    label = PomRole(role).label
    return label[:1].lower() + label[1:]


def pom_type_of(staff: StaffMember) -> str | None:
    return POM_TYPES.get(staff.role)


def figures_for(prisoner: Prisoner, on: dt.date) -> HandoverFigures:
    """The prisoner's figures on `on` with any override in force (one query); not in custody
    that day: out of scope, as the nightly store has no row for them."""
    for item in handover_inputs(on=on, prisoner_ids=[prisoner.pk]):
        return handover.calculate_input(item, on)
    return HandoverFigures(in_scope=False, out_of_scope_reason=reasons.NOT_IN_CUSTODY)


def out_of_scope_words(figures: HandoverFigures) -> str:
    return reasons.OUT_OF_SCOPE.get(figures.out_of_scope_reason, figures.out_of_scope_reason)


def current_pom_allocations(prisoner: Prisoner, prisons: QuerySet | None = None) -> list[PomAllocation]:
    """The prisoner's current allocations (primary first), optionally only at `prisons`."""
    allocations = PomAllocation.objects.filter(prisoner=prisoner, end_date__isnull=True)
    if prisons is not None:
        allocations = allocations.filter(prison_id__in=prisons)
    return sorted(
        allocations.select_related("staff_member", "prison"), key=lambda a: a.role != PomRole.PRIMARY
    )


def pom_history(prisoner: Prisoner, prisons: QuerySet) -> list[PomAllocation]:
    """Every allocation at `prisons`, latest first."""
    return list(
        PomAllocation.objects.filter(prisoner=prisoner, prison_id__in=prisons)
        .select_related("staff_member", "prison")
        .order_by("-start_date", "-id")
    )


def _active_caseload_q(prison: Prison, prefix: str = "") -> Q:
    return Q(**{f"{prefix}end_date__isnull": True, f"{prefix}prison": prison})


@dataclass
class Candidate:
    staff: StaffMember
    pom_type: str
    caseload: int
    recommended: bool

    @property
    def words(self) -> str:
        """The hint beside each POM on the allocation form."""
        staff = self.staff
        kind = capital(POM_TYPE_WORDS[self.pom_type])
        if self.recommended:
            kind += " (recommended type)"
        cases = f"{self.caseload} case{'s' if self.caseload != 1 else ''}"
        return f"{kind} · {cases} · {working_pattern_words(staff)}"


def working_pattern_words(staff: StaffMember) -> str:
    return (
        f"{staff.working_pattern} ({staff.fte:.2f} FTE, {staff.contracted_hours.normalize():f} hours a week)"
    )


def pom_staff(prison: Prison) -> QuerySet[StaffMember]:
    """Everyone at the prison who may be a POM: prison and probation POMs of band 4 and above."""
    return StaffMember.objects.filter(prison=prison, role__in=list(POM_TYPES), band__gte=POM_MIN_BAND)


def pom_candidates(prison: Prison, on: dt.date, recommended: str | None) -> list[Candidate]:
    """The POMs who may take a case today (active, in post), each with their caseload here:
    the recommended type first, then by name (one query)."""
    staff = (
        pom_staff(prison)
        .filter(dates.in_post_on(on), status=StaffStatus.ACTIVE)
        .annotate(caseload=Count("pom_allocations", filter=_active_caseload_q(prison, "pom_allocations__")))
    )
    rows = [Candidate(s, POM_TYPES[s.role], s.caseload, POM_TYPES[s.role] == recommended) for s in staff]
    rows.sort(key=lambda c: (not c.recommended, c.staff.last_name, c.staff.first_name, c.staff.staff_id))
    return rows


@dataclass
class CaseMix:
    """One POM's row on the POMs page (pom.md "Case mix")."""

    staff: StaffMember
    pom_type: str | None
    in_post: bool
    tiers: dict[str, int] = field(default_factory=dict)
    tier_unknown: int = 0
    responsible: int = 0
    supporting: int = 0
    co_working: int = 0
    total: int = 0
    new_last_7_days: int = 0
    upcoming_handovers: int = 0

    @property
    def status_words(self) -> str:
        words = self.staff.get_status_display()
        return words if self.in_post else f"{words}, not in post"

    @property
    def pom_type_words(self) -> str:
        return capital(POM_TYPE_WORDS[self.pom_type]) if self.pom_type else "Not a POM now"


def _mix_counts(prison: Prison, on: dt.date, staff_id: str | None = None) -> dict[str, dict]:
    """Each POM's active allocations here, counted by tier, role and responsibility (one query)."""
    pom_responsible = [Responsibility.POM, Responsibility.POM_WITH_COM]
    primary = Q(role=PomRole.PRIMARY)
    counts = {
        **{f"tier_{t}": Count("id", filter=Q(prisoner__sentence__tier=t)) for t in TIERS},
        "total": Count("id"),
        "responsible": Count(
            "id", filter=primary & Q(prisoner__handover__responsibility__in=pom_responsible)
        ),
        "supporting": Count("id", filter=primary & Q(prisoner__handover__responsibility=Responsibility.COM)),
        "co_working": Count("id", filter=Q(role=PomRole.CO_WORKING)),
        "new": Count("id", filter=Q(start_date__gt=on - dt.timedelta(days=NEW_ALLOCATION_DAYS))),
        "upcoming": Count(
            "id",
            filter=primary
            & Q(
                prisoner__handover__responsibility=Responsibility.POM,
                prisoner__handover__handover_date__gt=on,
                prisoner__handover__handover_date__lte=on + handover.UPCOMING_WINDOW,
            ),
        ),
    }
    allocations = PomAllocation.objects.filter(_active_caseload_q(prison))
    if staff_id is not None:
        allocations = allocations.filter(staff_member_id=staff_id)
    return {
        row.pop("staff_member_id"): row for row in allocations.values("staff_member_id").annotate(**counts)
    }


def pom_case_mix(prison: Prison, on: dt.date) -> list[CaseMix]:
    """Every POM in post here (and anyone still holding cases here), with their case mix: two
    queries."""
    counts = _mix_counts(prison, on)
    staff = StaffMember.objects.filter(
        Q(pk__in=pom_staff(prison).filter(dates.in_post_on(on)).values("pk")) | Q(pk__in=list(counts))
    ).order_by("last_name", "first_name", "staff_id")
    rows = []
    for s in staff:
        c = counts.get(s.pk, {})
        tiers = {t: c.get(f"tier_{t}", 0) for t in TIERS}
        rows.append(
            CaseMix(
                staff=s,
                pom_type=pom_type_of(s),
                in_post=s.is_in_post_on(on) and s.prison_id == prison.pk,
                tiers=tiers,
                tier_unknown=c.get("total", 0) - sum(tiers.values()),
                responsible=c.get("responsible", 0),
                supporting=c.get("supporting", 0),
                co_working=c.get("co_working", 0),
                total=c.get("total", 0),
                new_last_7_days=c.get("new", 0),
                upcoming_handovers=c.get("upcoming", 0),
            )
        )
    return rows


def case_mix_totals(rows: list[CaseMix]) -> dict[str, int]:
    return {
        "total": sum(r.total for r in rows),
        "responsible": sum(r.responsible for r in rows),
        "supporting": sum(r.supporting for r in rows),
        "co_working": sum(r.co_working for r in rows),
        "new_last_7_days": sum(r.new_last_7_days for r in rows),
        "upcoming_handovers": sum(r.upcoming_handovers for r in rows),
    }


def pom_at(prison: Prison, staff_id: str) -> StaffMember | None:
    """A POM of the prison, or anyone holding cases there (for their caseload page)."""
    holding = PomAllocation.objects.filter(_active_caseload_q(prison), staff_member_id=staff_id)
    return (
        StaffMember.objects.filter(
            Q(pk__in=pom_staff(prison).values("pk")) | Q(pk__in=holding.values("staff_member_id"))
        )
        .filter(pk=staff_id)
        .first()
    )


@dataclass(frozen=True)
class CaseRow:
    """One prisoner on a POM's caseload page."""

    allocation: PomAllocation
    prisoner: Prisoner
    tier: str
    responsibility: str
    handover_date: dt.date | None
    com_allocated_date: dt.date | None

    @property
    def responsibility_words(self) -> str:
        return Responsibility(self.responsibility).label if self.responsibility else "Not calculated yet"


def pom_caseload(prison: Prison, staff: StaffMember) -> list[CaseRow]:
    """The POM's current cases here with each prisoner's tier and stored figures (one query)."""
    allocations = (
        PomAllocation.objects.filter(_active_caseload_q(prison), staff_member=staff)
        .select_related("prisoner", "prisoner__sentence", "prisoner__handover")
        .order_by("prisoner__last_name", "prisoner__first_name", "prisoner_id")
    )
    rows = []
    for a in allocations:
        p = a.prisoner
        sentence, stored = _related(p, "sentence"), _related(p, "handover")
        rows.append(
            CaseRow(
                allocation=a,
                prisoner=p,
                tier=sentence.tier if sentence else "",
                responsibility=stored.responsibility if stored else "",
                handover_date=stored.handover_date if stored else None,
                com_allocated_date=stored.com_allocated_date if stored else None,
            )
        )
    return rows


def _related(obj, relation: str):
    """A reverse one-to-one loaded by select_related, or None (no query either way)."""
    try:
        return getattr(obj, relation)
    except ObjectDoesNotExist:
        return None


def sentence_of(prisoner: Prisoner) -> Sentence | None:
    return Sentence.objects.filter(prisoner=prisoner).first()


def bcst_of(spell_id: int | None, prisons: QuerySet) -> Bcst | None:
    """The BCST task of a custody spell (if it opened a new custody episode) at `prisons`."""
    if spell_id is None:
        return None
    return (
        Bcst.objects.filter(spell_id=spell_id, prison_id__in=prisons).select_related("completed_by").first()
    )
