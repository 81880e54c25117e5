"""A wing manager's key work sessions in the browser, at a desktop and a tablet width: log one
from the behind list and land back on the wing, correct it, a repeat is not saved again, delete
a duplicate, record a session not held, which the governor's dashboard then counts."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from keywork.models import Session, SessionNotHeld
from omic import dates
from tests import factories
from tests.e2e.browser import click_and_wait, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = dates.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
LONG_AGO = TODAY - dt.timedelta(days=400)
WIDTHS = [1280, 768]


@pytest.fixture
def wing(transactional_db):
    leeds = factories.PrisonFactory(code="LEI", name="HMP Leeds", key_work_start_date=dt.date(2019, 3, 4))
    wing_a = factories.WingFactory(prison=leeds, code="A", name="A wing")
    factories.BenchmarkFactory(prison=leeds, effective_from=LONG_AGO, band3_benchmark_fte=Decimal("1.00"))
    kim = factories.StaffMemberFactory(staff_id="LEI001", prison=leeds, first_name="Kim", last_name="Worker")
    alan = factories.in_custody(
        leeds, "A1111AA", wing_a, received=LONG_AGO, first_name="Alan", last_name="Behind"
    )
    factories.KeyWorkerAllocationFactory(prisoner=alan, prison=leeds, key_worker=kim, start_date=LONG_AGO)
    # Yesterday's session, recorded twice (the second is the duplicate to delete).
    for _ in range(2):
        factories.SessionFactory(
            prisoner=alan, prison=leeds, key_worker=kim, date=YESTERDAY, duration_minutes=20, kind="other"
        )
    manager = factories.UserFactory(
        username="wendy", role="wing_manager", first_name="Wendy", last_name="Hale"
    )
    manager.wings.set([wing_a])
    governor = factories.UserFactory(
        username="gareth", role="governor", first_name="Gareth", last_name="Owen"
    )
    governor.prisons.set([leeds])
    return alan


@pytest.mark.parametrize("width", WIDTHS)
def test_wing_manager_logs_corrects_repeats_deletes_and_records_not_held(
    open_as, wing, width, screenshot, assert_accessible
):
    page = open_as("wendy", "/prisons/LEI/wings/A/", width)
    click_and_wait(page.get_by_role("link", name="Log a session with Alan Behind"))
    # Quick on a tablet: the allocated key worker and today are already filled in.
    expect(page.get_by_label("Key worker")).to_have_value("LEI001")
    expect(page.get_by_label("Day")).to_have_value(str(TODAY.day))
    back = page.get_by_role("link", name="Back", exact=True)
    expect(back).to_have_attribute("href", "/prisons/LEI/wings/A/")
    screenshot(page, f"session-form-{width}")
    assert_accessible(page)
    page.get_by_label("Duration in minutes").fill("45")
    page.get_by_label("Structured interview").check()
    click_and_wait(page.get_by_role("button", name="Save session"))

    assert page.url.endswith("/prisons/LEI/wings/A/")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("with Alan Behind saved")
    expect(banner).to_be_in_viewport()
    screenshot(page, f"session-saved-on-wing-{width}")
    assert_accessible(page)

    # Open it from the profile and correct it.
    page.goto("/prisoners/A1111AA/")
    click_and_wait(page.get_by_role("link", name=f"View the session on {TODAY:%-d %B %Y}"))
    assert_accessible(page)
    page.get_by_label("Duration in minutes").fill("50")
    page.get_by_label("Reason for the correction").fill("It ran longer than I typed")
    click_and_wait(page.get_by_role("button", name="Save correction"))
    expect(page.get_by_role("alert")).to_contain_text("Session corrected.")
    today_session = Session.objects.get(prisoner=wing, date=TODAY)
    assert today_session.duration_minutes == 50

    # The same session again, moments later: not saved again, with a link to the one saved.
    page.goto("/prisoners/A1111AA/sessions/new/")
    page.get_by_label("Duration in minutes").fill("50")
    page.get_by_label("Structured interview").check()
    click_and_wait(page.get_by_role("button", name="Save session"))
    expect(page.get_by_role("alert")).to_contain_text("This session was already recorded")
    expect(page.get_by_role("link", name="View the session")).to_have_attribute(
        "href", f"/prisoners/A1111AA/sessions/{today_session.pk}/"
    )
    screenshot(page, f"session-already-recorded-{width}")
    assert_accessible(page)
    assert Session.objects.filter(prisoner=wing, date=TODAY).count() == 1

    # Delete yesterday's duplicate.
    page.goto("/prisoners/A1111AA/")
    click_and_wait(page.get_by_role("link", name=f"View the session on {YESTERDAY:%-d %B %Y}").first)
    page.get_by_label("Reason for deleting the session").fill("Recorded twice")
    click_and_wait(page.get_by_role("button", name="Delete session"))
    expect(page.get_by_role("alert")).to_contain_text("deleted")
    assert Session.objects.filter(prisoner=wing, date=YESTERDAY, deleted_at__isnull=True).count() == 1

    # A session that did not take place: the key worker was redeployed.
    click_and_wait(page.get_by_role("link", name="Record a session not held"))
    page.get_by_label("Key worker redeployed to other duties").check()
    screenshot(page, f"session-not-held-{width}")
    assert_accessible(page)
    click_and_wait(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_contain_text("key worker redeployed to other duties")
    assert SessionNotHeld.objects.get(prisoner=wing).reason == "staff_redeployed"

    # The governor's dashboard counts it this week, under its reason.
    page.context.clear_cookies()
    sign_in(page, "gareth")
    page.goto("/prisons/LEI/")
    not_held = page.locator(
        "table", has=page.locator("caption", has_text="Sessions not held in the last 8 weeks")
    )
    header = not_held.locator("thead th").all_inner_texts()
    this_week = not_held.locator("tbody tr").first.locator("td").all_inner_texts()
    assert this_week[header.index("Key worker redeployed to other duties")] == "1"
    assert this_week[-1] == "1"
    expect(page.get_by_text("This week so far: 1 session not held.")).to_be_visible()
    not_held.scroll_into_view_if_needed()
    screenshot(page, f"dashboard-counts-not-held-{width}")
    assert_accessible(page)
