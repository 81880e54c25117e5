"""The allocation page (keywork.md "Allocation of key workers"): the prisoners who need a key
worker, the auto-allocation proposal to confirm, and the look-ups of its forms.

Each function costs a fixed number of queries whatever the number of key workers or prisoners.
Scope has been decided by the view (omic.access); these take a prison the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from keywork import auto_allocation, eligibility
from keywork.models import KeyWorkerAllocation
from keywork.selectors import caseloads
from omic import dates
from omic.models import CustodySpell, Prison, Prisoner, StaffMember

NO_KEY_WORKER = "no_key_worker"
NEEDS_REASONS: dict[str, str] = {
    NO_KEY_WORKER: "no key worker",
    **caseloads.NEEDS_KEY_WORKER_REASONS,
}

RULES: dict[str, str] = {
    auto_allocation.PREVIOUS: "Previous key worker",
    auto_allocation.SAME_WING: "Key worker on their wing",
    auto_allocation.BALANCE: "Lightest caseload",
}
UNALLOCATED_PREFIX = "unallocated: "


@dataclass(frozen=True)
class NeedingRow:
    prison_number: str
    first_name: str
    last_name: str
    wing_name: str | None
    in_custody_since: dt.date | None
    key_worker_id: str | None  # the current key worker who cannot do the job, if any
    key_worker_name: str
    reason: str  # a code of NEEDS_REASONS

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.prison_number

    @property
    def reason_words(self) -> str:
        return NEEDS_REASONS[self.reason]


@dataclass(frozen=True)
class ProposalRow:
    prison_number: str
    prisoner_name: str
    staff_id: str | None
    key_worker_name: str
    reason: str  # the rule used (auto_allocation.PREVIOUS, ...) or "unallocated: why"

    @property
    def rule_words(self) -> str:
        if self.staff_id is None:
            why = self.reason.removeprefix(UNALLOCATED_PREFIX)
            return why[:1].upper() + why[1:]
        return RULES.get(self.reason, self.reason)


@dataclass(frozen=True)
class MovingAway:
    """A key worker who can no longer do the job, whose prisoners can be moved in one go."""

    staff_id: str
    name: str
    reason: str  # a code of caseloads.NEEDS_KEY_WORKER_REASONS
    prisoners: int

    @property
    def reason_words(self) -> str:
        return NEEDS_REASONS[self.reason]


@dataclass(frozen=True)
class AllocationPage:
    needing: list[NeedingRow]  # no key worker first, then those whose key worker cannot do the job
    moving_away: list[MovingAway]  # key workers whose prisoners need moving, by name
    proposals: list[auto_allocation.Proposal]  # what "Confirm" saves (placed ones only)
    placed: list[ProposalRow]
    unplaced: list[ProposalRow]


def _full_name(first: str, last: str, fallback: str) -> str:
    return f"{first} {last}".strip() or fallback


def allocation_page(prison: Prison, on: dt.date) -> AllocationPage:
    """Prisoners at `prison` who need a key worker on `on`, and the auto-allocation proposal for
    those with none: at most five queries whatever the number of prisoners and key workers."""
    needing = [
        NeedingRow(
            prison_number=spell.prisoner_id,
            first_name=spell.prisoner.first_name,
            last_name=spell.prisoner.last_name,
            wing_name=spell.wing.name if spell.wing else None,
            in_custody_since=spell.reception_date,
            key_worker_id=None,
            key_worker_name="",
            reason=NO_KEY_WORKER,
        )
        for spell in caseloads.prisoners_without_key_worker(prison, on)
    ]
    spell_here = CustodySpell.objects.filter(
        dates.in_custody_on(on), prison=prison, prisoner=OuterRef("prisoner")
    )
    unsuitable = caseloads.prisoners_needing_key_worker(prison, on).annotate(
        wing_name=Subquery(spell_here.values("wing__name")[:1]),
        in_custody_since=Subquery(spell_here.values("reception_date")[:1]),
    )
    needing += [
        NeedingRow(
            prison_number=allocation.prisoner_id,
            first_name=allocation.prisoner.first_name,
            last_name=allocation.prisoner.last_name,
            wing_name=allocation.wing_name,
            in_custody_since=allocation.in_custody_since,
            key_worker_id=allocation.key_worker_id,
            key_worker_name=allocation.key_worker.full_name,
            reason=allocation.needs_reason,
        )
        for allocation in unsuitable
    ]

    # Those with no key worker at all first, then longest waiting first, as auto-allocation places them.
    needing.sort(key=lambda row: (row.reason != NO_KEY_WORKER, row.in_custody_since or on, row.prison_number))
    moving: dict[str, MovingAway] = {}
    for row in needing:
        if row.key_worker_id:
            seen = moving.get(row.key_worker_id)
            moving[row.key_worker_id] = MovingAway(
                staff_id=row.key_worker_id,
                name=row.key_worker_name or row.key_worker_id,
                reason=row.reason,
                prisoners=(seen.prisoners if seen else 0) + 1,
            )

    proposals = auto_allocation.propose_allocations(prison=prison, on=on)
    prisoner_names = {row.prison_number: row.name for row in needing}
    rows = _proposal_rows(proposals, prisoner_names)
    return AllocationPage(
        needing=needing,
        moving_away=sorted(moving.values(), key=lambda m: (m.name, m.staff_id)),
        proposals=[p for p in proposals if p.placed],
        placed=[row for row in rows if row.staff_id],
        unplaced=[row for row in rows if not row.staff_id],
    )


def _proposal_rows(
    proposals: list[auto_allocation.Proposal], prisoner_names: dict[str, str]
) -> list[ProposalRow]:
    staff_ids = {p.staff_id for p in proposals if p.placed}
    key_worker_names = {
        staff_id: _full_name(first, last, staff_id)
        for staff_id, first, last in StaffMember.objects.filter(pk__in=staff_ids).values_list(
            "staff_id", "first_name", "last_name"
        )
    }
    rows = [
        ProposalRow(
            prison_number=p.prison_number,
            prisoner_name=prisoner_names.get(p.prison_number, p.prison_number),
            staff_id=p.staff_id,
            key_worker_name=key_worker_names.get(p.staff_id, p.staff_id) if p.staff_id else "",
            reason=p.reason,
        )
        for p in proposals
    ]
    return rows


@dataclass(frozen=True)
class MoveReview:
    key_worker: MovingAway
    proposals: list[auto_allocation.Proposal]  # what "Confirm" saves (placed ones only)
    placed: list[ProposalRow]
    unplaced: list[ProposalRow]  # they keep their key worker for now


def move_review(page: AllocationPage, prison: Prison, on: dt.date, staff_id: str) -> MoveReview | None:
    """The auto-allocation rule's proposal for every prisoner of `staff_id`, one of the key workers
    on `page` who cannot do the job (None if they are not one): three queries."""
    key_worker = next((m for m in page.moving_away if m.staff_id == staff_id), None)
    if key_worker is None:
        return None
    proposals = auto_allocation.propose_moves(prison=prison, on=on, staff_id=staff_id)
    prisoner_names = {row.prison_number: row.name for row in page.needing}
    rows = _proposal_rows(proposals, prisoner_names)
    return MoveReview(
        key_worker=key_worker,
        proposals=[p for p in proposals if p.placed],
        placed=[row for row in rows if row.staff_id],
        unplaced=[row for row in rows if not row.staff_id],
    )


def key_worker_choices(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    """Who the allocation form offers: Band 3 staff in post at `prison`, with caseload, capacity,
    trained and eligible annotated. Ineligible ones are offered too, labelled why, so that the
    service's refusal (full, untrained, unavailable) says exactly what to do."""
    return caseloads.caseloads(prison, on, in_post_only=True)


def prisoner_in_custody(prison: Prison, on: dt.date, prison_number: str) -> Prisoner | None:
    """The prisoner, if in custody at `prison` on `on` (else None: elsewhere and unknown look alike)."""
    spell = (
        caseloads.prisoners_in_custody(prison, on)
        .filter(prisoner_id=prison_number)
        .select_related("prisoner")
        .first()
    )
    return spell.prisoner if spell else None


def allocation_at(prison: Prison, on: dt.date, prison_number: str) -> KeyWorkerAllocation | None:
    """The prisoner's allocation at `prison` active on `on`, if any."""
    return (
        KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(on), prison=prison, prisoner_id=prison_number
        )
        .select_related("prisoner", "key_worker")
        .first()
    )
