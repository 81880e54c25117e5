"""The Content Security Policy in a real browser: our own scripts and styles run, nothing
is refused, and an inline script (what an injection would add) is blocked. Also the sign-in
lockout and the 400 page as a person sees them, accessible."""

import pytest

from tests import factories
from tests.e2e.browser import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Playwright adds this before any page script (over CDP, which the policy does not govern):
# it records every violation the browser reports.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


@pytest.fixture
def governor(transactional_db):
    prison = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    factories.WingFactory(prison=prison, code="A", name="A wing")
    for n in range(3):
        factories.StaffMemberFactory(staff_id=f"LEI{n:03d}", prison=prison)
    user = factories.UserFactory(username="governor", role="governor", first_name="Gill", last_name="Gov")
    user.prisons.set([prison])
    return user


@pytest.fixture
def page(browser_page):
    browser_page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    browser_page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    browser_page.console_errors = errors
    return browser_page


def test_our_scripts_run_under_the_policy_and_nothing_is_refused(page, governor):
    sign_in(page, "governor")
    for path in ("/", "/prisons/LEI/", "/prisons/LEI/staff/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # static/js/govuk-supported.js ran, and static/js/app.js started GOV.UK Frontend.
        assert "govuk-frontend-supported" in page.evaluate("document.body.className"), path
        assert page.locator("a.govuk-skip-link[data-govuk-skip-link-init]").count() == 1, path
        assert page.evaluate("window.cspViolations") == [], path
    assert page.console_errors == []


def test_an_injected_inline_script_is_blocked(page, governor):
    sign_in(page, "governor")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.cspViolations"))


def test_the_lockout_message_is_shown_and_accessible(page, governor, assert_accessible, screenshot):
    for _ in range(10):
        sign_in(page, "governor", password="not-the-password")
    sign_in(page, "governor")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Wait 15 minutes and try again" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    assert page.url.endswith("/login/")
    screenshot(page, "login-locked-out")
    assert_accessible(page)


def test_the_bad_input_page_is_accessible(page, governor, assert_accessible, screenshot):
    response = page.goto("/prisons/LEI%00/")
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "There is a problem with what was sent"
    screenshot(page, "bad-input")
    assert_accessible(page)


def test_the_500_page_shows_the_reference_and_is_accessible(
    page, transactional_db, settings, assert_accessible
):
    settings.ROOT_URLCONF = "tests.omic.failing_urls"
    response = page.goto("/fails/")
    assert response.status == 500
    reference = page.locator("#request-id").inner_text()
    assert reference == response.headers["x-request-id"]
    assert page.get_by_role("heading", level=1).inner_text() == "Sorry, there is a problem with the service"
    assert_accessible(page)
