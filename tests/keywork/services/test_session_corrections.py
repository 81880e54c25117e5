"""Corrections and deletions of sessions (keywork.md): audited with before, after and reason,
recomputed, and refused when they break a rule."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from keywork import services
from keywork.models import Session
from omic.models import AuditEvent
from tests.factories import KeyWorkerAllocationFactory, StaffMemberFactory
from tests.keywork.services.test_sessions import (
    BCST_MESSAGE,
    BEFORE_RECEPTION,
    FUTURE_MESSAGE,
    MONDAY,
    OUT_OF_CUSTODY,
    TODAY,
    TUESDAY,
    session_kwargs,
)
from tests.refusals import refusal


def correct(*, session, by, reason, **changes):
    """correct_session as of TODAY."""
    return services.correct_session(session=session, corrected_by=by, reason=reason, today=TODAY, **changes)


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
