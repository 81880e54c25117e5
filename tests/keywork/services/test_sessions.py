"""Sessions (keywork.md): what the form accepts and records, with its audit, and sessions not
held. The days, messages and keyword arguments here serve the other session modules too: refusals
(test_session_refusals.py), corrections and deletions (test_session_corrections.py) and the week
warning (test_session_week_warning.py)."""

import datetime as dt

import pytest

from keywork import services
from keywork.models import NotHeldReason, SessionKind, SessionNotHeld, Source
from omic.models import AuditEvent, Estate
from tests.factories import (
    CustodySpellFactory,
    KeyWorkerAllocationFactory,
    PrisonerFactory,
    PrisonFactory,
    StaffMemberFactory,
)
from tests.refusals import refusal

MONDAY = dt.date(2025, 3, 3)
TUESDAY = MONDAY + dt.timedelta(days=1)
TODAY = dt.date(2025, 3, 12)  # a Wednesday of the following week

BCST_MESSAGE = (
    "Kind cannot be BCST: the Basic Custody Screening Tool belongs to the Band 4 job description, "
    "and Band 3 key workers must not complete it. Choose the kind of key work session that was held."
)
FUTURE_MESSAGE = "Date cannot be in the future: enter 12 March 2025 or an earlier date."


def session_kwargs(w, **overrides):
    """A 45-minute structured interview with the world's case on MONDAY, recorded on TODAY."""
    return {
        "recorded_by": w.user,
        **w.case,
        "date": MONDAY,
        "minutes": 45,
        "kind": SessionKind.STRUCTURED_INTERVIEW,
        "notes": "talked about education",
        "today": TODAY,
        **overrides,
    }


def not_held_kwargs(w, **overrides):
    """A session not held on MONDAY that the prisoner refused, recorded on TODAY."""
    return {
        "recorded_by": w.user,
        "prisoner": w.prisoner,
        "prison": w.prison,
        "date": MONDAY,
        "reason": NotHeldReason.PRISONER_REFUSED,
        "today": TODAY,
        **overrides,
    }


def not_in_custody(number, day="3 March 2025"):
    return (
        f"Prisoner {number} is not in custody at LEI on {day}. "
        "Check the date, or choose a prisoner in custody at this prison that day."
    )


BEFORE_RECEPTION = dt.date(2023, 12, 31)  # the world's prisoner was received on 1 January 2024
OUT_OF_CUSTODY = not_in_custody("A1234BC", "31 December 2023")


def test_session_by_officer_trained_that_day_is_accepted(world):
    officer = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_trained_on=MONDAY)
    session = services.record_session(**session_kwargs(world, key_worker=officer))
    assert session.key_worker_id == "S2"


@pytest.mark.parametrize("minutes", [1, 240])
def test_session_of_1_to_240_minutes_is_accepted(world, minutes):
    assert services.record_session(**session_kwargs(world, minutes=minutes)).duration_minutes == minutes


@pytest.mark.parametrize("kind", SessionKind.values)
def test_session_of_every_key_work_kind_is_accepted(world, kind):
    assert services.record_session(**session_kwargs(world, kind=kind)).kind == kind


def test_session_dated_today_is_accepted(world):
    assert services.record_session(**session_kwargs(world, date=TODAY)).date == TODAY


def test_session_on_the_last_custody_day_before_release_is_accepted(world):
    prisoner = PrisonerFactory(prison_number="B4444BB")
    CustodySpellFactory(
        prisoner=prisoner, prison=world.prison, reception_date=dt.date(2024, 6, 1), release_date=MONDAY
    )
    session = services.record_session(
        **session_kwargs(world, prisoner=prisoner, date=MONDAY - dt.timedelta(days=1))
    )
    assert session.prisoner_id == "B4444BB"


def test_session_on_the_day_of_reception_is_accepted(world):
    prisoner = PrisonerFactory(prison_number="B5555BB")
    CustodySpellFactory(prisoner=prisoner, prison=world.prison, reception_date=MONDAY)
    assert services.record_session(**session_kwargs(world, prisoner=prisoner)).prisoner_id == "B5555BB"


def test_session_by_unavailable_officer_is_accepted_because_status_has_no_history(world):
    officer = StaffMemberFactory(staff_id="S2", prison=world.prison, status="unavailable")
    assert services.record_session(**session_kwargs(world, key_worker=officer)).key_worker_id == "S2"


def test_session_records_who_held_it_beside_the_allocated_key_worker_that_day(world):
    allocated = StaffMemberFactory(staff_id="S2", prison=world.prison)
    KeyWorkerAllocationFactory(
        prisoner=world.prisoner, prison=world.prison, key_worker=allocated, start_date=dt.date(2025, 1, 1)
    )
    session = services.record_session(**session_kwargs(world))
    assert (session.key_worker_id, session.allocated_key_worker_id) == ("S1", "S2")
    assert session.source == Source.APP and session.session_id is None


def test_session_records_no_allocated_key_worker_after_the_allocation_ended(world):
    allocated = StaffMemberFactory(staff_id="S2", prison=world.prison)
    KeyWorkerAllocationFactory(
        prisoner=world.prisoner,
        prison=world.prison,
        key_worker=allocated,
        start_date=dt.date(2025, 1, 1),
        end_date=MONDAY,
    )
    assert services.record_session(**session_kwargs(world)).allocated_key_worker_id is None


def test_session_is_audited_and_its_week_recomputed(world, recompute_calls):
    session = services.record_session(**session_kwargs(world, date=MONDAY + dt.timedelta(days=6)))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "keywork.session.record",
        "session",
        str(session.pk),
        world.user,
    )
    assert event.before is None
    assert event.after["minutes"] == 45 and event.after["date"] == "2025-03-09"
    assert recompute_calls == [("LEI", [dt.date(2025, 3, 9)])]


def test_the_audit_keeps_every_detail_of_a_session_and_of_a_session_not_held(world):
    KeyWorkerAllocationFactory(prisoner=world.prisoner, prison=world.prison, key_worker=world.key_worker)
    session = services.record_session(**session_kwargs(world))
    not_held = services.record_session_not_held(**not_held_kwargs(world, key_worker=world.key_worker))
    recorded, not_held_event = AuditEvent.objects.order_by("pk")
    assert (recorded.prison_id, not_held_event.prison_id) == ("LEI", "LEI")
    assert (recorded.object_id, not_held_event.object_id) == (str(session.pk), str(not_held.pk))
    assert recorded.after == {
        "source": "app",
        "session_id": None,
        "prisoner": "A1234BC",
        "prison": "LEI",
        "key_worker": "S1",
        "allocated_key_worker": "S1",
        "date": "2025-03-03",
        "minutes": 45,
        "kind": "structured_interview",
        "notes": "talked about education",
        "deleted_at": None,
        "deleted_reason": "",
    }
    assert not_held_event.after == {
        "prisoner": "A1234BC",
        "prison": "LEI",
        "key_worker": "S1",
        "date": "2025-03-03",
        "reason": "prisoner_refused",
        "notes": "",
    }


def test_session_in_a_suspended_week_is_recorded_and_the_form_is_warned(world):
    prison = PrisonFactory(code="BMI", estate=Estate.FEMALE)
    officer = StaffMemberFactory(staff_id="S3", prison=prison)
    CustodySpellFactory(
        prisoner=world.prisoner,
        prison=prison,
        reception_date=dt.date(2023, 1, 1),
        release_date=dt.date(2024, 1, 1),
    )
    day = dt.date(2023, 6, 7)
    session = services.record_session(**session_kwargs(world, prison=prison, key_worker=officer, date=day))
    assert session.pk
    assert services.session_week_warning(prison, day) == ["not_male_closed_estate", "no_benchmark"]
    assert services.session_week_warning(world.prison, MONDAY) == []


# Sessions that did not happen


def test_session_not_held_is_recorded_with_its_reason_audited_and_recomputed(world, recompute_calls):
    not_held = services.record_session_not_held(
        **not_held_kwargs(world, reason=NotHeldReason.STAFF_REDEPLOYED, key_worker=world.key_worker)
    )
    assert (not_held.reason, not_held.key_worker_id) == ("staff_redeployed", "S1")
    event = AuditEvent.objects.get()
    assert event.action == "keywork.session_not_held.record" and event.after["reason"] == "staff_redeployed"
    assert recompute_calls == [("LEI", [MONDAY])]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"reason": "fire_alarm"},
            "reason",
            "Reason must be one of: prisoner refused, prisoner unavailable, "
            "key worker redeployed to other duties, other. Choose one of these.",
            id="unknown_reason",
        ),
        pytest.param({"date": TODAY + dt.timedelta(days=1)}, "date", FUTURE_MESSAGE, id="future_date"),
        pytest.param({"date": BEFORE_RECEPTION}, "prisoner", OUT_OF_CUSTODY, id="not_in_custody_that_day"),
    ],
)
def test_session_not_held_breaking_a_rule_is_refused(world, change, field, message):
    refused = refusal(services.record_session_not_held, **not_held_kwargs(world, **change))
    assert refused == {field: [message]}
    assert not SessionNotHeld.objects.exists()
