"""Auto-allocation (keywork.md "Auto-allocation", formats.md "allocate_key_workers")."""

import csv
import datetime as dt
import io
import random
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keywork import auto_allocation, services
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
from omic.models import AuditEvent, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.factories import (
    BenchmarkFactory,
    KeyWorkerAllocationFactory,
    PrisonFactory,
    StaffMemberFactory,
    WingFactory,
    in_custody,
)

ON = dt.date(2025, 3, 3)
WING_A, WING_B = 1, 2


def waiting(number, received=dt.date(2025, 1, 1), wing=None, previous=None):
    return WaitingPrisoner(
        prison_number=number, reception_date=received, wing_id=wing, previous_staff_id=previous
    )


def load(staff_id, caseload=0, capacity=6, wing=None):
    return KeyWorkerLoad(staff_id=staff_id, wing_id=wing, capacity=capacity, caseload=caseload)


# The pure algorithm


def test_previous_key_worker_comes_first_even_when_others_have_more_space():
    result = propose(
        [waiting("A0001AA", wing=WING_B, previous="S2")], [load("S1", wing=WING_B), load("S2", 5)]
    )
    assert result == [Proposal("A0001AA", "S2", "previous")]


def test_previous_key_worker_with_a_full_caseload_is_passed_over_for_the_same_wing():
    result = propose(
        [waiting("A0001AA", wing=WING_A, previous="S2")],
        [load("S1", 5, wing=WING_A), load("S2", 6, wing=WING_A), load("S3", 0, wing=WING_B)],
    )
    assert result == [Proposal("A0001AA", "S1", "same_wing")]


def test_key_worker_of_the_prisoners_wing_comes_before_a_lighter_caseload_elsewhere():
    result = propose(
        [waiting("A0001AA", wing=WING_A)], [load("S1", 0, wing=WING_B), load("S2", 4, wing=WING_A)]
    )
    assert result == [Proposal("A0001AA", "S2", "same_wing")]


def test_without_a_key_worker_on_the_wing_the_lightest_caseload_ratio_wins():
    result = propose(
        [waiting("A0001AA", wing=WING_A)],
        [load("S1", 2, capacity=4, wing=WING_B), load("S2", 1, capacity=3), load("S3", 3, capacity=6)],
    )
    # 2/4 = 1/2, 1/3, 3/6 = 1/2: S2's third is lowest.
    assert result == [Proposal("A0001AA", "S2", "balance")]


def test_prisoner_without_a_wing_is_balanced():
    result = propose([waiting("A0001AA")], [load("S1", 1, wing=WING_A), load("S2", 0, wing=WING_A)])
    assert result == [Proposal("A0001AA", "S2", "balance")]


def test_equal_ratios_go_to_the_lowest_staff_id_compared_as_text():
    # 1/3 and 2/6 are equal exactly; "S10" < "S9" as text, though 10 > 9 as numbers.
    result = propose([waiting("A0001AA")], [load("S9", 1, capacity=3), load("S10", 2, capacity=6)])
    assert result == [Proposal("A0001AA", "S10", "balance")]


def test_ratio_is_compared_before_staff_id():
    result = propose([waiting("A0001AA")], [load("S1", 3, capacity=6), load("S2", 1, capacity=3)])
    assert result == [Proposal("A0001AA", "S2", "balance")]  # 1/3 < 1/2


def test_longest_waiting_prisoner_is_placed_first_then_by_prison_number():
    prisoners = [
        waiting("A0003AA", received=dt.date(2025, 1, 1)),
        waiting("A0001AA", received=dt.date(2025, 2, 1)),
        waiting("A0002AA", received=dt.date(2025, 1, 1)),
    ]
    result = propose(prisoners, [load("S1", 4, capacity=6)])
    assert result == [
        Proposal("A0001AA", None, ALL_FULL),
        Proposal("A0002AA", "S1", "balance"),
        Proposal("A0003AA", "S1", "balance"),
    ]


def test_each_placement_counts_towards_the_caseload_before_the_next():
    prisoners = [waiting(f"A000{i}AA") for i in range(1, 5)]
    result = propose(prisoners, [load("S1", 0, capacity=2), load("S2", 0, capacity=2)])
    assert [p.staff_id for p in result] == ["S1", "S2", "S1", "S2"]


def test_previous_key_worker_is_honoured_only_while_they_have_space():
    prisoners = [waiting("A0001AA", previous="S1"), waiting("A0002AA", previous="S1")]
    result = propose(prisoners, [load("S1", 0, capacity=1), load("S2", 0, capacity=1)])
    assert result == [Proposal("A0001AA", "S1", "previous"), Proposal("A0002AA", "S2", "balance")]


def test_unplaceable_prisoners_are_listed_with_why():
    assert propose([waiting("A0001AA")], []) == [Proposal("A0001AA", None, NO_KEY_WORKER)]
    assert propose([waiting("A0001AA")], [load("S1", 6, capacity=6)]) == [Proposal("A0001AA", None, ALL_FULL)]
    assert propose([waiting("A0001AA")], [load("S1", 0, capacity=0)]) == [Proposal("A0001AA", None, ALL_FULL)]
    assert NO_KEY_WORKER.startswith("unallocated: ") and ALL_FULL.startswith("unallocated: ")


def test_capacity_is_never_exceeded_even_when_a_caseload_is_already_over():
    result = propose([waiting(f"A000{i}AA") for i in range(1, 6)], [load("S1", 7, capacity=6), load("S2", 4)])
    assert [p.staff_id for p in result] == ["S2", "S2", None, None, None]


def test_proposal_is_deterministic_whatever_the_order_of_its_inputs():
    rng = random.Random(7)
    prisoners = [
        waiting(
            f"A{i:04d}AA",
            received=dt.date(2025, 1, 1 + i % 5),
            wing=rng.choice([None, 1, 2]),
            previous=rng.choice([None, "S1", "S10"]),
        )
        for i in range(40)
    ]
    key_workers = [
        load(s, rng.randint(0, 3), rng.randint(1, 6), rng.choice([None, 1, 2]))
        for s in ["S1", "S10", "S2", "S9"]
    ]
    first = propose(prisoners, key_workers)
    for _ in range(5):
        rng.shuffle(prisoners)
        rng.shuffle(key_workers)
        assert propose(prisoners, key_workers) == first


# From the database


@pytest.fixture
def prison(db):
    prison = PrisonFactory(code="LEI", key_worker_capacity=6)
    WingFactory(prison=prison, code="A")
    WingFactory(prison=prison, code="B")
    return prison


def wing(prison, code):
    return Wing.objects.get(prison=prison, code=code)


def received(prison, number, on=dt.date(2025, 1, 1), wing_code=None, release=None):
    return in_custody(
        prison, number, wing(prison, wing_code) if wing_code else None, received=on, released=release
    )


def test_proposal_covers_only_prisoners_in_custody_without_a_key_worker(prison):
    worker = StaffMemberFactory(staff_id="S1", prison=prison)
    received(prison, "A0001AA")
    KeyWorkerAllocationFactory(prisoner=received(prison, "A0002AA"), prison=prison, key_worker=worker)
    received(prison, "A0003AA", release=ON)  # released that day
    received(prison, "A0004AA", on=ON + dt.timedelta(days=1))  # not yet received
    received(prison, "A0005AA", on=ON)  # received that day
    assert propose_allocations(prison=prison, on=ON) == [
        Proposal("A0001AA", "S1", "balance"),
        Proposal("A0005AA", "S1", "balance"),
    ]


def test_previous_key_worker_is_the_one_of_the_most_recent_ended_allocation_at_the_prison(prison):
    s1, s2, s3 = (StaffMemberFactory(staff_id=s, prison=prison) for s in ("S1", "S2", "S3"))
    elsewhere = StaffMemberFactory(staff_id="S4", prison=PrisonFactory(code="BMI"))
    prisoner = received(prison, "A0001AA", on=dt.date(2024, 6, 1))
    for key_worker, start, end in [(s1, "2024-06-01", "2024-08-01"), (s2, "2024-08-01", "2024-10-01")]:
        KeyWorkerAllocationFactory(
            prisoner=prisoner, prison=prison, key_worker=key_worker, start_date=start, end_date=end
        )
    KeyWorkerAllocationFactory(
        prisoner=prisoner,
        prison=prison,
        key_worker=s3,
        start_date="2024-10-01",
        end_date="2024-11-01",
        deleted_at=dt.datetime(2024, 11, 2, tzinfo=dt.UTC),
    )
    KeyWorkerAllocationFactory(
        prisoner=prisoner,
        prison=elsewhere.prison,
        key_worker=elsewhere,
        start_date="2024-12-01",
        end_date="2025-01-01",
    )
    assert propose_allocations(prison=prison, on=ON) == [Proposal("A0001AA", "S2", "previous")]


def test_only_eligible_key_workers_are_proposed(prison):
    for staff_id, changes in {
        "S1": {"band": 4},
        "S2": {"key_worker_trained_on": ON + dt.timedelta(days=1)},
        "S3": {"status": "unavailable"},
        "S4": {"status": "inactive"},
        "S5": {"in_post_to": ON},
        "S6": {"in_post_from": ON + dt.timedelta(days=1)},
    }.items():
        StaffMemberFactory(staff_id=staff_id, prison=prison, **changes)
    StaffMemberFactory(staff_id="S0", prison=PrisonFactory(code="BMI"))
    received(prison, "A0001AA")
    assert propose_allocations(prison=prison, on=ON) == [Proposal("A0001AA", None, NO_KEY_WORKER)]
    StaffMemberFactory(staff_id="S7", prison=prison, key_worker_trained_on=ON)
    assert propose_allocations(prison=prison, on=ON) == [Proposal("A0001AA", "S7", "balance")]


def test_same_wing_uses_the_prisoners_current_spell_and_the_key_workers_wing(prison):
    StaffMemberFactory(staff_id="S1", prison=prison, wing=wing(prison, "A"))
    StaffMemberFactory(staff_id="S2", prison=prison, wing=wing(prison, "B"))
    received(prison, "A0001AA", wing_code="B")
    received(prison, "A0002AA", wing_code="A")
    assert propose_allocations(prison=prison, on=ON) == [
        Proposal("A0001AA", "S2", "same_wing"),
        Proposal("A0002AA", "S1", "same_wing"),
    ]


def test_auto_allocation_runs_when_key_work_is_suspended(prison):
    prison.estate = "male_open"
    prison.key_work_start_date = None
    prison.save()
    StaffMemberFactory(staff_id="S1", prison=prison)
    StaffMemberFactory(
        staff_id="S2", prison=prison, key_worker_trained_on=None
    )  # untrained Band 3: suspended
    received(prison, "A0001AA")
    assert services.session_week_warning(prison, ON)
    assert propose_allocations(prison=prison, on=ON) == [Proposal("A0001AA", "S1", "balance")]


def test_caseload_counts_allocations_at_the_prison_active_on_the_day(prison):
    worker = StaffMemberFactory(staff_id="S1", prison=prison, key_worker_capacity=2)
    StaffMemberFactory(staff_id="S2", prison=prison, key_worker_capacity=2)
    KeyWorkerAllocationFactory(prisoner=received(prison, "B0001AA"), prison=prison, key_worker=worker)
    KeyWorkerAllocationFactory(
        prisoner=received(prison, "B0002AA"),
        prison=prison,
        key_worker=worker,
        start_date="2024-01-01",
        end_date=ON,
    )  # ended: not counted
    received(prison, "A0001AA")
    received(prison, "A0002AA")
    # Same reception date, so placed by prison number. S1 holds 1 of 2 (the ended allocation is not
    # counted), S2 0 of 2: A0001AA to S2 (0 < 1/2); A0002AA: both 1/2, S1 by staff_id; B0002AA's
    # previous key worker S1 (the allocation that ended on the day) is now full, so S2.
    assert propose_allocations(prison=prison, on=ON) == [
        Proposal("A0001AA", "S2", "balance"),
        Proposal("A0002AA", "S1", "balance"),
        Proposal("B0002AA", "S2", "balance"),
    ]


def build_prison(prison, prisoners):
    staff = [
        StaffMemberFactory(
            staff_id=f"S{i}", prison=prison, wing=wing(prison, "AB"[i % 2]), key_worker_capacity=20
        )
        for i in range(6)
    ]
    for i in range(prisoners):
        prisoner = received(prison, f"A{i:04d}AA", on=dt.date(2024, 1, 1 + i % 28), wing_code="AB"[i % 2])
        if i % 3 == 0:
            KeyWorkerAllocationFactory(
                prisoner=prisoner,
                prison=prison,
                key_worker=staff[i % 6],
                start_date="2024-02-01",
                end_date="2024-06-01",
            )
        elif i % 3 == 1:
            KeyWorkerAllocationFactory(prisoner=prisoner, prison=prison, key_worker=staff[i % 6])


@pytest.mark.parametrize("prisoners", [5, 50])
def test_proposal_reads_in_a_fixed_number_of_queries(prison, prisoners, django_assert_max_num_queries):
    build_prison(prison, prisoners)
    with django_assert_max_num_queries(2):
        result = propose_allocations(prison=prison, on=ON)
    assert len(result) == len([i for i in range(prisoners) if i % 3 != 1])


# Confirming


def test_confirm_saves_the_proposal_as_open_allocations_from_the_day_audited_once(prison, make_user):
    admin = make_user("admin", prisons=[prison])
    StaffMemberFactory(staff_id="S1", prison=prison, key_worker_capacity=1)
    received(prison, "A0001AA")
    received(prison, "A0002AA")
    proposals = propose_allocations(prison=prison, on=ON)
    created = services.confirm_allocations(prison=prison, on=ON, confirmed_by=admin, proposals=proposals)
    assert [(a.prisoner_id, a.key_worker_id, a.start_date, a.end_date) for a in created] == [
        ("A0001AA", "S1", ON, None)
    ]
    assert created[0].reason == "auto-allocation: balance" and created[0].created_by == admin
    event = AuditEvent.objects.get()
    assert (event.action, event.prison_id, event.after["count"]) == (
        "keywork.allocation.auto_confirm",
        "LEI",
        1,
    )


def test_confirming_twice_changes_nothing(prison):
    StaffMemberFactory(staff_id="S1", prison=prison)
    for number in ("A0001AA", "A0002AA", "A0003AA"):
        received(prison, number)
    proposals = propose_allocations(prison=prison, on=ON)
    assert (
        len(services.confirm_allocations(prison=prison, on=ON, confirmed_by=None, proposals=proposals)) == 3
    )
    allocations = list(KeyWorkerAllocation.objects.values())
    assert services.confirm_allocations(prison=prison, on=ON, confirmed_by=None, proposals=proposals) == []
    assert list(KeyWorkerAllocation.objects.values()) == allocations
    assert AuditEvent.objects.count() == 1
    assert propose_allocations(prison=prison, on=ON) == []


def test_confirm_refuses_a_proposal_that_no_longer_holds_and_saves_none_of_it(prison):
    worker = StaffMemberFactory(staff_id="S1", prison=prison, key_worker_capacity=2)
    received(prison, "A0001AA")
    received(prison, "A0002AA")
    proposals = propose_allocations(prison=prison, on=ON)
    KeyWorkerAllocationFactory(prisoner=received(prison, "B0001AA"), prison=prison, key_worker=worker)
    with pytest.raises(ValidationError) as refused:
        services.confirm_allocations(prison=prison, on=ON, confirmed_by=None, proposals=proposals)
    assert refused.value.message_dict == {
        "proposals": ["A0002AA: S1's caseload is full; run auto-allocation again."]
    }
    assert KeyWorkerAllocation.objects.count() == 1


# The command


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("allocate_key_workers", *args, stdout=out, stderr=err)
    return list(csv.reader(io.StringIO(out.getvalue()))), err.getvalue()


def test_command_prints_the_proposal_as_csv_sorted_by_prison_number(prison):
    StaffMemberFactory(staff_id="S1", prison=prison, key_worker_capacity=1)
    received(prison, "B0001AA", on=dt.date(2024, 1, 1))
    received(prison, "A0001AA", on=dt.date(2024, 6, 1))
    rows, _ = run_command("--prison", "LEI", "--date", "2025-03-03")
    assert rows == [
        ["prison_number", "staff_id", "reason"],
        ["A0001AA", "", ALL_FULL],
        ["B0001AA", "S1", "balance"],
    ]
    assert not KeyWorkerAllocation.objects.exists()


def test_command_with_confirm_saves_the_allocations_from_the_date(prison):
    StaffMemberFactory(staff_id="S1", prison=prison)
    received(prison, "A0001AA")
    rows, err = run_command("--prison", "lei", "--date", "2025-03-03", "--confirm")
    assert rows[1] == ["A0001AA", "S1", "balance"]
    assert "Saved 1 allocations" in err
    assert KeyWorkerAllocation.objects.get().start_date == ON
    run_command("--prison", "LEI", "--date", "2025-03-03", "--confirm")
    assert KeyWorkerAllocation.objects.count() == 1


def test_command_refuses_an_unknown_prison(db):
    with pytest.raises(CommandError, match="Unknown prison: XYZ"):
        run_command("--prison", "XYZ")


def test_command_refuses_a_date_that_is_not_iso(prison):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_command("--prison", "LEI", "--date", "03/03/2025")


# Property: random small prisons against a slow, obviously-correct reference


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


def test_inputs_are_the_waiting_prisoners_and_the_key_workers_loads(prison):
    BenchmarkFactory(prison=prison)
    StaffMemberFactory(staff_id="S1", prison=prison, wing=wing(prison, "A"), key_worker_capacity=3)
    received(prison, "A0001AA", wing_code="A")
    prisoners, key_workers = auto_allocation.fetch_inputs(prison, ON)
    assert prisoners == [WaitingPrisoner("A0001AA", dt.date(2025, 1, 1), wing(prison, "A").pk, None)]
    assert key_workers == [KeyWorkerLoad("S1", wing(prison, "A").pk, 3, 0)]
