"""Allocation of key workers (keywork.md): one active allocation per prisoner, eligibility and
capacity, reallocation, and the allocation page's reads. Deallocation: test_key_worker_deallocation.py;
departures: test_departures.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from keywork import selectors, services
from keywork.models import KeyWorkerAllocation
from omic.models import AuditEvent
from tests.factories import (
    KeyWorkerAllocationFactory,
    PrisonFactory,
    StaffMemberFactory,
    in_custody,
)

START = dt.date(2025, 3, 3)


def allocate(w, **overrides):
    """The world's admin allocates its key worker to its prisoner from START."""
    kwargs = {"allocated_by": w.admin, **w.case, "start_date": START, "reason": "", **overrides}
    return services.allocate_key_worker(**kwargs)


def fill_caseload(prison, key_worker, count, start=dt.date(2025, 1, 1)):
    for i in range(count):
        KeyWorkerAllocationFactory(
            prisoner=in_custody(prison, f"{chr(ord('C') + int(key_worker.staff_id[1:]) % 20)}{i:04d}CX"),
            prison=prison,
            key_worker=key_worker,
            start_date=start,
        )


def test_one_active_allocation_per_prisoner_is_enforced_by_the_database(world):
    other = StaffMemberFactory(staff_id="S2", prison=world.prison)
    KeyWorkerAllocation.objects.create(
        prisoner=world.prisoner, prison=world.prison, key_worker=world.key_worker, start_date=START
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyWorkerAllocation.objects.create(
            prisoner=world.prisoner,
            prison=world.prison,
            key_worker=other,
            start_date=START + dt.timedelta(days=1),
        )


def test_overlapping_allocations_of_a_prisoner_are_refused_by_the_database(world):
    KeyWorkerAllocation.objects.create(
        prisoner=world.prisoner,
        prison=world.prison,
        key_worker=world.key_worker,
        start_date=START,
        end_date=START + dt.timedelta(days=10),
    )
    with pytest.raises(IntegrityError, match="kw_alloc_no_overlap"), transaction.atomic():
        KeyWorkerAllocation.objects.create(
            prisoner=world.prisoner,
            prison=world.prison,
            key_worker=world.key_worker,
            start_date=START + dt.timedelta(days=5),
            end_date=START + dt.timedelta(days=20),
        )


def test_allocation_to_an_eligible_key_worker_is_saved_audited_and_recomputed(world, recompute_calls):
    allocation = allocate(world, reason="new reception")
    assert (allocation.key_worker_id, allocation.start_date, allocation.end_date) == ("S1", START, None)
    assert allocation.created_by == world.admin
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.before) == (
        "keywork.allocation.create",
        str(allocation.pk),
        None,
    )
    assert event.after["key_worker"] == "S1" and event.reason == "new reception"
    prison_id, days = recompute_calls[0]
    assert prison_id == "LEI" and days[0] == START


def not_in_post(staff_id, day="3 March 2025"):
    return (
        f"Key worker {staff_id} is not in post at LEI on {day}. "
        "Choose a key worker in post at this prison on that date, or check the date."
    )


@pytest.mark.parametrize(
    ("staff", "message"),
    [
        pytest.param(
            {"band": 4},
            "Key worker S2 is Band 4: key work sessions are held by Band 3 officers. "
            "Choose a Band 3 key worker.",
            id="not_band_3",
        ),
        pytest.param({"in_post_to": START}, not_in_post("S2"), id="left_post_on_the_start_date"),
        pytest.param({"in_post_from": START + dt.timedelta(days=1)}, not_in_post("S2"), id="not_yet_in_post"),
        pytest.param(
            {"key_worker_trained_on": None},
            "Key worker S2 had not completed key worker training by 3 March 2025. "
            "Choose a trained key worker, or record their training date first.",
            id="untrained",
        ),
        pytest.param(
            {"status": "unavailable"},
            "Key worker S2 is unavailable. Choose an active key worker, or change their status first.",
            id="unavailable",
        ),
        pytest.param(
            {"status": "inactive"},
            "Key worker S2 is inactive. Choose an active key worker, or change their status first.",
            id="inactive",
        ),
    ],
)
def test_allocation_to_an_ineligible_key_worker_is_refused(world, staff, message):
    officer = StaffMemberFactory(staff_id="S2", prison=world.prison, **staff)
    with pytest.raises(ValidationError) as refused:
        allocate(world, key_worker=officer)
    assert refused.value.message_dict == {"key_worker": [message]}
    assert not KeyWorkerAllocation.objects.exists() and not AuditEvent.objects.exists()


def test_allocation_to_a_key_worker_of_another_prison_is_refused(world):
    officer = StaffMemberFactory(staff_id="S2", prison=PrisonFactory(code="BMI"))
    with pytest.raises(ValidationError) as refused:
        allocate(world, key_worker=officer)
    assert refused.value.message_dict == {"key_worker": [not_in_post("S2")]}


def test_allocation_of_a_prisoner_released_on_the_start_date_is_refused(world):
    prisoner = in_custody(world.prison, "B1111BB", released=START)
    with pytest.raises(ValidationError) as refused:
        allocate(world, prisoner=prisoner)
    assert refused.value.message_dict == {
        "prisoner": [
            "Prisoner B1111BB is not in custody at LEI on 3 March 2025. "
            "Check the date, or choose a prisoner in custody at this prison that day."
        ]
    }


def test_allocation_beyond_the_prisons_default_capacity_is_refused(world):
    world.prison.key_worker_capacity = 3
    world.prison.save()
    fill_caseload(world.prison, world.key_worker, 3)
    with pytest.raises(ValidationError) as refused:
        allocate(world)
    assert refused.value.message_dict == {
        "key_worker": [
            "Key worker S1 has a full caseload on 3 March 2025 (3 of 3). "
            "Choose a key worker with space, or raise their capacity."
        ]
    }


def test_allocation_beyond_the_key_workers_own_capacity_is_refused_though_the_prison_allows_more(world):
    part_time = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_capacity=2)
    fill_caseload(world.prison, part_time, 2)
    with pytest.raises(ValidationError) as refused:
        allocate(world, key_worker=part_time)
    assert "(2 of 2)" in refused.value.message_dict["key_worker"][0]


def test_key_workers_own_capacity_above_the_prisons_default_is_honoured(world):
    experienced = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_capacity=8)
    fill_caseload(world.prison, experienced, 6)
    assert allocate(world, key_worker=experienced).key_worker_id == "S2"


def test_ended_and_deleted_allocations_do_not_count_towards_the_caseload(world):
    world.prison.key_worker_capacity = 1
    world.prison.save()
    KeyWorkerAllocationFactory(
        prisoner=in_custody(world.prison, "B1111BB"),
        prison=world.prison,
        key_worker=world.key_worker,
        start_date=dt.date(2025, 1, 1),
        end_date=START,
    )
    KeyWorkerAllocationFactory(
        prisoner=in_custody(world.prison, "B2222BB"),
        prison=world.prison,
        key_worker=world.key_worker,
        start_date=dt.date(2025, 1, 1),
        deleted_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
    )
    assert allocate(world).key_worker_id == "S1"


def test_reallocation_ends_the_old_allocation_the_day_the_new_one_starts(world, recompute_calls):
    old = allocate(world, start_date=dt.date(2025, 1, 6))
    new_worker = StaffMemberFactory(staff_id="S2", prison=world.prison)
    new = allocate(world, key_worker=new_worker, reason="S1 moved wing")
    old.refresh_from_db()
    assert (old.end_date, old.end_reason, old.deleted_at) == (START, "reallocated to S2", None)
    assert (new.start_date, new.end_date, new.key_worker_id) == (START, None, "S2")
    assert (
        selectors.allocation_on(world.prisoner, world.prison, START - dt.timedelta(days=1)).key_worker_id
        == "S1"
    )
    assert selectors.allocation_on(world.prisoner, world.prison, START).key_worker_id == "S2"
    ended = AuditEvent.objects.get(action="keywork.allocation.end")
    assert ended.before["end_date"] is None and ended.after["end_date"] == "2025-03-03"
    assert ended.reason == "S1 moved wing"


def test_reallocation_on_the_same_day_deletes_the_old_allocation(world):
    old = allocate(world)
    new = allocate(world, key_worker=StaffMemberFactory(staff_id="S2", prison=world.prison))
    old.refresh_from_db()
    assert old.deleted_at is not None and old.deleted_reason == "replaced the same day"
    assert old.end_date is None
    assert KeyWorkerAllocation.objects.filter(deleted_at__isnull=True).get() == new
    assert AuditEvent.objects.filter(action="keywork.allocation.delete").count() == 1


def test_reallocation_to_the_current_key_worker_is_refused(world):
    allocate(world, start_date=dt.date(2025, 1, 6))
    with pytest.raises(ValidationError) as refused:
        allocate(world)
    assert refused.value.message_dict == {
        "key_worker": ["Key worker S1 is already this prisoner's key worker: choose a different key worker."]
    }


def test_allocation_starting_before_the_current_one_is_refused(world):
    allocate(world)
    with pytest.raises(ValidationError) as refused:
        allocate(
            world,
            key_worker=StaffMemberFactory(staff_id="S2", prison=world.prison),
            start_date=START - dt.timedelta(days=1),
        )
    assert refused.value.message_dict == {
        "start_date": [
            "Start date is before the prisoner's current allocation, which started on 3 March 2025: "
            "enter that date or a later one."
        ]
    }


def test_allocation_starting_inside_an_ended_allocation_is_refused(world):
    KeyWorkerAllocationFactory(
        prisoner=world.prisoner,
        prison=world.prison,
        key_worker=world.key_worker,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 4, 1),
    )
    with pytest.raises(ValidationError) as refused:
        allocate(world, key_worker=StaffMemberFactory(staff_id="S2", prison=world.prison))
    assert refused.value.message_dict == {
        "start_date": [
            "Start date falls within the prisoner's allocation to S1 from 1 January 2025 to 1 April 2025: "
            "enter 1 April 2025 or a later date."
        ]
    }


# Reads for the allocation page


def test_prisoners_whose_key_worker_cannot_do_the_job_are_flagged_needing_a_key_worker(world):
    flagged = {
        "B0001AA": StaffMemberFactory(staff_id="S2", prison=world.prison, status="unavailable"),
        "B0002AA": StaffMemberFactory(staff_id="S3", prison=world.prison, status="inactive"),
        "B0003AA": StaffMemberFactory(staff_id="S4", prison=world.prison, key_worker_trained_on=None),
        "B0004AA": StaffMemberFactory(staff_id="S5", prison=world.prison, in_post_to=START),
        "B0005AA": world.key_worker,
    }
    for number, key_worker in flagged.items():
        KeyWorkerAllocationFactory(
            prisoner=in_custody(world.prison, number),
            prison=world.prison,
            key_worker=key_worker,
            start_date=dt.date(2025, 1, 6),
        )
    rows = selectors.prisoners_needing_key_worker(world.prison, START)
    assert [(a.prisoner_id, a.needs_reason) for a in rows] == [
        ("B0001AA", "key_worker_unavailable"),
        ("B0002AA", "key_worker_inactive"),
        ("B0003AA", "key_worker_untrained"),
        ("B0004AA", "key_worker_left_post"),
    ]


def test_caseloads_count_allocations_active_that_day_against_capacity(world):
    part_time = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_capacity=1, last_name="Zed")
    fill_caseload(world.prison, part_time, 1)
    fill_caseload(world.prison, world.key_worker, 2)
    StaffMemberFactory(staff_id="S9", prison=world.prison, band=4)
    staff = selectors.caseloads.caseloads(world.prison, START)
    rows = {s.staff_id: (s.caseload, s.capacity, s.eligible) for s in staff}
    assert rows == {"S1": (2, 6, True), "S2": (1, 1, False)}
    waiting = selectors.prisoners_without_key_worker(world.prison, START)
    assert [spell.prisoner_id for spell in waiting] == ["A1234BC"]
