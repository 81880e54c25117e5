"""allocation.services.pom_allocations: allocate, reallocate and deallocate POMs; the
reason rule against the recommended POM type; the database constraints behind them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from allocation import services
from allocation.models import PomAllocation
from omic.models import AuditEvent
from tests import factories
from tests.allocation import pom_world
from tests.allocation.pom_world import TODAY, allocate

pytestmark = pytest.mark.django_db
estate = pom_world.estate


@pytest.fixture
def admin(estate):
    user = factories.UserFactory(role="admin", username="lei-admin")
    user.prisons.set([estate["lei"]])
    return user


def refusal(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict


@pytest.fixture
def refused_allocation(estate, admin):
    """refused_allocation(prisoner, staff_member): the errors of LEI's admin making them the
    prisoner's primary POM at LEI, which must be refused."""

    def errors(prisoner, staff_member) -> dict:
        return refusal(
            services.allocate_pom,
            by=admin,
            prisoner=prisoner,
            prison=estate["lei"],
            staff_member=staff_member,
            role="primary",
        )

    return errors


def test_primary_pom_of_the_recommended_type_needs_no_reason_and_is_audited(estate, admin):
    allocation = services.allocate_pom(
        by=admin,
        prisoner=estate["on_a"],
        prison=estate["lei"],
        staff_member=estate["prison_pom"],
        role="primary",
    )
    assert (allocation.staff_member_id, allocation.role, allocation.start_date, allocation.end_date) == (
        "LEIP01", "primary", TODAY, None,
    )  # fmt: skip
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.prison_id, event.object_type) == (
        "allocation.pom.allocate", admin, "LEI", "pom_allocation",
    )  # fmt: skip
    assert event.after["staff_member"] == "LEIP01" and event.before is None


def test_a_pom_of_the_other_type_needs_a_reason(estate, admin):
    kwargs = {"by": admin, "prisoner": estate["on_a"], "prison": estate["lei"], "role": "primary"}
    errors = refusal(services.allocate_pom, staff_member=estate["probation_pom"], reason="  ", **kwargs)
    [message] = errors["reason"]
    assert "Reason is required" in message
    assert "probation POM" in message and "a prison POM is recommended" in message
    assert not PomAllocation.objects.exists() and not AuditEvent.objects.exists()

    allocation = services.allocate_pom(
        staff_member=estate["probation_pom"], reason="Complex risk: probation experience needed", **kwargs
    )
    assert allocation.reason == "Complex risk: probation experience needed"
    assert AuditEvent.objects.get().reason == allocation.reason


def test_tier_a_recommends_a_probation_pom(estate, refused_allocation):
    errors = refused_allocation(estate["tier_a"], estate["prison_pom"])
    assert "a probation POM is recommended" in errors["reason"][0]


def test_reallocation_ends_the_old_allocation_and_starts_the_new_one_in_one_go(estate, admin):
    old = allocate(estate["on_a"], estate["prison_pom"], start=TODAY - dt.timedelta(days=30))
    new = services.allocate_pom(
        by=admin, prisoner=estate["on_a"], prison=estate["lei"], staff_member=estate["part_time_pom"],
        role="primary",
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.end_date, old.end_reason, old.ended_by) == (TODAY, "reallocated to LEIP02", admin)
    assert new.is_active
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "allocation.pom.end",
        "allocation.pom.reallocate",
    ]
    assert AuditEvent.objects.get(action="allocation.pom.end").before["end_date"] is None


def test_co_working_needs_a_primary_and_a_different_person(estate, admin, refused_allocation):
    kwargs = {"by": admin, "prisoner": estate["on_a"], "prison": estate["lei"], "role": "co_working"}
    assert (
        "Co-working POM needs a primary POM"
        in refusal(services.allocate_pom, staff_member=estate["part_time_pom"], **kwargs)["role"][0]
    )
    allocate(estate["on_a"], estate["prison_pom"])
    assert (
        "two different people"
        in refusal(services.allocate_pom, staff_member=estate["prison_pom"], **kwargs)["staff_member"][0]
    )
    co = services.allocate_pom(staff_member=estate["part_time_pom"], **kwargs)
    assert co.role == "co_working"
    # The co-working POM cannot become the primary while they co-work.
    errors = refused_allocation(estate["on_a"], estate["part_time_pom"])
    assert "co-working POM" in errors["staff_member"][0]


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("officer", "is not a POM"),
        ("band3_pom", "band 4 or above"),
        ("unavailable_pom", "is unavailable"),
        ("bmi_pom", "is not on the staff of HMP Leeds"),
    ],
)
def test_only_an_active_pom_of_band_4_or_above_here_may_hold_the_case(estate, refused_allocation, who, words):
    errors = refused_allocation(estate["on_a"], estate[who])
    assert any(words in m for m in errors["staff_member"]), errors
    assert not PomAllocation.objects.exists() and not AuditEvent.objects.exists()


def test_a_pom_who_left_post_is_refused(estate, refused_allocation):
    staff = estate["prison_pom"]
    staff.in_post_to = TODAY
    staff.save()
    errors = refused_allocation(estate["on_a"], staff)
    assert "is not in post" in errors["staff_member"][0]


def test_only_the_holding_prison_allocates_and_only_a_prisoner_in_scope(estate, refused_allocation):
    errors = refused_allocation(estate["on_c"], estate["prison_pom"])
    assert "not in custody at HMP Leeds" in errors["prisoner"][0]
    errors = refused_allocation(estate["unsentenced"], estate["prison_pom"])
    assert "not in OMiC scope (no sentence record" in errors["prisoner"][0]


def test_the_same_pom_again_is_refused(estate, refused_allocation):
    allocate(estate["on_a"], estate["prison_pom"])
    errors = refused_allocation(estate["on_a"], estate["prison_pom"])
    assert "already this prisoner's primary POM" in errors["staff_member"][0]


def test_deallocation_needs_a_reason_and_ending_the_primary_ends_the_co_worker(estate, admin):
    primary = allocate(estate["on_a"], estate["prison_pom"], start=TODAY - dt.timedelta(days=9))
    co = allocate(
        estate["on_a"], estate["part_time_pom"], role="co_working", start=TODAY - dt.timedelta(days=3)
    )
    errors = refusal(services.deallocate_pom, by=admin, prisoner=estate["on_a"], role="primary", reason="")
    assert "Reason is required" in errors["reason"][0]
    ended = services.deallocate_pom(by=admin, prisoner=estate["on_a"], role="primary", reason="POM left")
    assert [a.pk for a in ended] == [primary.pk, co.pk]
    primary.refresh_from_db()
    co.refresh_from_db()
    assert (primary.end_date, primary.end_reason) == (TODAY, "POM left")
    assert (co.end_date, co.end_reason) == (TODAY, "the primary POM was deallocated")
    assert AuditEvent.objects.filter(action="allocation.pom.end").count() == 2
    errors = refusal(services.deallocate_pom, by=admin, prisoner=estate["on_a"], role="primary", reason="x")
    assert "has no primary POM to deallocate" in errors["role"][0]


def test_deallocating_the_co_worker_keeps_the_primary(estate, admin):
    primary = allocate(estate["on_a"], estate["prison_pom"])
    allocate(estate["on_a"], estate["part_time_pom"], role="co_working")
    services.deallocate_pom(by=admin, prisoner=estate["on_a"], role="co_working", reason="Case simpler now")
    primary.refresh_from_db()
    assert primary.is_active
    assert PomAllocation.objects.filter(end_date__isnull=True).count() == 1


def test_the_database_holds_one_primary_and_one_different_co_worker(estate):
    allocate(estate["on_a"], estate["prison_pom"])
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(estate["on_a"], estate["part_time_pom"])  # a second active primary
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(estate["on_a"], estate["prison_pom"], role="co_working")  # the same person twice
    allocate(estate["on_a"], estate["part_time_pom"], role="co_working")
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(estate["on_a"], estate["probation_pom"], role="co_working")  # a second co-worker


def test_allocations_end_on_release_or_transfer_set_wise(estate, django_assert_max_num_queries):
    from django.conf import settings

    from allocation import tasks
    from omic.models import CustodySpell

    start = TODAY - dt.timedelta(days=30)
    released, moved, staying = estate["on_a"], estate["tier_a"], estate["unsentenced"]
    for prisoner in (released, moved, staying):
        CustodySpell.objects.filter(prisoner=prisoner).update(reception_date=start - dt.timedelta(days=10))
    allocate(released, estate["prison_pom"], start=start)
    allocate(released, estate["part_time_pom"], role="co_working", start=start)
    allocate(moved, estate["probation_pom"], start=start)
    kept = allocate(staying, estate["prison_pom"], start=start)
    left_on = TODAY - dt.timedelta(days=2)
    CustodySpell.objects.filter(prisoner__in=[released, moved]).update(release_date=left_on)
    factories.CustodySpellFactory(prisoner=moved, prison=estate["bmi"], reception_date=left_on)

    with django_assert_max_num_queries(4):  # savepoint, UPDATE, audit INSERT, release
        assert services.end_pom_allocations_for_departures(on=TODAY) == 3
    ended = {
        (a.prisoner_id, a.role): (a.end_date, a.end_reason) for a in PomAllocation.objects.exclude(pk=kept.pk)
    }
    assert ended == {
        ("A1111AA", "primary"): (left_on, "prisoner released"),
        ("A1111AA", "co_working"): (left_on, "prisoner released"),
        ("B2222BB", "primary"): (left_on, "prisoner transferred"),
    }
    kept.refresh_from_db()
    assert kept.is_active
    event = AuditEvent.objects.get(action="allocation.pom.end_for_departures")
    assert (event.prison_id, event.after["prisoner released"], event.after["prisoner transferred"]) == (
        "LEI",
        2,
        1,
    )
    assert tasks.end_pom_allocations_for_departures.run(today=TODAY.isoformat()) == {"ended": 0}
    entry = settings.CELERY_BEAT_SCHEDULE["end-pom-allocations-for-departures"]
    assert entry["task"] == "allocation.tasks.end_pom_allocations_for_departures"
