"""The core pages by role: what each role's home page shows, the scope rules (404 outside it,
403 inside it but not for the role), sign-in and password change, and the hooks other apps
extend. What the pages show, CSV downloads and query counts: tests/omic/test_views_content.py."""

import datetime as dt
from decimal import Decimal

import pytest

from omic import dates
from omic.models import User
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
YEAR_AGO = TODAY - dt.timedelta(days=365)


@pytest.fixture
def estate(db):
    """LEI (wings A, B) and BMI (wing C), with staff, benchmarks and prisoners in custody today."""
    places = factories.leeds_and_birmingham(leeds_wings="AB", birmingham_wings="C")
    lei, bmi, wing_a, wing_b, wing_c = (places[k] for k in ("lei", "bmi", "wing_a", "wing_b", "wing_c"))
    factories.BenchmarkFactory(prison=lei, effective_from=YEAR_AGO, band3_benchmark_fte=Decimal("3.00"))
    factories.BenchmarkFactory(prison=bmi, effective_from=YEAR_AGO, band3_benchmark_fte=Decimal("1.00"))
    factories.StaffMemberFactory(staff_id="LEI001", prison=lei, last_name="Adams", fte=Decimal("1.00"))
    factories.StaffMemberFactory(
        staff_id="LEI002", prison=lei, last_name="Brown", fte=Decimal("0.50"), key_worker_trained_on=None
    )
    factories.StaffMemberFactory(staff_id="BMI001", prison=bmi, last_name="Clark")
    on_a = factories.in_custody(lei, "A1111AA", wing_a, first_name="Alan", last_name="Able")
    on_b = factories.in_custody(lei, "B2222BB", wing_b, last_name="Baker")
    on_c = factories.in_custody(bmi, "C3333CC", wing_c, last_name="Cole")
    return {**places, "on_a": on_a, "on_b": on_b, "on_c": on_c}


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


# Home page per role


def test_wing_manager_home_lists_their_wings_only(client, users):
    response = get(client, users["wing_manager"], "/")
    assert response.status_code == 200
    assert b'href="/prisons/LEI/wings/A/"' in response.content
    assert b"/prisons/LEI/wings/B/" not in response.content
    assert b'href="/prisons/LEI/"' not in response.content  # no prison pages for wing managers


@pytest.mark.parametrize("role", ["governor", "admin"])
def test_governor_and_admin_home_lists_their_prisons_with_headlines(client, users, role):
    response = get(client, users[role], "/")
    assert response.status_code == 200
    assert b'href="/prisons/LEI/"' in response.content
    assert b"/prisons/BMI/" not in response.content
    [lei] = response.context["prisons"]
    assert lei.prisoners_in_custody == 2
    assert lei.band3_in_post == 2
    assert lei.band3_fte == Decimal("1.50")
    assert lei.benchmark_fte == Decimal("3.00")
    assert lei.tsf_gap == Decimal("-1.50")
    assert "−1.50" in response.content.decode()


def test_hq_home_links_to_the_national_view(client, users):
    response = get(client, users["hq"], "/")
    assert response.status_code == 200
    assert b'href="/hq/"' in response.content


def test_user_without_a_role_is_told_they_have_no_access(client, db):
    superuser = User.objects.create_superuser("root", password=TEST_PASSWORD)
    response = get(client, superuser, "/")
    assert response.status_code == 200
    assert b"You do not have access yet" in response.content


def test_header_shows_the_user_and_their_prison(client, users):
    users["governor"].first_name, users["governor"].last_name = "Grace", "Hopper"
    users["governor"].save()
    content = ok(get(client, users["governor"], "/")).content.decode()
    assert "Grace Hopper" in content
    assert "HMP Leeds" in content
    assert 'action="/logout/"' in content and "csrfmiddlewaretoken" in content


# Scope: outside it is 404, inside it but not for the role is 403


@pytest.mark.parametrize("path", ["/prisons/BMI/", "/prisons/BMI/staff/", "/prisons/NOP/"])
def test_prison_outside_the_governors_prisons_is_not_found(client, users, path):
    assert get(client, users["governor"], path).status_code == 404


@pytest.mark.parametrize("path", ["/prisons/LEI/", "/prisons/LEI/staff/"])
def test_wing_manager_may_not_open_their_own_prisons_pages(client, users, path):
    assert get(client, users["wing_manager"], path).status_code == 403


@pytest.mark.parametrize("path", ["/prisons/BMI/", "/prisons/BMI/staff/", "/prisons/BMI/wings/C/"])
def test_wing_manager_gets_not_found_for_another_prison(client, users, path):
    assert get(client, users["wing_manager"], path).status_code == 404


def test_wing_manager_sees_their_wing_but_not_another(client, users):
    response = get(client, users["wing_manager"], "/prisons/LEI/wings/A/")
    assert response.status_code == 200
    assert b'href="/prisoners/A1111AA/"' in response.content
    assert get(client, users["wing_manager"], "/prisons/LEI/wings/B/").status_code == 404
    assert get(client, users["wing_manager"], "/prisons/LEI/wings/Z/").status_code == 404


@pytest.mark.parametrize(
    ("role", "prison_number", "status"),
    [
        ("wing_manager", "A1111AA", 200),
        ("wing_manager", "B2222BB", 404),  # another wing of the same prison
        ("wing_manager", "C3333CC", 404),
        ("governor", "B2222BB", 200),
        ("governor", "C3333CC", 404),
        ("hq", "C3333CC", 200),
        ("governor", "Z9999ZZ", 404),  # no such prisoner
    ],
)
def test_prisoner_profile_follows_scope(client, users, role, prison_number, status):
    assert get(client, users[role], f"/prisoners/{prison_number}/").status_code == status


def test_hq_sees_every_prison(client, users):
    assert get(client, users["hq"], "/prisons/BMI/").status_code == 200
    assert get(client, users["hq"], "/prisons/LEI/wings/B/").status_code == 200


# Sign in, password change


def test_wrong_password_shows_the_error_summary(client, users):
    response = client.post("/login/", {"username": users["governor"].username, "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter a correct username and password" in content
    assert "<title>Error: Sign in" in content


def test_empty_sign_in_says_what_to_enter(client, db):
    content = ok(client.post("/login/", {"username": "", "password": ""})).content.decode()
    assert 'href="#id_username">Enter your username' in content
    assert 'href="#id_password">Enter your password' in content


def test_sign_in_returns_to_the_page_asked_for(client, users):
    response = client.post(
        "/login/?next=/prisons/LEI/",
        {"username": users["governor"].username, "password": TEST_PASSWORD, "next": "/prisons/LEI/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/prisons/LEI/"


def test_password_change(client, users):
    user = users["governor"]
    client.force_login(user)
    assert client.get("/password/").status_code == 200
    response = client.post(
        "/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-longer-secret-9",
            "new_password2": "a-much-longer-secret-9",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/password/done/"
    assert client.get("/password/done/").status_code == 200
    user.refresh_from_db()
    assert user.check_password("a-much-longer-secret-9")


def test_password_change_with_wrong_current_password_shows_errors(client, users):
    client.force_login(users["governor"])
    response = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "x-long-secret-1", "new_password2": "x-long-secret-1"},
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content


# Hooks and messages for the pages other apps extend


def test_prison_dashboard_includes_the_key_work_panel_when_one_exists(client, users, settings, tmp_path):
    assert b"panel for LEI" not in ok(get(client, users["governor"], "/prisons/LEI/")).content
    panel = tmp_path / "keywork" / "includes" / "prison_panel.html"
    panel.parent.mkdir(parents=True)
    panel.write_text("<p>Key work panel for {{ prison.code }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert b"Key work panel for LEI" in ok(get(client, users["governor"], "/prisons/LEI/")).content


def test_messages_show_as_notification_banners():
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    html = render_to_string(
        "includes/messages.html",
        {
            "messages": [
                Message(constants.SUCCESS, "Session saved"),
                Message(constants.INFO, "Week suspended"),
            ]
        },
    )
    assert 'govuk-notification-banner--success" role="alert"' in html
    assert "Session saved" in html and "Week suspended" in html
    assert html.count("govuk-notification-banner__header") == 2
