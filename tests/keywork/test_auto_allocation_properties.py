"""Auto-allocation against a slow, obviously-correct reference (keywork.md "Auto-allocation"):
random loads for the pure placement, random small prisons for propose_allocations."""

import datetime as dt
from fractions import Fraction

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keywork.auto_allocation import (
    ALL_FULL,
    NO_KEY_WORKER,
    KeyWorkerLoad,
    Proposal,
    WaitingPrisoner,
    propose,
    propose_allocations,
)
from keywork.models import KeyWorkerAllocation
from omic.models import CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.keywork.test_auto_allocation_db import ON


def reference_place(queue, key_workers):
    """Slow placement, stated differently from the implementation: rank every key worker with space
    by (tier, caseload/capacity, staff_id), tier 0 = previous, 1 = on the prisoner's wing, 2 = any.

    queue: (reception_date, prison_number, wing_id, previous_staff_id) tuples;
    key_workers: {staff_id: [wing_id, capacity, caseload]} (mutated as prisoners are placed)."""
    result = []
    for _, number, wing_id, previous in sorted(queue, key=lambda row: (row[0], row[1])):

        def tier(staff_id, wing_id=wing_id, previous=previous):
            if staff_id == previous:
                return 0
            return 1 if wing_id is not None and key_workers[staff_id][0] == wing_id else 2

        free = [k for k, (_, capacity, caseload) in key_workers.items() if caseload < capacity]
        if not free:
            result.append(Proposal(number, None, ALL_FULL if key_workers else NO_KEY_WORKER))
            continue
        best = min(free, key=lambda k: (tier(k), Fraction(key_workers[k][2], key_workers[k][1]), k))
        key_workers[best][2] += 1
        result.append(Proposal(number, best, ["previous", "same_wing", "balance"][tier(best)]))
    return sorted(result)


def reference_proposal(prison, on):
    """Object by object, with the models' own date predicates: no SQL cleverness to trust."""
    allocations = [a for a in KeyWorkerAllocation.objects.all() if a.deleted_at is None]
    key_workers = {
        s.staff_id: [
            s.wing_id,
            s.key_worker_capacity if s.key_worker_capacity is not None else prison.key_worker_capacity,
            sum(
                1
                for a in allocations
                if a.prison_id == prison.pk and a.key_worker_id == s.staff_id and a.is_active_on(on)
            ),
        ]
        for s in StaffMember.objects.filter(prison=prison)
        if s.band == 3 and s.is_in_post_on(on) and s.is_trained_on(on) and s.status == "active"
    }
    queue = []
    for spell in CustodySpell.objects.filter(prison=prison):
        if not (spell.reception_date <= on and (spell.release_date is None or on < spell.release_date)):
            continue
        theirs = [a for a in allocations if a.prisoner_id == spell.prisoner_id]
        if any(a.end_date is None or a.end_date > on for a in theirs):
            continue
        ended_here = [a for a in theirs if a.prison_id == prison.pk and a.end_date is not None]
        previous = max(ended_here, key=lambda a: a.end_date).key_worker_id if ended_here else None
        queue.append((spell.reception_date, spell.prisoner_id, spell.wing_id, previous))
    return reference_place(queue, key_workers)


pure_key_workers = st.dictionaries(
    st.sampled_from(["S1", "S10", "S2", "S9", "S100", "S11", "T1"]),
    st.tuples(st.sampled_from([None, 1, 2]), st.integers(0, 6), st.integers(0, 7)),
    max_size=7,
)
pure_prisoners = st.dictionaries(
    st.integers(0, 9999),
    st.tuples(
        st.integers(0, 3), st.sampled_from([None, 1, 2]), st.sampled_from([None, "S1", "S10", "S9", "Z1"])
    ),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(key_workers=pure_key_workers, prisoners=pure_prisoners)
def test_placement_matches_a_slow_reference_and_never_exceeds_capacity(key_workers, prisoners):
    queue = [
        (dt.date(2025, 1, 1 + days), f"A{n:04d}BC", wing, prev) for n, (days, wing, prev) in prisoners.items()
    ]
    loads = [
        KeyWorkerLoad(k, wing, capacity, caseload) for k, (wing, capacity, caseload) in key_workers.items()
    ]
    result = propose(
        [WaitingPrisoner(number, received, wing, prev) for received, number, wing, prev in queue], loads
    )
    assert result == reference_place(queue, {k: list(v) for k, v in key_workers.items()})
    for load_row in loads:
        placed = sum(1 for p in result if p.staff_id == load_row.staff_id)
        assert placed == 0 or load_row.caseload + placed <= load_row.capacity


STAFF_IDS = ["S1", "S10", "S2", "S9", "S100", "T1"]
day_offset = st.integers(min_value=-40, max_value=5)

staff_strategy = st.fixed_dictionaries(
    {
        "band": st.sampled_from([3, 3, 3, 4]),
        "left": st.one_of(st.none(), day_offset),
        "trained": st.one_of(st.none(), day_offset),
        "capacity": st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
        "wing": st.sampled_from([None, "A", "B"]),
        "status": st.sampled_from(["active", "active", "unavailable", "inactive"]),
    }
)
prisoner_strategy = st.fixed_dictionaries(
    {
        "number": st.integers(min_value=0, max_value=9999),
        "received": st.integers(min_value=-30, max_value=2),
        "released": st.one_of(st.none(), st.integers(min_value=-1, max_value=10)),
        "wing": st.sampled_from([None, "A", "B"]),
        "previous": st.lists(st.integers(min_value=0, max_value=6), max_size=2),
        "current": st.one_of(
            st.none(), st.tuples(st.sampled_from(["open", "ended_on_day", "later"]), st.integers(0, 6))
        ),
    }
)
world_strategy = st.fixed_dictionaries(
    {
        "prison_capacity": st.integers(min_value=1, max_value=4),
        "staff": st.lists(staff_strategy, max_size=len(STAFF_IDS)),
        "prisoners": st.lists(prisoner_strategy, max_size=12, unique_by=lambda p: p["number"]),
    }
)


def day(offset):
    return ON + dt.timedelta(days=offset)


def build_world(spec):
    prison = Prison.objects.create(
        code="PRP",
        name="HMP Property",
        estate="male_closed",
        country="england",
        key_work_start_date=dt.date(2019, 1, 7),
        key_worker_capacity=spec["prison_capacity"],
    )
    other = Prison.objects.create(code="OTH", name="HMP Other", estate="male_closed", country="england")
    wings = {code: Wing.objects.create(prison=prison, code=code, name=code) for code in "AB"}
    staff = []
    for staff_id, s in zip(STAFF_IDS, spec["staff"], strict=False):
        staff.append(
            StaffMember.objects.create(
                staff_id=staff_id,
                prison=prison,
                band=s["band"],
                role="officer",
                fte=1,
                in_post_from=day(-60),
                in_post_to=day(s["left"]) if s["left"] is not None else None,
                key_worker_trained_on=day(s["trained"]) if s["trained"] is not None else None,
                key_worker_capacity=s["capacity"],
                wing=wings.get(s["wing"]),
                status=s["status"],
            )
        )
    staff.append(
        StaffMember.objects.create(
            staff_id="X1",
            prison=other,
            band=3,
            role="officer",
            fte=1,
            in_post_from=day(-400),
            key_worker_trained_on=day(-400),
        )
    )
    for p in spec["prisoners"]:
        prisoner = Prisoner.objects.create(prison_number=f"A{p['number']:04d}BC")
        received_on = day(p["received"])
        released = day(p["released"]) if p["released"] is not None and p["released"] > p["received"] else None
        CustodySpell.objects.create(
            prisoner=prisoner,
            prison=prison,
            wing=wings.get(p["wing"]),
            reception_date=received_on,
            release_date=released,
        )
        # Earlier allocations at this prison (and, for the last, maybe another), ended before reception.
        for i, k in enumerate(p["previous"]):
            start = day(-300 + 100 * i)
            KeyWorkerAllocation.objects.create(
                prisoner=prisoner,
                prison=other if k == 6 else prison,
                key_worker=staff[k % len(staff)],
                start_date=start,
                end_date=start + dt.timedelta(days=50),
            )
        if p["current"] is not None:
            kind, k = p["current"]
            start, end = {
                "open": (received_on, None),
                "ended_on_day": (min(received_on, ON) - dt.timedelta(days=1), ON),
                "later": (max(received_on, ON) + dt.timedelta(days=1), None),
            }[kind]
            KeyWorkerAllocation.objects.create(
                prisoner=prisoner,
                prison=prison,
                key_worker=staff[k % len(staff)],
                start_date=start,
                end_date=end,
            )
    return prison


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world_strategy)
def test_auto_allocation_matches_a_slow_reference_and_keeps_its_promises(db, spec):
    with transaction.atomic():
        prison = build_world(spec)
        result = propose_allocations(prison=prison, on=ON)
        assert result == reference_proposal(prison, ON)

        staff = {s.staff_id: s for s in StaffMember.objects.all()}
        final = {
            staff_id: KeyWorkerAllocation.objects.filter(prison=prison, key_worker_id=staff_id)
            .filter(deleted_at__isnull=True, start_date__lte=ON)
            .exclude(end_date__lte=ON)
            .count()
            for staff_id in staff
        }
        for proposal in result:
            if proposal.staff_id is None:
                assert proposal.reason.startswith("unallocated: ")
                continue
            s = staff[proposal.staff_id]
            assert s.prison_id == "PRP" and s.band == 3 and s.is_in_post_on(ON)
            assert s.is_trained_on(ON) and s.status == "active"
            final[s.staff_id] += 1
        for staff_id in {p.staff_id for p in result if p.staff_id}:
            s = staff[staff_id]
            assert final[staff_id] <= (
                s.key_worker_capacity if s.key_worker_capacity is not None else prison.key_worker_capacity
            )
        assert len({p.prison_number for p in result}) == len(result)
        transaction.set_rollback(True)
