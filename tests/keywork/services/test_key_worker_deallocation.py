"""Deallocation of key workers (keywork.md): ending an allocation with its reason, audited and
recomputed; ending it on its first day deletes it; the rules it is refused by."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from keywork import services
from keywork.models import KeyWorkerAllocation
from omic.models import AuditEvent
from tests.keywork.services.test_key_workers import START, allocate


def test_deallocation_ends_the_allocation_with_its_reason_audited(world, recompute_calls):
    allocation = allocate(world)
    recompute_calls.clear()
    services.deallocate_key_worker(
        by=world.admin, allocation=allocation, end_date=START + dt.timedelta(days=9), reason="prisoner asked"
    )
    assert (allocation.end_date, allocation.end_reason) == (dt.date(2025, 3, 12), "prisoner asked")
    event = AuditEvent.objects.filter(action="keywork.allocation.end").get()
    assert (event.before["end_date"], event.after["end_date"], event.reason) == (
        None,
        "2025-03-12",
        "prisoner asked",
    )
    assert recompute_calls[0][1][0] == dt.date(2025, 3, 12)


@pytest.mark.parametrize(
    ("end_date", "reason", "errors"),
    [
        pytest.param(
            START + dt.timedelta(days=1),
            "",
            {"reason": ["Reason is required: say why the allocation is ending."]},
            id="no_reason",
        ),
        pytest.param(
            START - dt.timedelta(days=1),
            "moved",
            {
                "end_date": [
                    "End date must be on or after the allocation's start date, 3 March 2025: "
                    "enter a later date."
                ]
            },
            id="end_before_start_date",
        ),
        pytest.param(
            None,
            "moved",
            {"end_date": ["End date is required: enter the first day without this key worker."]},
            id="no_end_date",
        ),
    ],
)
def test_deallocation_breaking_a_rule_is_refused(world, end_date, reason, errors):
    allocation = allocate(world)
    with pytest.raises(ValidationError) as refused:
        services.deallocate_key_worker(
            by=world.admin, allocation=allocation, end_date=end_date, reason=reason
        )
    assert refused.value.message_dict == errors
    allocation.refresh_from_db()
    assert allocation.end_date is None


def test_ending_an_allocation_on_its_first_day_deletes_it_with_the_reason_audited(world, recompute_calls):
    """[start, start) holds no day: the allocation never applied, so it goes, as one replaced
    the same day does; the prisoner has no key worker from that day."""
    allocation = allocate(world)
    recompute_calls.clear()
    services.deallocate_key_worker(
        by=world.admin, allocation=allocation, end_date=START, reason="wrong officer"
    )
    allocation.refresh_from_db()
    assert allocation.end_date is None
    assert allocation.deleted_at is not None and allocation.deleted_reason == "wrong officer"
    event = AuditEvent.objects.filter(action="keywork.allocation.delete").get()
    assert (event.before["deleted_at"], event.reason) == (None, "wrong officer")
    assert event.after["deleted_at"] is not None
    assert recompute_calls[0][1][0] == START
    kept = KeyWorkerAllocation.objects.filter(prisoner=allocation.prisoner, deleted_at__isnull=True)
    assert not kept.exists()
    with pytest.raises(ValidationError) as refused:  # and it cannot be ended again
        services.deallocate_key_worker(by=world.admin, allocation=allocation, end_date=START, reason="x")
    assert refused.value.message_dict == {
        NON_FIELD_ERRORS: ["This allocation has been deleted: there is nothing to end."]
    }


def test_deallocation_of_an_ended_allocation_is_refused(world):
    allocation = allocate(world)
    services.deallocate_key_worker(
        by=world.admin, allocation=allocation, end_date=dt.date(2025, 4, 1), reason="x"
    )
    with pytest.raises(ValidationError) as refused:
        services.deallocate_key_worker(
            by=world.admin, allocation=allocation, end_date=dt.date(2025, 5, 1), reason="x"
        )
    assert refused.value.message_dict == {
        NON_FIELD_ERRORS: ["This allocation already ended on 1 April 2025."]
    }
