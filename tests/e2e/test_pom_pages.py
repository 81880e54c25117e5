"""An admin allocates POMs in the browser, at a desktop and a tablet width: one following the
recommended POM type, another against it (refused until a reason is given); then the POMs page
shows the case mix and the prison's POM model."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from allocation import services
from allocation.models import PomAllocation, Sentence
from omic import dates
from tests import factories
from tests.e2e.browser import click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = dates.today()
WIDTHS = [1280, 768]


@pytest.fixture
def leeds(transactional_db):
    leeds = factories.PrisonFactory(
        code="LEI", name="HMP Leeds", pom_model="operational", pom_model_chosen_on=dt.date(2024, 3, 1)
    )
    wing = factories.WingFactory(prison=leeds, code="A", name="A wing")
    for staff_id, first, last, role, fte in [
        ("LEIP01", "Pat", "Parker", "pom", "1.00"),
        ("LEIP02", "Priya", "Patel", "pom", "0.60"),
        ("LEIR01", "Rob", "Reed", "probation_pom", "1.00"),
    ]:
        factories.StaffMemberFactory(
            staff_id=staff_id, prison=leeds, first_name=first, last_name=last, role=role, band=4,
            fte=Decimal(fte), contracted_hours=Decimal("39") * Decimal(fte), key_worker_trained_on=None,
        )  # fmt: skip
    for number, first, last in [("A1111AA", "Alan", "Able"), ("B2222BB", "Bea", "Baker")]:
        prisoner = factories.in_custody(leeds, number, wing, first_name=first, last_name=last)
        Sentence.objects.create(
            prisoner=prisoner, sentence_type="determinate", tier="C",
            sentence_start_date=TODAY - relativedelta(years=1),
            conditional_release_date=TODAY + relativedelta(years=2),
        )  # fmt: skip
    services.recalculate_handovers(today=TODAY)  # as the nightly job leaves the store
    admin = factories.UserFactory(username="admin", role="admin", first_name="Aisha", last_name="Dunn")
    admin.prisons.set([leeds])
    return leeds


def allocate(page, pom_label):
    page.get_by_role("group", name="Allocate as").get_by_label("Primary POM").check()
    page.get_by_label(pom_label).check()
    click_and_wait(page.get_by_role("button", name="Allocate POM"))


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_allocates_with_and_against_the_recommendation(
    open_as, leeds, width, screenshot, assert_accessible
):
    page = open_as("admin", "/prisoners/A1111AA/", width)
    click_and_wait(page.get_by_role("link", name="POM and handover details"))
    assert page.get_by_role("heading", level=1).inner_text() == "POM and handover: Alan Able"
    hint = page.locator("#id_staff_member_1_hint")
    expect(hint).to_contain_text("Prison POM (recommended type) · 0 cases · Full time")
    screenshot(page, f"pom-page-{width}")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    allocate(page, "Pat Parker (LEIP01)")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Pat Parker (LEIP01) is now the primary POM of Alan Able (A1111AA).")
    assert banner.bounding_box()["y"] < 1000  # where the eye is: at the top, in view
    screenshot(page, f"pom-page-allocated-{width}")
    assert_accessible(page)

    # Against the recommendation: refused beside the reason until one is given.
    page.goto("/prisoners/B2222BB/pom/")
    allocate(page, "Rob Reed (LEIR01)")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Reason is required: POM Rob Reed (LEIR01) is a probation POM")
    assert summary.bounding_box()["y"] < 1000
    screenshot(page, f"pom-page-reason-required-{width}")
    assert_accessible(page)
    assert not PomAllocation.objects.filter(prisoner_id="B2222BB").exists()
    page.get_by_label("Reason, if you choose a POM of the type not recommended").fill(
        "Complex case: needs probation experience"
    )
    click_and_wait(page.get_by_role("button", name="Allocate POM"))
    expect(page.get_by_role("alert")).to_contain_text("Rob Reed (LEIR01) is now the primary POM of Bea Baker")
    assert (
        PomAllocation.objects.get(prisoner_id="B2222BB").reason == "Complex case: needs probation experience"
    )

    # The profile shows the POM beside the key worker.
    page.goto("/prisoners/A1111AA/")
    section = page.locator("section", has=page.locator("#pom-prisoner-heading"))
    expect(section).to_contain_text("Pat Parker")
    expect(section).to_contain_text("POM responsible")
    screenshot(page, f"profile-pom-{width}")
    assert_accessible(page)

    page.goto("/prisons/LEI/poms/")
    expect(page.locator("#pom-model")).to_contain_text("POM model: operational, chosen on 1 March 2024")
    pat = page.get_by_role("row").filter(has_text="Parker, Pat")
    expect(pat.locator("td").nth(3)).to_have_text("1")  # responsible for Alan (td: folded cells too)
    screenshot(page, f"poms-{width}")
    assert_accessible(page)
    # Every column fits: the table does not scroll sideways, even on a tablet.
    scroll = page.locator(".app-table-scroll").first
    assert scroll.evaluate("box => box.scrollWidth <= box.clientWidth"), scroll.evaluate(
        "box => [box.scrollWidth, box.clientWidth]"
    )
    click_and_wait(page.get_by_role("link", name="Parker, Pat"))
    expect(page.get_by_role("cell", name="Able, Alan A1111AA")).to_be_visible()
    screenshot(page, f"pom-caseload-{width}")
    assert_accessible(page)
