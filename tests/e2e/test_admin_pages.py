"""Admins keep records current in the browser, at a desktop and a tablet width."""

import datetime as dt
from decimal import Decimal

import pytest

from omic import dates
from tests import factories
from tests.e2e.browser import click_and_wait, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = dates.today()
MONDAY = dates.week_start(TODAY)
WIDTHS = [1280, 768]


@pytest.fixture
def leeds(transactional_db):
    """Leeds at its benchmark but for one untrained officer, so key work is suspended."""
    leeds = factories.PrisonFactory(code="LEI", name="HMP Leeds", key_work_start_date=dt.date(2019, 3, 4))
    wings = [factories.WingFactory(prison=leeds, code=c, name=f"{c} wing") for c in "AB"]
    factories.BenchmarkFactory(
        prison=leeds, effective_from=dt.date(2019, 1, 7), band3_benchmark_fte=Decimal("3.00")
    )
    for n, (first, last) in enumerate([("Oliver", "Smith"), ("Amelia", "Jones"), ("Harry", "Taylor")]):
        factories.StaffMemberFactory(
            staff_id=f"LEI00{n}", prison=leeds, first_name=first, last_name=last, wing=wings[n % 2],
            key_worker_trained_on=None if n == 2 else dt.date(2019, 2, 1),
        )  # fmt: skip
    for n in range(6):
        factories.CustodySpellFactory(
            prison=leeds, wing=wings[n % 2], reception_date=TODAY - dt.timedelta(days=40)
        )
    admin = factories.UserFactory(username="admin", role="admin", first_name="Aisha", last_name="Dunn")
    admin.prisons.set([leeds])
    return leeds


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_records_a_training_date_and_key_work_comes_back_on(
    open_as, leeds, width, screenshot, assert_accessible
):
    page = open_as("admin", "/prisons/LEI/staff/", width)
    page.get_by_label("Only untrained Band 3 officers").check()
    click_and_wait(page.get_by_role("button", name="Filter staff"))
    click_and_wait(page.get_by_role("link", name="Taylor, Harry"))
    assert page.get_by_role("heading", level=1).inner_text() == "Harry Taylor"
    screenshot(page, f"staff-member-{width}")
    assert_accessible(page)
    yesterday = TODAY - dt.timedelta(days=1)
    group = page.get_by_role("group", name="Key worker training completed on")
    group.get_by_label("Day").fill(str(yesterday.day))
    group.get_by_label("Month").fill(str(yesterday.month))
    group.get_by_label("Year").fill(str(yesterday.year))
    click_and_wait(page.get_by_role("button", name="Save changes"))
    banner = page.get_by_role("alert")
    # Status is decided on each week's Monday: trained by this Monday turns this week on.
    trained_week = MONDAY if yesterday < MONDAY else MONDAY + dates.WEEK
    assert "Harry Taylor's record is saved." in banner.inner_text()
    assert f"Key work is now on from {trained_week.day} {trained_week:%B %Y}." in banner.inner_text()
    # The confirmation is where the eye is: at the top of the page, in view.
    assert banner.bounding_box()["y"] < 900
    screenshot(page, f"staff-member-saved-{width}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_admin_adds_a_wing_manager_who_signs_in_and_sees_only_their_wing(
    open_as, leeds, screenshot, assert_accessible
):
    page = open_as("admin", "/prisons/LEI/users/")
    assert_accessible(page)
    page.get_by_label("Username").fill("wmason")
    page.get_by_label("First name").fill("Wendy")
    page.get_by_label("Last name").fill("Mason")
    page.get_by_label("Wing manager").check()
    page.get_by_label("B wing").check()
    page.get_by_label("Password for their first sign-in").fill("first-sign-in-only-1")
    click_and_wait(page.get_by_role("button", name="Add user"))
    assert "wmason can now sign in" in page.get_by_role("alert").inner_text()
    screenshot(page, "users-added")
    click_and_wait(page.get_by_role("button", name="Sign out"))

    sign_in(page, "wmason", "first-sign-in-only-1")
    assert page.url.endswith("/password/")  # they choose their own password first
    page.get_by_label("Current password").fill("first-sign-in-only-1")
    page.get_by_label("New password", exact=True).fill("wendys-own-password-2")
    page.get_by_label("Confirm new password").fill("wendys-own-password-2")
    click_and_wait(page.get_by_role("button", name="Change password"))
    page.goto("/")
    text = page.locator("main").inner_text()
    assert "B wing" in text and "A wing" not in text
    screenshot(page, "wing-manager-home-new-user")
    assert_accessible(page)


def test_find_a_prisoner_from_the_header(open_as, leeds, screenshot, assert_accessible):
    from omic.models import Prisoner

    one = Prisoner.objects.order_by("prison_number").first()
    page = open_as("admin", width=768)
    page.get_by_role("searchbox", name="Find a prisoner by their number or name").fill(one.last_name)
    click_and_wait(page.get_by_role("button", name="Find"))
    screenshot(page, "search-768")
    assert_accessible(page)
    if "/prisoners/" not in page.url:  # several share the surname: pick from the list
        click_and_wait(page.get_by_role("link", name=f"{one.last_name}, {one.first_name}").first)
    assert "/prisoners/" in page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_governor_reads_the_trend_and_why_compliance_moved(
    open_as, leeds, width, screenshot, assert_accessible
):
    for i, delivered in enumerate([300, 350, 420, 0, 400, 450, 380, 360, 410, 440, 300, 200]):
        factories.PrisonWeekFactory(
            prison=leeds, week_start=MONDAY - (11 - i) * dates.WEEK, delivered_minutes=delivered,
            entitled_sevenths=45 * 70, prisoners=10, key_work_enabled=i != 3,
            suspension_reasons=[] if i != 3 else ["below_benchmark"], not_held_staff_redeployed=i // 4,
        )  # fmt: skip
    governor = factories.UserFactory(username="gov", role="governor")
    governor.prisons.set([leeds])
    page = open_as("gov", "/prisons/LEI/", width)
    assert (
        page.get_by_role("img", name="Over 12 weeks").count() == 1
        or page.locator("svg[role=img]").count() == 1
    )
    assert "Why compliance moved last week" in page.locator("main").inner_text()
    page.locator("#keywork-trend-heading").scroll_into_view_if_needed()
    screenshot(page, f"governor-dashboard-{width}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_hq_picks_a_week_filters_sorts_and_opens_a_prison(
    open_as, leeds, width, screenshot, assert_accessible
):
    other = factories.PrisonFactory(code="MDI", name="HMP Moorland")
    female = factories.PrisonFactory(code="HOI", name="HMP High Down", estate="female")
    # Every prison-week is computed, as the nightly job leaves them (else the page computes them).
    for i, (prison, delivered) in enumerate([(leeds, 300), (other, 420), (female, 0)]):
        for weeks_ago in (1, 2):
            factories.PrisonWeekFactory(
                prison=prison, week_start=MONDAY - weeks_ago * dates.WEEK,
                delivered_minutes=delivered + weeks_ago, entitled_sevenths=45 * 70, prisoners=10 + i,
            )  # fmt: skip
    factories.UserFactory(username="hq", role="hq")
    page = open_as("hq", "/hq/", width)
    two_weeks_ago = MONDAY - 2 * dates.WEEK
    page.get_by_label("Week starting").select_option(two_weeks_ago.isoformat())
    page.get_by_label("Estate").select_option("male_closed")
    click_and_wait(page.get_by_role("button", name="Show prisons"))
    page.get_by_role("link", name="Compliance").click()  # sorts on the server, lowest first
    page.wait_for_url("**sort=compliance_pct&dir=asc**")
    page.get_by_role("link", name="Compliance").click()  # again: highest first
    page.wait_for_url("**sort=compliance_pct&dir=desc**")
    names = page.locator("tbody tr td:first-child a").all_inner_texts()
    assert names[:2] == ["HMP Moorland", "HMP Leeds"] and "HMP High Down" not in names
    screenshot(page, f"national-view-{width}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    click_and_wait(page.get_by_role("link", name="HMP Moorland"))
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_whose_prisoner_was_given_a_key_worker_meanwhile_is_told_and_nothing_is_saved(
    open_as, leeds, width, screenshot, assert_accessible, monkeypatch
):
    """Two admins at once: the second submits a page shown before the first's allocation."""
    from keywork import services
    from keywork.models import KeyWorkerAllocation
    from omic.models import CustodySpell, StaffMember

    # No worker reads the broker here (as in the other allocation browser test).
    monkeypatch.setattr("keywork.recompute.enqueue_recomputes", lambda requests: True)
    prisoner = CustodySpell.objects.filter(prison=leeds).order_by("prisoner_id").first().prisoner
    page = open_as("admin", f"/prisons/LEI/allocate/?prisoner={prisoner.prison_number}", width)
    other = factories.UserFactory(username="bilal", role="admin")
    other.prisons.set([leeds])
    services.allocate_key_worker(
        allocated_by=other, prisoner=prisoner, prison=leeds,
        key_worker=StaffMember.objects.get(staff_id="LEI000"), start_date=TODAY,
    )  # fmt: skip
    page.get_by_label("Key worker", exact=True).select_option("LEI001")
    click_and_wait(page.get_by_role("button", name="Allocate key worker"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"{prisoner.prison_number} was given Oliver Smith (LEI000) as key worker at" in summary
    assert "by bilal, after this page was shown: nothing was saved" in summary
    assert list(KeyWorkerAllocation.objects.values_list("key_worker_id", flat=True)) == ["LEI000"]
    screenshot(page, f"allocate-changed-meanwhile-{width}")
    assert_accessible(page)
