"""What every browser test does the same way: sign in, open a context at a width, click through
to the next page, check that GOV.UK Frontend's styles loaded. One home, imported by each
tests/e2e file (and by conftest.py's open_as)."""

from tests.factories import TEST_PASSWORD


def click_and_wait(locator):
    """Click a link or button, and wait for the page it leads to to settle."""
    locator.click()
    locator.page.wait_for_load_state("networkidle")


def sign_in(page, username, password=TEST_PASSWORD):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    click_and_wait(page.get_by_role("button", name="Sign in"))


def at_width(chromium_browser, live_server, width):
    """A fresh context (no cookies) `width` px wide, and a page in it; the caller closes the context."""
    context = chromium_browser.new_context(
        viewport={"width": width, "height": 1000}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def assert_styled(page):
    """GOV.UK Frontend's CSS, fonts and JavaScript all loaded (not a bare HTML page)."""
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.moj-header')).backgroundColor")
        == "rgb(11, 12, 12)"
    )
    page.evaluate("document.fonts.ready")
    assert page.evaluate("""document.fonts.check('19px "GDS Transport"')""")
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
