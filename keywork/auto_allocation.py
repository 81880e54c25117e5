"""Auto-allocation of key workers (keywork.md "Auto-allocation", formats.md "allocate_key_workers").

For every prisoner in custody at prison P on the day with no key worker, propose:
(1) their previous key worker at P (of their most recent ended allocation there) if eligible;
else (2) an eligible key worker based on the prisoner's wing; else (3) any eligible key worker.
Ties go to the lowest caseload/capacity ratio (compared exactly, as fractions), then the lowest
staff_id compared as text. Prisoners are placed longest waiting first (reception date at P, then
prison number), and each placement counts towards the key worker's caseload before the next, so
no caseload ever exceeds capacity. It runs whether or not key work is suspended that week.

`fetch_inputs` reads everything in two queries; `propose` is pure and sequential by nature.
Saving a proposal is keywork.services.confirm_allocations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery

from keywork import eligibility
from keywork.models import KeyWorkerAllocation
from omic import dates
from omic.models import CustodySpell, Prison

PREVIOUS = "previous"
SAME_WING = "same_wing"
BALANCE = "balance"
NO_KEY_WORKER = "unallocated: no trained active Band 3 key worker in post"
ALL_FULL = "unallocated: every key worker's caseload is full"


class Proposal(NamedTuple):
    prison_number: str
    staff_id: str | None  # None when the prisoner could not be placed
    reason: str  # previous | same_wing | balance | "unallocated: <why>"

    @property
    def placed(self) -> bool:
        return self.staff_id is not None


@dataclass(frozen=True)
class WaitingPrisoner:
    """A prisoner in custody at the prison on the day with no key worker."""

    prison_number: str
    reception_date: dt.date  # of the spell at this prison covering the day
    wing_id: int | None  # the spell's wing
    previous_staff_id: str | None  # key worker of the most recent ended allocation at this prison


@dataclass(frozen=True)
class KeyWorkerLoad:
    """A trained, active Band 3 key worker in post at the prison on the day (full or not)."""

    staff_id: str
    wing_id: int | None
    capacity: int
    caseload: int


def propose(prisoners: Iterable[WaitingPrisoner], key_workers: Iterable[KeyWorkerLoad]) -> list[Proposal]:
    """The proposal, sorted by prison number. Pure: the same rows give the same answer."""
    key_workers = sorted(key_workers, key=lambda k: k.staff_id)
    caseload = {k.staff_id: k.caseload for k in key_workers}
    proposals = []
    for prisoner in sorted(prisoners, key=lambda p: (p.reception_date, p.prison_number)):
        with_space = [k for k in key_workers if caseload[k.staff_id] < k.capacity]
        chosen, reason = _choose(prisoner, with_space, caseload)
        if chosen is None:
            proposals.append(
                Proposal(prisoner.prison_number, None, ALL_FULL if key_workers else NO_KEY_WORKER)
            )
            continue
        caseload[chosen.staff_id] += 1
        proposals.append(Proposal(prisoner.prison_number, chosen.staff_id, reason))
    return sorted(proposals, key=lambda p: p.prison_number)


def _choose(
    prisoner: WaitingPrisoner, with_space: list[KeyWorkerLoad], caseload: dict[str, int]
) -> tuple[KeyWorkerLoad | None, str]:
    for k in with_space:
        if k.staff_id == prisoner.previous_staff_id:
            return k, PREVIOUS
    same_wing = [k for k in with_space if prisoner.wing_id is not None and k.wing_id == prisoner.wing_id]
    pool, reason = (same_wing, SAME_WING) if same_wing else (with_space, BALANCE)
    if not pool:
        return None, ""
    return min(pool, key=lambda k: (Fraction(caseload[k.staff_id], k.capacity), k.staff_id)), reason


def _previous_key_worker(prison: Prison, on: dt.date) -> Subquery:
    """The key worker of the prisoner's latest allocation at `prison` that ended by `on`."""
    return Subquery(
        KeyWorkerAllocation.objects.filter(
            prison=prison,
            prisoner=OuterRef("prisoner"),
            deleted_at__isnull=True,
            end_date__isnull=False,
            end_date__lte=on,
        )
        .order_by("-end_date")
        .values("key_worker_id")[:1]
    )


def _waiting(rows: Iterable[tuple]) -> list[WaitingPrisoner]:
    """(prison number, reception date, wing, previous key worker) rows as `propose` takes them."""
    return [
        WaitingPrisoner(
            prison_number=number, reception_date=received, wing_id=wing_id, previous_staff_id=prev
        )
        for number, received, wing_id, prev in rows
    ]


def fetch_inputs(
    prison: Prison, on: dt.date, *, prisoners: bool = True
) -> tuple[list[WaitingPrisoner], list[KeyWorkerLoad]]:
    """The rows `propose` needs for `prison` on `on`, in two queries whatever the prison's size
    (one without the waiting prisoners)."""
    key_workers = [
        KeyWorkerLoad(staff_id=staff_id, wing_id=wing_id, capacity=capacity, caseload=caseload)
        for staff_id, wing_id, capacity, caseload in eligibility.available_key_workers(prison, on)
        .order_by()
        .values_list("staff_id", "wing_id", "capacity", "caseload")
    ]
    if not prisoners:
        return [], key_workers
    # A prisoner with an allocation covering the day, or starting later, already has a key worker.
    has_key_worker = KeyWorkerAllocation.objects.filter(
        eligibility.allocation_current_or_later_q(on), prisoner=OuterRef("prisoner")
    )
    spells = (
        CustodySpell.objects.filter(dates.in_custody_on(on), prison=prison)
        .exclude(Exists(has_key_worker))
        .annotate(previous_staff_id=_previous_key_worker(prison, on))
        .order_by()
        .values_list("prisoner_id", "reception_date", "wing_id", "previous_staff_id")
    )
    return _waiting(spells), key_workers


def fetch_caseload_to_move(prison: Prison, on: dt.date, staff_id: str) -> list[WaitingPrisoner]:
    """The prisoners in custody at `prison` on `on` whose allocation active that day is with
    `staff_id`, as `propose` takes them (the key worker moving them away is not among the
    available ones, so it never proposes them back): one query."""
    spell_here = CustodySpell.objects.filter(
        dates.in_custody_on(on), prison=prison, prisoner=OuterRef("prisoner")
    )
    rows = (
        KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(on), Exists(spell_here), prison=prison, key_worker_id=staff_id
        )
        .annotate(
            reception_date=Subquery(spell_here.values("reception_date")[:1]),
            wing_id=Subquery(spell_here.values("wing_id")[:1]),
            previous_staff_id=_previous_key_worker(prison, on),
        )
        .order_by()
        .values_list("prisoner_id", "reception_date", "wing_id", "previous_staff_id")
    )
    return _waiting(rows)


def propose_moves(*, prison: Prison, on: dt.date, staff_id: str) -> list[Proposal]:
    """Key workers, by the same rule, for every prisoner of `staff_id` (one who can no longer do
    the job), sorted by prison number: two queries."""
    _, key_workers = fetch_inputs(prison, on, prisoners=False)
    return propose(fetch_caseload_to_move(prison, on, staff_id), key_workers)


def propose_allocations(*, prison: Prison, on: dt.date) -> list[Proposal]:
    """Key workers for every prisoner in custody at `prison` on `on` without one, sorted by prison number."""
    prisoners, key_workers = fetch_inputs(prison, on)
    return propose(prisoners, key_workers)
