"""Admins manage the users of their prison: add, change access, switch off, new password."""

import pytest

from omic.models import AuditEvent, User
from tests.factories import TEST_PASSWORD
from tests.omic.pages.conftest import get, post

USERS = "/prisons/LEI/users/"
NEW = {
    "username": "wmason", "first_name": "Wendy", "last_name": "Mason", "role": "wing_manager",
    "wings": ["B"], "staff_id": "", "password": "a-long-first-password",
}  # fmt: skip


def test_admin_adds_a_wing_manager_who_must_change_the_password_then_sees_only_their_wing(
    client, users, estate
):
    response = post(client, users["admin"], USERS, NEW)
    assert response.status_code == 302
    wendy = User.objects.get(username="wmason")
    assert wendy.role == "wing_manager" and wendy.must_change_password
    assert list(wendy.wings.values_list("code", flat=True)) == ["B"]
    [event] = AuditEvent.objects.filter(action="user.add")
    assert event.after["wings"] == ["LEI-B"] and "password" not in str(event.after)
    client.logout()
    assert client.login(username="wmason", password="a-long-first-password")
    # Until they choose their own password, every page sends them to change it.
    assert client.get("/").url == "/password/"
    response = client.post(
        "/password/",
        {
            "old_password": "a-long-first-password",
            "new_password1": "wendys-own-pass-99",
            "new_password2": "wendys-own-pass-99",
        },
    )
    assert response.status_code == 302
    wendy.refresh_from_db()
    assert not wendy.must_change_password
    assert client.get("/prisons/LEI/wings/B/").status_code == 200
    assert client.get("/prisons/LEI/wings/A/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": "hq"}, "role", "Select a valid choice"),
        ({"wings": []}, "wings", "Choose the wings this wing manager looks after."),
        ({"role": "governor"}, "wings", "Only wing managers have wings"),
        ({"username": ""}, "username", "Enter a username"),
        ({"password": "short"}, "password", "too short"),
        ({"staff_id": "BMI001"}, "staff_id", "Select a valid choice"),
    ],
)
def test_refusals_say_what_to_fix_and_add_nobody(client, users, changes, field, message):
    response = post(client, users["admin"], USERS, {**NEW, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors.get(field, [])), errors
    assert not User.objects.filter(username="wmason").exists() and not AuditEvent.objects.exists()


def test_a_taken_username_is_refused(client, users):
    response = post(client, users["admin"], USERS, {**NEW, "username": users["governor"].username.upper()})
    assert "is taken" in response.context["form"].errors["username"][0]


def test_an_admin_changes_role_and_switches_a_user_off(client, users):
    governor = users["governor"]
    url = f"{USERS}{governor.username}/"
    data = {"role": "governor", "wings": [], "staff_id": "", "is_active": "false"}
    assert post(client, users["admin"], url, data).status_code == 302
    governor.refresh_from_db()
    assert not governor.is_active
    [event] = AuditEvent.objects.filter(action="user.access")
    assert event.before["is_active"] is True and event.after["is_active"] is False


def test_an_admin_keeps_a_users_other_prisons(client, users, estate):
    both = users["governor"]
    both.prisons.add(estate["bmi"])
    post(
        client,
        users["admin"],
        f"{USERS}{both.username}/",
        {"role": "admin", "wings": [], "is_active": "true"},
    )
    both.refresh_from_db()
    assert both.role == "admin" and set(both.prisons.values_list("code", flat=True)) == {"LEI", "BMI"}


def test_an_admin_cannot_remove_their_own_admin_access(client, users):
    me = users["admin"]
    response = post(
        client, me, f"{USERS}{me.username}/", {"role": "governor", "wings": [], "is_active": "true"}
    )
    assert response.status_code == 200
    assert "cannot take away your own admin access" in response.content.decode()


def test_a_new_password_must_be_changed_at_next_sign_in_and_is_audited_without_it(client, users):
    governor = users["governor"]
    url = f"{USERS}{governor.username}/"
    assert post(client, users["admin"], url, {"password": "brand-new-password-1"}).status_code == 302
    governor.refresh_from_db()
    assert governor.must_change_password and governor.check_password("brand-new-password-1")
    [event] = AuditEvent.objects.filter(action="user.password_set")
    assert "brand-new-password-1" not in str(event.after)


def test_users_of_another_prison_or_hq_are_not_found(client, users):
    assert get(client, users["admin"], f"{USERS}{users['other_admin'].username}/").status_code == 404
    assert get(client, users["admin"], f"{USERS}{users['hq'].username}/").status_code == 404


def test_the_list_shows_the_prisons_users_and_not_others(client, users):
    page = get(client, users["admin"], USERS).content.decode()
    assert users["governor"].username in page and users["wing_manager"].username in page
    assert users["other_admin"].username not in page and users["hq"].username not in page


def test_hq_may_not_manage_users(client, users):
    assert get(client, users["hq"], USERS).status_code == 403
    assert TEST_PASSWORD  # the fixture users sign in with it
