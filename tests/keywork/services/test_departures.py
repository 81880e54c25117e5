"""Allocations ended for departures (keywork.md), keywork.services.departures: when the prisoner
leaves the prison or the key worker leaves post, once, audited per prison, in a fixed number of
queries."""

import datetime as dt

import pytest

from keywork import services
from keywork.models import KeyWorkerAllocation
from omic.models import AuditEvent
from tests.factories import (
    CustodySpellFactory,
    KeyWorkerAllocationFactory,
    PrisonFactory,
    StaffMemberFactory,
    in_custody,
)


@pytest.fixture
def departures(world):
    """Allocations at LEI and BMI whose prisoners or key workers leave on various dates."""
    bmi = PrisonFactory(code="BMI")
    leaver = StaffMemberFactory(staff_id="S2", prison=world.prison, in_post_to=dt.date(2025, 3, 10))
    bmi_worker = StaffMemberFactory(staff_id="S3", prison=bmi)
    rows = {}

    def allocation(number, prison, key_worker, release=None, transfer_to=None):
        prisoner = in_custody(prison, number, released=release)
        if transfer_to:
            CustodySpellFactory(prisoner=prisoner, prison=transfer_to, reception_date=release)
        rows[number] = KeyWorkerAllocationFactory(
            prisoner=prisoner, prison=prison, key_worker=key_worker, start_date=dt.date(2025, 1, 6)
        )

    allocation("B0001AA", world.prison, world.key_worker, release=dt.date(2025, 3, 5))  # released
    allocation("B0002AA", world.prison, world.key_worker, release=dt.date(2025, 3, 7), transfer_to=bmi)
    allocation("B0003AA", world.prison, world.key_worker, release=dt.date(2025, 4, 1))  # not yet
    allocation("B0004AA", world.prison, world.key_worker)  # stays
    allocation("B0005AA", world.prison, leaver)  # key worker leaves
    allocation(
        "B0006AA", world.prison, leaver, release=dt.date(2025, 3, 12)
    )  # prisoner leaves after the worker
    allocation("B0007AA", world.prison, leaver, release=dt.date(2025, 3, 8))  # prisoner leaves first
    allocation("B0008AA", bmi, bmi_worker, release=dt.date(2025, 2, 1))
    return rows


def end_dates(rows):
    return {
        number: (a.end_date, a.end_reason)
        for number, a in ((n, KeyWorkerAllocation.objects.get(pk=r.pk)) for n, r in rows.items())
    }


def test_allocations_end_when_the_prisoner_leaves_or_the_key_worker_leaves_post(
    world, departures, recompute_calls
):
    ended = services.end_allocations_for_departures(on=dt.date(2025, 3, 20))
    assert ended == services.DeparturesEnded(prisoner_left=4, key_worker_left=2)
    left, gone = "prisoner left the prison", "key worker left post"
    assert end_dates(departures) == {
        "B0001AA": (dt.date(2025, 3, 5), left),
        "B0002AA": (dt.date(2025, 3, 7), left),
        "B0003AA": (None, ""),
        "B0004AA": (None, ""),
        "B0005AA": (dt.date(2025, 3, 10), gone),
        "B0006AA": (dt.date(2025, 3, 10), gone),
        "B0007AA": (dt.date(2025, 3, 8), left),
        "B0008AA": (dt.date(2025, 2, 1), left),
    }
    events = {
        e.prison_id: e for e in AuditEvent.objects.filter(action="keywork.allocation.end_for_departures")
    }
    assert set(events) == {"LEI", "BMI"}
    assert (events["LEI"].after["prisoner left the prison"], events["LEI"].after["key worker left post"]) == (
        3,
        2,
    )
    assert events["BMI"].after["allocations"] == {str(departures["B0008AA"].pk): "2025-02-01"}
    assert {prison_id for prison_id, _ in recompute_calls} == {"LEI", "BMI"}
    assert dict(recompute_calls)["BMI"][0] == dt.date(2025, 2, 1)


def test_departures_are_ended_only_once_they_have_happened(world, departures):
    assert services.end_allocations_for_departures(on=dt.date(2025, 3, 6)) == (2, 0)  # B0001AA, B0008AA
    assert services.end_allocations_for_departures(on=dt.date(2025, 3, 6)) == (0, 0)
    assert (
        AuditEvent.objects.filter(action="keywork.allocation.end_for_departures").count() == 2
    )  # LEI and BMI once


def test_departures_run_in_a_fixed_number_of_queries(world, departures, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        services.end_allocations_for_departures(on=dt.date(2025, 3, 20))
