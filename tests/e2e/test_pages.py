"""Each role signs in through the form and lands on a styled, accessible home page."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from omic import dates
from omic.models import StaffMember
from tests import factories
from tests.e2e.browser import assert_styled, click_and_wait, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TODAY = dates.today()

FIRST_NAMES = ["Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava", "Noah", "Mia", "Leo", "Ivy"]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
]


@pytest.fixture
def demo(transactional_db, make_user):
    """A small estate: Leeds (below benchmark, one untrained officer) and Cardiff, with users."""
    leeds = factories.PrisonFactory(code="LEI", name="HMP Leeds", key_work_start_date=dt.date(2019, 3, 4))
    cardiff = factories.PrisonFactory(
        code="CFI", name="HMP Cardiff", country="wales", pom_model="operational"
    )
    wings = [factories.WingFactory(prison=leeds, code=c, name=f"{c} wing") for c in "ABCD"]
    factories.WingFactory(prison=cardiff, code="A", name="A wing")
    factories.BenchmarkFactory(
        prison=leeds, effective_from=dt.date(2019, 1, 7), band3_benchmark_fte=Decimal("6.00")
    )
    factories.BenchmarkFactory(
        prison=leeds, effective_from=dt.date(2024, 4, 1), band3_benchmark_fte=Decimal("8.50")
    )
    factories.BenchmarkFactory(prison=cardiff, band3_benchmark_fte=Decimal("2.00"))
    for n in range(9):
        factories.StaffMemberFactory(
            staff_id=f"LEI{n:03d}", prison=leeds, first_name=FIRST_NAMES[n], last_name=LAST_NAMES[n],
            fte=Decimal("0.60") if n % 3 == 0 else Decimal("1.00"), wing=wings[n % 4],
            key_worker_trained_on=None if n == 4 else dt.date(2019, 2, 1),
        )  # fmt: skip
    factories.StaffMemberFactory(staff_id="LEI100", prison=leeds, band=5, role="pom", last_name="Patel")
    factories.StaffMemberFactory(staff_id="CFI001", prison=cardiff, fte=Decimal("1.00"))
    for n in range(24):
        factories.CustodySpellFactory(
            prisoner__prison_number=f"A{n:04d}BC", prisoner__first_name=FIRST_NAMES[n % 10],
            prisoner__last_name=LAST_NAMES[(n * 3) % 10], prison=leeds, wing=wings[n % 4],
            reception_date=TODAY - dt.timedelta(days=30 * n + 3),
        )  # fmt: skip
    factories.CustodySpellFactory(prisoner__prison_number="C0001CF", prison=cardiff)

    def user(username, role, first, last, prisons=(), wings=()):
        return make_user(role, prisons, wings, username=username, first_name=first, last_name=last)

    return {
        "wing_manager": user("wingmanager", "wing_manager", "Wendy", "Mann", wings=wings[:2]),
        "governor": user("governor", "governor", "Gareth", "Owen", prisons=[leeds]),
        "admin": user("admin", "admin", "Aisha", "Dunn", prisons=[leeds, cardiff]),
        "hq": user("hq", "hq", "Hugh", "Quinn"),
    }


HOME_HEADINGS = {
    "wing_manager": "Your wings",
    "governor": "Your prisons",
    "admin": "Your prisons",
    "hq": "Home",
}


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_each_role_signs_in_and_lands_on_their_home_page(
    open_as, demo, role, live_server, screenshot, assert_accessible
):
    page = open_as(demo[role].username)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == HOME_HEADINGS[role]
    assert page.locator(".app-header__user-name").inner_text() == demo[role].get_full_name()
    assert_styled(page)
    screenshot(page, f"home-{role}")
    assert_accessible(page)


def test_wrong_password_shows_an_accessible_error_summary(browser_page, demo, screenshot, assert_accessible):
    page = browser_page
    sign_in(page, "governor", password="not-the-password")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    assert_styled(page)
    screenshot(page, "login-error")
    assert_accessible(page)


def test_prison_dashboard(open_as, demo, screenshot, assert_accessible):
    page = open_as("governor")
    click_and_wait(page.get_by_role("link", name="HMP Leeds").first)
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert "−" in page.locator(".app-shortfall").first.inner_text()  # below benchmark
    assert_styled(page)
    screenshot(page, "prison-dashboard")
    assert_accessible(page)


def test_compliance_table_fits_a_tablet_in_landscape(open_as, demo, screenshot, assert_accessible):
    """Nine columns of weekly figures fit 1024 px without scrolling; the short reasons in the
    cells are explained in full beneath the table."""
    from keywork import compliance

    today = dates.today()
    compliance.recompute(week_from=today - dt.timedelta(weeks=7), week_to=today, prison_ids=["LEI"])
    page = open_as("governor", "/prisons/LEI/", 1024)
    table = page.locator(".app-table--dense").first  # the weekly figures; sessions not held below
    assert table.locator("tbody tr").count() == 8
    reasons = table.locator("tbody tr").first.locator("li").all_inner_texts()
    assert reasons == ["Below benchmark", "Untrained Band 3"]
    box = table.locator("xpath=..")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the table scrolls sideways"
    page.get_by_text("Why key work was suspended").click()
    details = page.locator(".govuk-details__text").last
    assert "Band 3 officers in post are below the benchmark staffing figure" in details.inner_text()
    screenshot(page, "prison-dashboard-tablet-landscape")
    assert_accessible(page)


def test_staff_page_and_national_view(open_as, demo, screenshot, assert_accessible):
    page = open_as("hq", "/prisons/LEI/staff/")
    assert page.locator(".govuk-tag--red", has_text="Not trained").count() == 1
    page.get_by_role("link", name="Band", exact=True).click()  # sorted by the server, every page
    click_and_wait(page.get_by_role("link", name="Band", exact=True))
    staff = page.locator("table", has=page.locator("caption", has_text="Staff at"))
    assert staff.locator("th[aria-sort=descending]").inner_text().strip() == "Band"
    bands = [int(b) for b in staff.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert bands == sorted(bands, reverse=True)
    # the one-page benchmark table on the same page still sorts in the browser
    assert page.get_by_role("button", name="Effective from").count() == 1
    screenshot(page, "prison-staff")
    assert_accessible(page)
    page.goto("/hq/")
    assert page.get_by_role("heading", level=1).inner_text() == "National view"
    screenshot(page, "hq")
    assert_accessible(page)


def test_wing_table_sorts_and_links_to_profiles(open_as, demo, screenshot, assert_accessible):
    page = open_as("wingmanager")
    click_and_wait(page.get_by_role("link", name="A wing").first)
    numbers = page.locator("tbody tr td:first-child")
    page.get_by_role("button", name="Prison number").click()
    ascending = numbers.all_inner_texts()
    assert ascending == sorted(ascending)
    page.get_by_role("button", name="Prison number").click()
    assert numbers.all_inner_texts() == sorted(ascending, reverse=True)
    screenshot(page, "wing")
    assert_accessible(page)
    click_and_wait(page.get_by_role("link", name=ascending[0]))
    assert page.locator(".govuk-caption-l").inner_text() == ascending[0]
    screenshot(page, "prisoner")
    assert_accessible(page)


@pytest.mark.parametrize(("name", "width"), [("tablet", 768), ("phone", 375)])
def test_home_page_fits_small_screens(open_as, demo, name, width, screenshot):
    page = open_as("admin", width=width)
    screenshot(page, f"home-admin-{name}")
    # Nothing wider than the screen: no sideways scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_sign_out(open_as, demo):
    page = open_as("governor")
    click_and_wait(page.get_by_role("button", name="Sign out"))
    assert page.url.endswith("/login/?signed-out")
    assert page.get_by_role("alert").inner_text().endswith("You have signed out.")
    page.goto("/")
    assert "/login/" in page.url


def test_key_workers_and_allocation_pages(open_as, demo, screenshot, assert_accessible, monkeypatch):
    """The admin sees caseloads against capacity, then allocates through the allocation page."""
    # No worker reads the broker here: publishing the recomputes would only leave them queued
    # (and build Celery's cached router before the worker test sets its own queue).
    monkeypatch.setattr("keywork.recompute.enqueue_recomputes", lambda requests: True)
    leeds = demo["admin"].prisons.get(code="LEI")
    oliver = StaffMember.objects.get(staff_id="LEI000")  # part time
    oliver.key_worker_capacity = 3
    oliver.save()
    for n in range(4):  # one more than Oliver's capacity: loaded from the extract, over capacity
        factories.KeyWorkerAllocationFactory(
            prisoner_id=f"A{n:04d}BC",
            prison=leeds,
            key_worker=oliver,
            start_date=TODAY - dt.timedelta(days=20),
        )
    untrained = StaffMember.objects.get(staff_id="LEI004")
    factories.KeyWorkerAllocationFactory(
        prisoner_id="A0004BC", prison=leeds, key_worker=untrained, start_date=TODAY - dt.timedelta(days=20)
    )
    page = open_as("admin", "/prisons/LEI/key-workers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Key workers"
    assert page.locator(".app-shortfall", has_text="1 over").count() == 1
    assert "20 prisoners need a key worker" in page.locator(".govuk-inset-text").inner_text()
    assert_styled(page)
    screenshot(page, "prison-key-workers")
    assert_accessible(page)

    click_and_wait(page.get_by_role("link", name="Allocate key workers"))
    assert page.get_by_role("heading", level=1).inner_text() == "Allocate key workers"
    screenshot(page, "prison-allocate")
    assert_accessible(page)

    # Oliver is over capacity: a full key worker is not offered (the service still refuses one).
    assert page.locator('select option[value="LEI000"]').count() == 0

    click_and_wait(page.get_by_role("button", name="Confirm these allocations"))
    assert (
        "key worker allocations confirmed" in page.locator(".govuk-notification-banner--success").inner_text()
    )
    screenshot(page, "prison-allocate-confirmed")
    assert_accessible(page)


# Every main page with a table, as the role that sees the most of it (issue 14, "Tablet and phone").
TABLE_PAGES = [
    ("governor", "/prisons/LEI/"),
    ("governor", "/prisons/LEI/wings/A/"),
    ("admin", "/prisons/LEI/key-workers/"),
    ("admin", "/prisons/LEI/allocate/"),
    ("admin", "/prisons/LEI/staff/"),
    ("admin", "/prisons/LEI/staff/LEI001/"),
    ("admin", "/prisons/LEI/users/"),
    ("admin", "/prisons/LEI/audit/"),
    ("admin", "/prisons/LEI/benchmarks/"),
    ("governor", "/prisons/LEI/planning/"),
    ("governor", "/prisoners/A0001BC/"),
    ("governor", "/search/?q=A00"),
    ("governor", "/prisons/LEI/handover/"),
    ("admin", "/prisons/LEI/bcst/"),
    ("admin", "/prisons/LEI/poms/"),
    ("admin", "/prisons/LEI/poms/LEI100/"),
    ("admin", "/prisoners/A0001BC/pom/"),
    ("hq", "/hq/"),
    ("hq", "/"),
]


@pytest.mark.parametrize("width", [768, 1280])
def test_every_table_fits_a_tablet_without_scrolling_sideways(
    chromium_browser, live_server, demo, width, screenshot
):
    """At 768 px (a tablet upright) and 1,280 px every table's main columns are in view: no
    table box scrolls sideways and no cell is clipped. Secondary columns may fold into the row
    (CSS) at the narrower width."""
    from keywork import compliance

    today = dates.today()
    compliance.recompute(week_from=today - dt.timedelta(weeks=11), week_to=today, prison_ids=["LEI"])
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    overflowing = {}
    signed_in = None
    for role, url in TABLE_PAGES:
        if role != signed_in:
            context.clear_cookies()
            sign_in(page, role.replace("_", ""))
            signed_in = role
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.app-table-scroll')]
                 .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
                 .map(b => `${b.querySelector('caption')?.innerText}: ${b.scrollWidth} > ${b.clientWidth}`)"""
        )
        body = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if wide or not body:
            overflowing[url] = wide or ["the page scrolls sideways"]
        screenshot(page, f"tables-{width}-{url.strip('/').replace('/', '-').replace('?', '-') or 'home'}")
    context.close()
    assert overflowing == {}


@pytest.mark.parametrize("width", [1280, 768])
def test_admin_moves_every_prisoner_of_an_unavailable_key_worker(
    chromium_browser, live_server, demo, width, screenshot, assert_accessible, monkeypatch
):
    """Reviewed, then confirmed: the auto-allocation rule proposes a key worker for each of
    the unavailable one's prisoners; nothing changes until the admin confirms."""
    from keywork.models import KeyWorkerAllocation

    monkeypatch.setattr("keywork.recompute.enqueue_recomputes", lambda requests: True)
    leeds = demo["admin"].prisons.get(code="LEI")
    harry = StaffMember.objects.get(staff_id="LEI002")
    for n in (1, 2, 3):
        factories.KeyWorkerAllocationFactory(
            prisoner_id=f"A{n:04d}BC",
            prison=leeds,
            key_worker=harry,
            start_date=TODAY - dt.timedelta(days=20),
        )
    harry.status, harry.unavailable_reason = "unavailable", "sick"
    harry.expected_back_on = TODAY + dt.timedelta(days=60)
    harry.save()
    context = chromium_browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "admin")
    page.goto("/prisons/LEI/allocate/")
    click_and_wait(
        page.get_by_role("link", name=f"Move every prisoner of {harry.first_name} {harry.last_name}")
    )
    heading = page.get_by_role("heading", name=f"Move every prisoner of {harry.first_name} {harry.last_name}")
    expect(heading).to_be_in_viewport()
    proposed = page.locator("table", has=page.locator("caption", has_text="Proposed moves"))
    assert proposed.locator("tbody tr").count() == 3
    assert KeyWorkerAllocation.objects.filter(key_worker=harry, end_date__isnull=True).count() == 3
    screenshot(page, f"allocate-move-review-{width}")
    assert_accessible(page)

    click_and_wait(page.get_by_role("button", name="Confirm these moves"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_in_viewport()
    assert "3" in banner.inner_text()
    screenshot(page, f"allocate-move-confirmed-{width}")
    assert_accessible(page)
    assert not KeyWorkerAllocation.objects.filter(key_worker=harry, end_date__isnull=True).exists()
    moved = KeyWorkerAllocation.objects.filter(
        prisoner_id__in=["A0001BC", "A0002BC", "A0003BC"], start_date=TODAY, end_date__isnull=True
    )
    assert moved.count() == 3 and harry.pk not in set(moved.values_list("key_worker_id", flat=True))
    context.close()
