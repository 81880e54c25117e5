"""Auto-allocation against the database (keywork.md "Auto-allocation", formats.md
"allocate_key_workers"): propose_allocations and the inputs it reads, confirm_allocations, and the
allocate_key_workers command."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from keywork import auto_allocation, services
from keywork.auto_allocation import (
    ALL_FULL,
    NO_KEY_WORKER,
    KeyWorkerLoad,
    Proposal,
    WaitingPrisoner,
    propose_allocations,
)
from keywork.models import KeyWorkerAllocation
from omic.models import AuditEvent, Wing
from tests.factories import (
    BenchmarkFactory,
    KeyWorkerAllocationFactory,
    PrisonFactory,
    StaffMemberFactory,
    WingFactory,
    in_custody,
)

ON = dt.date(2025, 3, 3)


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


def test_inputs_are_the_waiting_prisoners_and_the_key_workers_loads(prison):
    BenchmarkFactory(prison=prison)
    StaffMemberFactory(staff_id="S1", prison=prison, wing=wing(prison, "A"), key_worker_capacity=3)
    received(prison, "A0001AA", wing_code="A")
    prisoners, key_workers = auto_allocation.fetch_inputs(prison, ON)
    assert prisoners == [WaitingPrisoner("A0001AA", dt.date(2025, 1, 1), wing(prison, "A").pk, None)]
    assert key_workers == [KeyWorkerLoad("S1", wing(prison, "A").pk, 3, 0)]


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
