"""Auto-allocation's pure algorithm, keywork.auto_allocation.propose (keywork.md "Auto-allocation"):
who is placed with whom and why, on loads and waiting prisoners given as values. Against the database:
test_auto_allocation_db.py; against a slow reference: test_auto_allocation_properties.py."""

import datetime as dt
import random

from keywork.auto_allocation import ALL_FULL, NO_KEY_WORKER, KeyWorkerLoad, Proposal, WaitingPrisoner, propose

WING_A, WING_B = 1, 2


def waiting(number, received=dt.date(2025, 1, 1), wing=None, previous=None):
    return WaitingPrisoner(
        prison_number=number, reception_date=received, wing_id=wing, previous_staff_id=previous
    )


def load(staff_id, caseload=0, capacity=6, wing=None):
    return KeyWorkerLoad(staff_id=staff_id, wing_id=wing, capacity=capacity, caseload=caseload)


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
