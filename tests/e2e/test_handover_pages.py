"""The handover dashboard and the BCST page in the browser, at a desktop and a tablet width:
a governor opens the dashboard and downloads a list; an admin records a BCST and is refused
for a Band 3 officer (pom.md "BCST")."""

import csv
import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta

from allocation import services
from allocation.models import Bcst, PomAllocation, Sentence
from omic import dates
from tests import factories
from tests.e2e.browser import click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = dates.today()
D = dt.timedelta
WIDTHS = [1280, 768]


@pytest.fixture
def leeds(transactional_db):
    """Leeds: prisoners due a handover soon, one overdue a COM, some without a POM, two new
    receptions (their BCSTs are made when their spells are saved), a Band 3 and a Band 4."""
    leeds = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    wing = factories.WingFactory(prison=leeds, code="A", name="A wing")
    pom = factories.StaffMemberFactory(
        staff_id="LEI400", prison=leeds, band=4, role="pom", first_name="Priya", last_name="Shah"
    )
    factories.StaffMemberFactory(
        staff_id="LEI300", prison=leeds, band=3, first_name="Olly", last_name="Officer"
    )
    soon = TODAY + relativedelta(months=8) + D(14)
    people = [
        ("A1001AA", "Adam", "Hughes", soon + D(10), "Cara Cole"),
        ("A1002AA", "Ben", "Ward", soon + D(40), ""),
        ("A1003AA", "Carl", "Price", soon - D(30), ""),  # handover a month ago, no COM
        ("A1004AA", "Dev", "Patel", soon + D(300), ""),
    ]
    for number, first, last, release, com in people:
        prisoner = factories.in_custody(
            leeds, number, wing, received=dt.date(2024, 1, 1), first_name=first, last_name=last,
            date_of_birth=dt.date(1985, 1, 1),
        )  # fmt: skip
        Sentence.objects.create(
            prisoner=prisoner, sentence_type="determinate", sentence_start_date=dt.date(2024, 1, 1),
            automatic_release_date=release, tier="B", com_name=com,
        )  # fmt: skip
    PomAllocation.objects.create(
        prisoner_id="A1001AA", prison=leeds, staff_member=pom, role="primary", start_date=dt.date(2024, 2, 1)
    )
    factories.in_custody(leeds, "B2001BB", wing, received=TODAY - D(5), first_name="Eli", last_name="Fox")
    factories.in_custody(leeds, "B2002BB", wing, received=TODAY - D(1), first_name="Finn", last_name="Gray")
    services.recalculate_handovers(today=TODAY)
    for username, role in (("governor", "governor"), ("admin", "admin")):
        user = factories.UserFactory(username=username, role=role)
        user.prisons.set([leeds])
    return leeds


@pytest.mark.parametrize("width", WIDTHS)
def test_governor_opens_the_handover_dashboard_and_downloads_a_list(
    open_as, leeds, width, screenshot, assert_accessible
):
    page = open_as("governor", "/prisons/LEI/", width)
    click_and_wait(page.get_by_role("link", name="Handover", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Handover"
    table = page.get_by_role("table", name="Upcoming handovers")
    assert "Hughes, Adam" in table.inner_text() and "Ward, Ben" in table.inner_text()
    assert "Price, Carl" not in table.inner_text()
    screenshot(page, f"handover-dashboard-{width}")
    assert_accessible(page)

    click_and_wait(page.get_by_role("link", name="COM allocation overdue"))
    assert "Price, Carl" in page.get_by_role("table", name="COM allocation overdue").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download COM allocation overdue as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [r["prison_number"] for r in rows] == ["A1003AA"] and rows[0]["responsibility"] == "com"

    click_and_wait(page.get_by_role("link", name="BCSTs due and overdue"))
    bcsts = page.get_by_role("table", name="BCSTs due and overdue").inner_text()
    assert "Fox, Eli" in bcsts and "Overdue" in bcsts and "Gray, Finn" in bcsts
    screenshot(page, f"handover-dashboard-bcst-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_records_a_bcst_and_is_refused_for_a_band_3_officer(
    open_as, leeds, width, screenshot, assert_accessible
):
    page = open_as("admin", "/prisons/LEI/bcst/", width)
    screenshot(page, f"bcst-{width}")
    assert_accessible(page)
    click_and_wait(page.get_by_role("link", name="Record completion of the BCST of Eli Fox"))
    group = page.get_by_role("group", name="Date completed")
    yesterday = TODAY - D(1)
    group.get_by_label("Day").fill(str(yesterday.day))
    group.get_by_label("Month").fill(str(yesterday.month))
    group.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Completed by").select_option(label="Officer, Olly (LEI300, Band 3)")
    click_and_wait(page.get_by_role("button", name="Record completion"))
    summary = page.get_by_role("alert").inner_text()
    assert "Completed by must be a member of staff of Band 4 or above" in summary
    assert "Band 4 job description" in summary
    screenshot(page, f"bcst-refused-{width}")
    assert_accessible(page)
    assert not Bcst.objects.filter(completed_on__isnull=False).exists()

    page.get_by_label("Completed by").select_option(label="Shah, Priya (LEI400, Band 4)")
    click_and_wait(page.get_by_role("button", name="Record completion"))
    assert "BCST of Eli Fox (B2001BB) recorded as completed" in page.get_by_role("alert").inner_text()
    assert "Fox, Eli" not in page.get_by_role("table", name="BCSTs due and overdue").inner_text()
    done = Bcst.objects.get(spell__prisoner_id="B2001BB")
    assert (done.completed_on, done.completed_by_id) == (yesterday, "LEI400")
