"""Sessions: what the form accepts (keywork.md), corrections, deletions, sessions not held, and
the "is key work on this week?" rule the form warns with."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from keywork import services, status
from keywork.models import NotHeldReason, Session, SessionKind, SessionNotHeld, Source
from omic.models import AuditEvent, Estate
from tests.factories import (
    BenchmarkFactory,
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
KIND_MESSAGE = (
    "Kind must be one of: structured interview, ACCT review, meeting family at a visit, "
    "conversation during an activity, other. Choose one of these."
)


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


def correct(*, session, by, reason, **changes):
    """correct_session as of TODAY."""
    return services.correct_session(session=session, corrected_by=by, reason=reason, today=TODAY, **changes)


def released_on_monday(w):
    prisoner = PrisonerFactory(prison_number="B1111BB")
    CustodySpellFactory(
        prisoner=prisoner, prison=w.prison, reception_date=dt.date(2024, 6, 1), release_date=MONDAY
    )
    return {"prisoner": prisoner}


def received_the_day_after(w):
    prisoner = PrisonerFactory(prison_number="B2222BB")
    CustodySpellFactory(prisoner=prisoner, prison=w.prison, reception_date=TUESDAY)
    return {"prisoner": prisoner}


def held_at_another_prison(w):
    prisoner = PrisonerFactory(prison_number="B3333BB")
    CustodySpellFactory(
        prisoner=prisoner, prison=PrisonFactory(code="BMI"), reception_date=dt.date(2024, 1, 1)
    )
    return {"prisoner": prisoner}


def not_in_custody(number, day="3 March 2025"):
    return (
        f"Prisoner {number} is not in custody at LEI on {day}. "
        "Check the date, or choose a prisoner in custody at this prison that day."
    )


def not_in_post(staff_id):
    return (
        f"Key worker {staff_id} is not in post at LEI on 3 March 2025. "
        "Choose a key worker in post at this prison on that date, or check the date."
    )


def untrained(staff_id):
    return (
        f"Key worker {staff_id} had not completed key worker training by 3 March 2025. "
        "Choose a trained key worker, or record their training date first."
    )


BEFORE_RECEPTION = dt.date(2023, 12, 31)  # the world's prisoner was received on 1 January 2024
OUT_OF_CUSTODY = not_in_custody("A1234BC", "31 December 2023")


def duration(rule):
    return f"Duration must be {rule}: enter how many minutes the session lasted."


WHOLE_MINUTES = "Duration must be a whole number of minutes: enter a number such as 45."
NO_DATE = "Date is required: enter the date the session took place."


def held_by(staff_id, message, case, **fields):
    """A REFUSALS case: the session held by `staff_id`, a new staff member of the world's prison
    with `fields`, is refused on the key worker with `message`."""

    def change(w):
        return {"key_worker": StaffMemberFactory(staff_id=staff_id, prison=w.prison, **fields)}

    return pytest.param(change, "key_worker", message, id=case)


REFUSALS = [
    pytest.param(lambda w: {"kind": "bcst"}, "kind", BCST_MESSAGE, id="bcst_lower_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "BCST"}, "kind", BCST_MESSAGE, id="bcst_upper_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "Bcst "}, "kind", BCST_MESSAGE, id="bcst_mixed_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "chat"}, "kind", KIND_MESSAGE, id="unknown_kind"),
    pytest.param(lambda w: {"kind": "Structured_Interview"}, "kind", KIND_MESSAGE, id="kind_in_wrong_case"),
    pytest.param(
        lambda w: {"date": TODAY + dt.timedelta(days=1)}, "date", FUTURE_MESSAGE, id="date_in_future"
    ),
    pytest.param(lambda w: {"date": None}, "date", NO_DATE, id="date_missing"),
    pytest.param(lambda w: {"minutes": 0}, "minutes", duration("at least 1 minute"), id="zero_minutes"),
    pytest.param(lambda w: {"minutes": 241}, "minutes", duration("240 minutes or less"), id="241_minutes"),
    pytest.param(lambda w: {"minutes": 45.5}, "minutes", WHOLE_MINUTES, id="fractional_minutes"),
    pytest.param(lambda w: {"minutes": "45"}, "minutes", WHOLE_MINUTES, id="minutes_as_text"),
    pytest.param(
        released_on_monday, "prisoner", not_in_custody("B1111BB"), id="release_day_is_not_a_custody_day"
    ),
    pytest.param(received_the_day_after, "prisoner", not_in_custody("B2222BB"), id="before_reception"),
    pytest.param(held_at_another_prison, "prisoner", not_in_custody("B3333BB"), id="in_custody_elsewhere"),
    held_by(
        "S4",
        "Key worker S4 is Band 4: key work sessions are held by Band 3 officers. Choose a Band 3 key worker.",
        "not_band_3",
        band=4,
    ),
    held_by("S5", not_in_post("S5"), "key_worker_left_post_that_day", in_post_to=MONDAY),
    held_by("S6", not_in_post("S6"), "key_worker_not_yet_in_post", in_post_from=TODAY),
    pytest.param(
        lambda w: {"key_worker": StaffMemberFactory(staff_id="S7", prison=PrisonFactory(code="BMI"))},
        "key_worker",
        not_in_post("S7"),
        id="key_worker_at_another_prison",
    ),
    held_by("S8", untrained("S8"), "key_worker_never_trained", key_worker_trained_on=None),
    held_by("S9", untrained("S9"), "key_worker_trained_the_day_after", key_worker_trained_on=TUESDAY),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSALS)
def test_session_breaking_a_form_rule_is_refused_with_the_field_and_the_fix(world, change, field, message):
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, **change(world)))
    assert refused.value.message_dict == {field: [message]}
    assert not Session.objects.exists()
    assert not AuditEvent.objects.exists()


def test_session_refusal_lists_every_broken_rule_at_once(world):
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, minutes=0, kind="bcst"))
    assert set(refused.value.message_dict) == {"minutes", "kind"}


def test_session_by_untrained_officer_is_refused(world):
    officer = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_trained_on=None)
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, key_worker=officer))
    assert refused.value.message_dict == {"key_worker": [untrained("S2")]}


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


# Corrections and deletions


@pytest.fixture
def session(world):
    return services.record_session(**session_kwargs(world))


def test_correction_is_audited_with_before_after_and_reason(world, session, recompute_calls):
    corrected = services.correct_session(
        session=session,
        corrected_by=world.user,
        reason="typed 45 for 30",
        minutes=30,
        date=MONDAY - dt.timedelta(days=7),
        today=TODAY,
    )
    assert (corrected.duration_minutes, corrected.date) == (30, dt.date(2025, 2, 24))
    assert (session.duration_minutes, session.date) == (30, dt.date(2025, 2, 24))
    event = AuditEvent.objects.filter(action="keywork.session.correct").get()
    assert event.reason == "typed 45 for 30"
    assert (event.before["minutes"], event.before["date"]) == (45, "2025-03-03")
    assert (event.after["minutes"], event.after["date"]) == (30, "2025-02-24")
    # Both the old and the new week change.
    assert recompute_calls[-1] == ("LEI", [dt.date(2025, 2, 24), MONDAY])


def test_correction_rederives_the_allocated_key_worker_for_the_new_date(world, session):
    KeyWorkerAllocationFactory(
        prisoner=world.prisoner,
        prison=world.prison,
        key_worker=StaffMemberFactory(staff_id="S2", prison=world.prison),
        start_date=TUESDAY,
    )
    corrected = services.correct_session(
        session=session,
        corrected_by=world.user,
        reason="wrong day",
        date=MONDAY + dt.timedelta(days=2),
        today=TODAY,
    )
    assert corrected.allocated_key_worker_id == "S2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"minutes": 241, "notes": "changed"},
            "minutes",
            "Duration must be 240 minutes or less: enter how many minutes the session lasted.",
            id="241_minutes",
        ),
        pytest.param({"kind": "BCST", "minutes": 30}, "kind", BCST_MESSAGE, id="bcst"),
        pytest.param({"date": TODAY + dt.timedelta(days=1)}, "date", FUTURE_MESSAGE, id="future_date"),
        pytest.param({"date": BEFORE_RECEPTION}, "prisoner", OUT_OF_CUSTODY, id="before_reception"),
    ],
)
def test_bad_correction_is_refused_and_saves_nothing(
    world, session, recompute_calls, changes, field, message
):
    before = Session.objects.values().get(pk=session.pk)
    events = AuditEvent.objects.count()
    calls = len(recompute_calls)
    refused = refusal(correct, session=session, by=world.user, reason="fix", **changes)
    assert refused == {field: [message]}
    assert Session.objects.values().get(pk=session.pk) == before
    assert AuditEvent.objects.count() == events
    assert len(recompute_calls) == calls


def test_correction_without_a_reason_is_refused(world, session):
    refused = refusal(correct, session=session, by=world.user, reason="  ", minutes=30)
    assert refused == {"reason": ["Reason is required: say why the session is being corrected."]}
    assert Session.objects.get(pk=session.pk).duration_minutes == 45


def test_correction_that_changes_nothing_is_refused(world, session):
    refused = refusal(correct, session=session, by=world.user, reason="x", minutes=45)
    assert refused == {NON_FIELD_ERRORS: ["Nothing to correct: change at least one detail of the session."]}


def test_correction_of_a_field_that_cannot_change_is_a_programming_error(world, session):
    with pytest.raises(TypeError, match="prison"):
        services.correct_session(session=session, corrected_by=world.user, reason="x", prison=world.prison)


def test_deletion_is_soft_and_audited_with_before_after_and_reason(world, session, recompute_calls):
    services.delete_session(
        session=session, deleted_by=world.user, reason="recorded against the wrong prisoner"
    )
    kept = Session.objects.get(pk=session.pk)
    assert kept.deleted_at is not None
    assert kept.deleted_reason == "recorded against the wrong prisoner"
    assert session.deleted_at is not None
    event = AuditEvent.objects.filter(action="keywork.session.delete").get()
    assert event.reason == "recorded against the wrong prisoner"
    assert event.before["deleted_at"] is None and event.after["deleted_at"] is not None
    assert recompute_calls[-1] == ("LEI", [MONDAY])


def test_deletion_without_a_reason_is_refused(world, session):
    refused = refusal(services.delete_session, session=session, deleted_by=world.user, reason="")
    assert refused == {"reason": ["Reason is required: say why the session is being deleted."]}
    assert Session.objects.get(pk=session.pk).deleted_at is None


def test_deleted_session_can_be_neither_deleted_again_nor_corrected(world, session):
    services.delete_session(session=session, deleted_by=world.user, reason="duplicate")
    again = refusal(services.delete_session, session=session, deleted_by=world.user, reason="duplicate")
    assert again == {NON_FIELD_ERRORS: ["This session has already been deleted."]}
    corrected = refusal(correct, session=session, by=world.user, reason="x", minutes=30)
    assert corrected == {NON_FIELD_ERRORS: ["This session has been deleted: it cannot be corrected."]}


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


# Is key work on for a prison in a week? (the pure rule behind the form's warning)


def staff_row(fte="1.00", in_post_from=dt.date(2018, 1, 1), in_post_to=None, trained=dt.date(2018, 6, 1)):
    return SimpleNamespace(
        fte=Decimal(fte), in_post_from=in_post_from, in_post_to=in_post_to, key_worker_trained_on=trained
    )


def prison_settings(estate=Estate.MALE_CLOSED, start=dt.date(2019, 1, 7)):
    return SimpleNamespace(estate=estate, key_work_start_date=start)


OFFICER = staff_row()  # full time, in post and trained


def week(case, rows, benchmark, reasons, prison=None):
    """A case of the rule: a prison (by default male closed, key work on since 7 January 2019)
    with these staff rows and band 3 benchmark FTE ("2.00", or None) has these reasons."""
    benchmark = None if benchmark is None else Decimal(benchmark)
    return pytest.param(prison or prison_settings(), rows, benchmark, reasons, id=case)


@pytest.mark.parametrize(
    ("prison", "rows", "benchmark", "reasons"),
    [
        week("at_benchmark_is_on", [OFFICER, OFFICER], "2.00", []),
        week("below_benchmark", [OFFICER], "2.00", ["below_benchmark"]),
        week("part_time_fte_summed", [staff_row("0.60"), staff_row("0.40")], "1.00", []),
        week("no_benchmark_not_also_below", [OFFICER], None, ["no_benchmark"]),
        week(
            "other_estate", [OFFICER], "1.00", ["not_male_closed_estate"], prison_settings(Estate.MALE_OPEN)
        ),
        week("no_start", [OFFICER], "1.00", ["not_rolled_out"], prison_settings(start=None)),
        week(
            "starts_midweek_after_monday",
            [OFFICER],
            "1.00",
            ["not_rolled_out"],
            prison_settings(start=TUESDAY),
        ),
        week("starts_on_the_monday", [OFFICER], "1.00", [], prison_settings(start=MONDAY)),
        week("untrained_band3", [OFFICER, staff_row(trained=None)], "1.00", ["untrained_band3"]),
        week("trained_after_the_monday", [OFFICER, staff_row(trained=TUESDAY)], "1.00", ["untrained_band3"]),
        week("trained_on_the_monday", [staff_row(trained=MONDAY)], "1.00", []),
        week(
            "left_post_on_the_monday_not_counted",
            [OFFICER, staff_row(in_post_to=MONDAY, trained=None)],
            "1.00",
            [],
        ),
        week("leaver_fte_not_counted", [OFFICER, staff_row(in_post_to=MONDAY)], "2.00", ["below_benchmark"]),
        week(
            "every_reason_in_order",
            [staff_row(trained=None)],
            "5.00",
            ["not_male_closed_estate", "not_rolled_out", "below_benchmark", "untrained_band3"],
            prison_settings(Estate.FEMALE, start=None),
        ),
        week("zero_benchmark_and_no_staff", [], "0.00", []),
    ],
)
def test_key_work_suspension_reasons_follow_the_rule(prison, rows, benchmark, reasons):
    assert status.suspension_reasons(prison, MONDAY, rows, benchmark) == reasons
    assert status.key_work_enabled(prison, MONDAY, rows, benchmark) is (not reasons)


def test_key_work_status_is_decided_on_a_monday():
    with pytest.raises(ValueError, match="not a Monday"):
        status.suspension_reasons(prison_settings(), TUESDAY, [], Decimal("1"))


def test_week_warning_reads_the_benchmark_effective_on_the_monday_and_band_3_staff(world):
    BenchmarkFactory(prison=world.prison, effective_from=TUESDAY, band3_benchmark_fte=5)
    StaffMemberFactory(staff_id="S4", prison=world.prison, band=4, key_worker_trained_on=None)
    assert services.session_week_warning(world.prison, MONDAY + dt.timedelta(days=6)) == []
    assert services.session_week_warning(world.prison, MONDAY + dt.timedelta(days=7)) == ["below_benchmark"]
    StaffMemberFactory(staff_id="S5", prison=world.prison, key_worker_trained_on=None)
    assert services.session_week_warning(world.prison, MONDAY) == ["untrained_band3"]
