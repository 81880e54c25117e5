"""Every core page needs a signed-in user; signing out is a POST."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from tests import factories
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

# Pages anyone may open: signing in, signing out (harmless without a session), and the
# service's guidance and statements.
OPEN_PAGES = {"omic:login", "omic:logout", "omic:help", "omic:accessibility", "omic:privacy", "omic:cookies"}


def _patterns() -> list[URLPattern]:
    return [p for p in get_resolver("omic.web_urls").url_patterns if isinstance(p, URLPattern)]


@pytest.fixture
def path_values(db):
    """Real objects for every path parameter the core URLs use."""
    prison = factories.PrisonFactory(code="LEI")
    wing = factories.WingFactory(prison=prison, code="A")
    spell = factories.CustodySpellFactory(prison=prison, wing=wing)
    staff = factories.StaffMemberFactory(prison=prison)
    user = factories.UserFactory(role="governor")
    user.prisons.set([prison])
    return {
        "code": prison.code, "wing_code": wing.code, "prison_number": spell.prisoner_id,
        "staff_id": staff.staff_id, "username": user.username,
    }  # fmt: skip


def test_only_sign_in_sign_out_and_the_service_pages_are_open():
    open_pages = {
        f"omic:{p.name}" for p in _patterns() if getattr(p.callback, "login_required", True) is False
    }
    assert open_pages == OPEN_PAGES


@pytest.mark.parametrize(
    "pattern", [p for p in _patterns() if f"omic:{p.name}" not in OPEN_PAGES], ids=lambda p: p.name
)
def test_anonymous_user_is_sent_to_sign_in(client, path_values, pattern):
    name = f"omic:{pattern.name}"
    kwargs = {key: path_values[key] for key in pattern.pattern.regex.groupindex}
    path = reverse(name, kwargs=kwargs)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_sign_in_page_is_open(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_sign_out_by_get_is_not_allowed(client, make_user):
    user = make_user("governor")
    client.force_login(user)
    assert client.get("/logout/").status_code == 405
    # Still signed in.
    assert client.get("/").status_code == 200


def test_sign_out_by_post_ends_the_session(client, make_user):
    user = make_user("governor")
    assert client.login(username=user.username, password=TEST_PASSWORD)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?signed-out"
    assert "You have signed out." in client.get(response["Location"]).content.decode()
    assert client.get("/").status_code == 302


def test_sign_out_without_a_session_lands_on_sign_in(client, db):
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?signed-out"


@pytest.mark.parametrize("page", ["help", "accessibility", "privacy", "cookies"])
def test_service_pages_open_without_signing_in_and_are_linked_from_the_footer(client, db, page):
    response = client.get(f"/{page}/")
    assert response.status_code == 200
    assert f'href="/{page}/"' in response.content.decode()  # the footer links every one


def test_a_missing_page_is_a_styled_404_with_a_way_back(client, make_user):
    client.force_login(make_user("governor"))
    response = client.get("/prisons/ZZZ/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text and 'href="/"' in text and "govuk-header" not in text
    assert "moj-header" in text  # the service's own layout, not Django's plain page


def test_a_page_not_for_the_role_is_a_styled_403(client, make_user):
    prison = factories.PrisonFactory(code="LEI")
    client.force_login(make_user("governor", prisons=[prison]))
    response = client.get("/prisons/LEI/users/")
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
