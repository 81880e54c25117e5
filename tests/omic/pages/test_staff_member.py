"""The staff member page: details, the admin's edit, validation, audit, and what the change
did to key work."""

import datetime as dt
from decimal import Decimal

import pytest

from omic.models import AuditEvent, StaffMember
from tests.omic.pages.conftest import MONDAY, TODAY, date_parts, get, post
from tests.pages import ok

URL = "/prisons/LEI/staff/LEI002/"


def form_data(staff: StaffMember, **changes) -> dict[str, str]:
    values = {
        "band": str(staff.band), "fte": str(staff.fte), "contracted_hours": str(staff.contracted_hours),
        "key_worker_capacity": "", "wing": "", "status": staff.status, "unavailable_reason": "", "reason": "",
        **date_parts("in_post_from", staff.in_post_from), **date_parts("in_post_to", staff.in_post_to),
        **date_parts("key_worker_trained_on", staff.key_worker_trained_on),
        **date_parts("expected_back_on", None),
    }  # fmt: skip
    values.update(changes)
    return values


def test_the_page_shows_the_record_and_only_admins_get_the_form(client, users):
    governor = get(client, users["governor"], URL)
    assert governor.status_code == 200
    text = governor.content.decode()
    assert "Bob Brown" in text and "Not trained" in text and "Change this record" not in text
    admin = get(client, users["admin"], URL)
    assert admin.status_code == 200 and "Change this record" in admin.content.decode()


def test_recording_training_turns_key_work_on_and_says_from_when(client, users, estate):
    brown = estate["brown"]
    trained = MONDAY - dt.timedelta(days=1)
    response = post(
        client, users["admin"], URL, form_data(brown, **date_parts("key_worker_trained_on", trained))
    )
    assert response.status_code == 302 and response["Location"] == URL
    brown.refresh_from_db()
    assert brown.key_worker_trained_on == trained
    page = client.get(URL).content.decode()
    assert "Bob Brown&#x27;s record is saved." in page
    assert f"Key work is now on from {MONDAY.day} {MONDAY:%B %Y}." in page
    [event] = AuditEvent.objects.filter(object_type="staff_member", object_id="LEI002")
    assert event.action == "staff.update" and event.actor == users["admin"]
    assert event.before == {"key_worker_trained_on": None}
    assert event.after == {"key_worker_trained_on": trained.isoformat()}


def test_a_training_date_next_week_says_key_work_turns_on_next_week(client, users, estate):
    next_monday = MONDAY + dt.timedelta(days=7)
    data = form_data(estate["brown"], **date_parts("key_worker_trained_on", next_monday))
    post(client, users["admin"], URL, data)
    page = client.get(URL).content.decode()
    assert f"Key work is now on from {next_monday.day} {next_monday:%B %Y}." in page


def test_a_change_that_suspends_key_work_says_why(client, users, estate):
    # Adams going part time takes LEI's Band 3 FTE (with Brown trained) below its 2.00 benchmark.
    StaffMember.objects.filter(pk="LEI002").update(key_worker_trained_on=dt.date(2018, 6, 1))
    adams = StaffMember.objects.get(pk="LEI001")
    post(client, users["admin"], "/prisons/LEI/staff/LEI001/", form_data(adams, fte="0.50"))
    page = client.get("/prisons/LEI/staff/LEI001/").content.decode()
    assert f"Key work is now suspended from {MONDAY.day} {MONDAY:%B %Y}" in page
    assert "below the benchmark staffing figure" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"band": "12"}, "band", "Enter a band from 2 to 11"),
        ({"band": "٣"}, "band", "Enter the band, from 2 to 11 using the digits 0 to 9"),
        ({"fte": "1.5"}, "fte", "Enter an FTE from 0.01 to 1.00, to 2 decimal places"),
        ({"fte": "0.333"}, "fte", "to 2 decimal places"),
        ({"contracted_hours": "0"}, "contracted_hours", "above 0 and up to 60"),
        ({"key_worker_capacity": "51"}, "key_worker_capacity", "from 1 to 50"),
        (
            {**date_parts("in_post_to", dt.date(2017, 1, 1))},
            "in_post_to",
            "must be after they came into post",
        ),
        ({"status": "unavailable"}, "unavailable_reason", "Choose why they are unavailable"),
        (
            {"status": "unavailable", "unavailable_reason": "sick", **date_parts("expected_back_on", TODAY)},
            "expected_back_on",
            "must be in the future",
        ),
        (
            {"in_post_from_0": "31", "in_post_from_1": "2", "in_post_from_2": "2024"},
            "in_post_from",
            "real date",
        ),
        ({"in_post_from_2": "20240000000"}, "in_post_from", "as numbers"),
        ({"reason": "x" * 501}, "reason", "500 characters or fewer"),
    ],
)
def test_refusals_name_the_field_and_the_fix_and_save_nothing(client, users, estate, changes, field, message):
    brown = estate["brown"]
    before = StaffMember.objects.filter(pk=brown.pk).values().get()
    response = post(client, users["admin"], URL, form_data(brown, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and any(message in e for e in errors[field]), errors
    assert "There is a problem" in response.content.decode()
    assert StaffMember.objects.filter(pk=brown.pk).values().get() == before
    assert not AuditEvent.objects.exists()


def test_an_unavailable_officer_keeps_a_reason_and_return_date_and_loses_them_when_back(
    client, users, estate
):
    brown = estate["brown"]
    back = TODAY + dt.timedelta(days=10)
    data = form_data(
        brown, status="unavailable", unavailable_reason="redeployed", **date_parts("expected_back_on", back)
    )
    assert post(client, users["admin"], URL, data).status_code == 302
    brown.refresh_from_db()
    assert (brown.status, brown.unavailable_reason, brown.expected_back_on) == (
        "unavailable",
        "redeployed",
        back,
    )
    assert post(client, users["admin"], URL, form_data(brown, status="active")).status_code == 302
    brown.refresh_from_db()
    assert (brown.status, brown.unavailable_reason, brown.expected_back_on) == ("active", "", None)


def test_the_nightly_job_makes_staff_active_again_on_their_return_date(estate):
    from omic.services.staff import return_staff_due_back

    StaffMember.objects.filter(pk="LEI001").update(
        status="unavailable", unavailable_reason="sick", expected_back_on=TODAY
    )
    StaffMember.objects.filter(pk="BMI001").update(
        status="unavailable", unavailable_reason="training", expected_back_on=TODAY + dt.timedelta(days=1)
    )
    assert return_staff_due_back(on=TODAY) == 1
    assert StaffMember.objects.get(pk="LEI001").status == "active"
    assert StaffMember.objects.get(pk="BMI001").status == "unavailable"
    [event] = AuditEvent.objects.filter(action="staff.returned")
    assert event.object_id == "LEI001" and event.prison_id == "LEI"
    assert return_staff_due_back(on=TODAY) == 0  # twice is harmless


def test_a_wing_of_another_prison_is_refused(estate, users):
    from django.core.exceptions import ValidationError

    from omic.services.staff import update_staff

    with pytest.raises(ValidationError) as refused:
        update_staff(staff=estate["brown"], by=users["admin"], changes={"wing": estate["wing_c"]})
    assert refused.value.message_dict == {"wing": ["Choose a wing of HMP Leeds."]}


def test_the_staff_list_filters_and_links_each_name(client, users, estate):
    response = get(client, users["governor"], "/prisons/LEI/staff/", untrained="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/prisons/LEI/staff/LEI002/"' in page and 'href="/prisons/LEI/staff/LEI001/"' not in page
    by_band = get(client, users["governor"], "/prisons/LEI/staff/", band="4").content.decode()
    assert "LEI001" not in by_band and "LEI002" not in by_band
    csv = get(client, users["governor"], "/prisons/LEI/staff/", untrained="on", format="csv").content.decode()
    assert "LEI002" in csv and "LEI001" not in csv


def test_the_staff_page_costs_the_same_queries_whatever_the_caseload(
    client, users, estate, queries_do_not_grow
):
    from tests import factories

    lei = estate["lei"]
    adams = StaffMember.objects.get(pk="LEI001")

    def grow():
        for _ in range(6):
            spell = factories.CustodySpellFactory(prison=lei)
            factories.KeyWorkerAllocationFactory(prisoner=spell.prisoner, prison=lei, key_worker=adams)
            factories.SessionFactory(prisoner=spell.prisoner, prison=lei, key_worker=adams, date=TODAY)

    client.force_login(users["admin"])
    queries_do_not_grow(lambda: ok(client.get("/prisons/LEI/staff/LEI001/")), grow)


def test_sessions_delivered_are_shown_by_week(client, users, estate):
    from tests import factories

    lei, adams = estate["lei"], estate["adams"]
    spell = factories.CustodySpellFactory(prison=lei, reception_date=MONDAY - dt.timedelta(days=60))
    factories.SessionFactory(
        prisoner=spell.prisoner, prison=lei, key_worker=adams, date=MONDAY, duration_minutes=50
    )
    kw = get(client, users["governor"], "/prisons/LEI/staff/LEI001/").content.decode()
    assert "Sessions delivered, this week and the last four" in kw
    assert ">50<" in kw.replace(" ", "")


def test_benchmark_fte_is_shown_two_places(estate):
    assert estate["lei"].benchmarks.get().band3_benchmark_fte == Decimal("2.00")
