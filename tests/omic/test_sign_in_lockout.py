"""Sign-in lockout (django-axes): per username and per address, refused even with the right
password, a clear GOV.UK message, audited, lifted by an admin or by waiting; and the
audited password change."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from omic import accounts
from omic.models import AuditEvent
from tests import factories
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

LIMIT = 10  # omic.settings: LOCKOUT_FAILURES' default


@pytest.fixture
def user(db):
    return factories.UserFactory(username="jbloggs", role="governor")


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", address)
        assert not signed_in(client)
    return response


def test_the_limit_is_the_setting(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_one_failure_short_of_the_limit_the_right_password_still_signs_in(client, user):
    response = fail(client, "jbloggs", LIMIT - 1)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    response = sign_in(client, "jbloggs", TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, user):
    fail(client, "jbloggs", 30)
    response = sign_in(client, "jbloggs", TEST_PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # still sent to sign in


def test_the_lockout_message_is_a_govuk_error_summary_saying_how_long_and_what_to_do(client, user):
    fail(client, "jbloggs", LIMIT)
    html = sign_in(client, "jbloggs", TEST_PASSWORD).content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Error: Sign in" in html
    assert "You have tried to sign in too many times." in html
    assert "Wait 15 minutes and try again, or ask your prison&#x27;s admin to unlock your account." in html
    assert 'value="jbloggs"' in html  # the username is kept in the form


def test_a_locked_username_is_refused_from_every_address(client, user):
    for n in range(LIMIT):
        fail(client, "jbloggs", 1, address=f"10.0.1.{n}")
    response = sign_in(client, "jbloggs", TEST_PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_address_is_locked_for_every_username(client, user):
    for n in range(LIMIT):
        fail(client, f"guess{n}", 1, address="10.0.3.1")
    # A real user, the right password, from the locked address: refused.
    response = sign_in(client, "jbloggs", TEST_PASSWORD, address="10.0.3.1")
    assert response.status_code == 429
    assert not signed_in(client)
    # From another address they sign in.
    assert sign_in(client, "jbloggs", TEST_PASSWORD, address="10.0.3.2").status_code == 302
    assert signed_in(client)


def test_the_lockout_is_audited_once_when_it_starts(client, user):
    fail(client, "jbloggs", 30, address="10.0.4.1")
    events = AuditEvent.objects.filter(action="sign_in.locked_out")
    assert events.count() == 1
    event = events.get()
    assert event.object_type == "user" and event.object_id == "jbloggs"
    assert event.after == {"username": "jbloggs", "ip_address": "10.0.4.1", "failures": LIMIT}
    assert event.actor is None


def test_an_admin_unlocking_the_user_lets_them_in_and_is_audited(client, user):
    admin = factories.UserFactory(username="admin1", role="admin")
    fail(client, "jbloggs", 30)
    assert sign_in(client, "jbloggs", TEST_PASSWORD).status_code == 429

    cleared = accounts.unlock_user(user=user, by=admin)

    assert cleared == 1  # one record: this username from this address
    assert not AccessAttempt.objects.filter(username="jbloggs").exists()
    assert sign_in(client, "jbloggs", TEST_PASSWORD).status_code == 302
    assert signed_in(client)
    event = AuditEvent.objects.get(action="sign_in.unlocked")
    assert (event.actor, event.object_type, event.object_id) == (admin, "user", str(user.pk))
    # 30 wrong and the refused right one: each counted while the lock lasted.
    assert event.before == {"username": "jbloggs", "failures": 31}
    assert event.after == {"username": "jbloggs", "failures": 0}


def test_unlocking_an_address_lets_everyone_there_in(client, user):
    admin = factories.UserFactory(username="admin1", role="admin")
    for n in range(LIMIT):
        fail(client, f"guess{n}", 1, address="10.0.5.1")
    accounts.unlock_address(ip_address="10.0.5.1", by=admin)
    assert sign_in(client, "jbloggs", TEST_PASSWORD, address="10.0.5.1").status_code == 302
    event = AuditEvent.objects.get(action="sign_in.address_unlocked")
    assert event.before == {"ip_address": "10.0.5.1", "failures": LIMIT}
    assert event.actor == admin


def test_the_lock_lifts_by_itself_after_the_wait(client, user):
    fail(client, "jbloggs", LIMIT)
    assert sign_in(client, "jbloggs", TEST_PASSWORD).status_code == 429
    # As if the last failure was 16 minutes ago.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert sign_in(client, "jbloggs", TEST_PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.9.9.9", "", "10.9.9.9"),
        (0, "10.9.9.9", "1.2.3.4", "10.9.9.9"),  # no proxy: the header is the client's, ignored
        (1, "10.9.9.9", "1.2.3.4", "1.2.3.4"),
        (1, "10.9.9.9", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a spoofed left entry is not trusted
        (2, "10.9.9.9", "6.6.6.6, 1.2.3.4, 10.8.8.8", "1.2.3.4"),
        (1, "10.9.9.9", "", "10.9.9.9"),  # header missing: the connection's address
    ],
)
def test_client_address_trusts_only_the_proxies_it_is_told_of(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert accounts.client_address(RequestFactory().get("/login/", **meta)) == expected


def test_behind_the_load_balancer_addresses_are_locked_one_by_one(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        client.post(
            "/login/",
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="192.0.2.7",
        )
    other = client.post(
        "/login/",
        {"username": "jbloggs", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.254",  # the same load balancer
        HTTP_X_FORWARDED_FOR="192.0.2.8",
    )
    assert other.status_code == 302
    client.logout()
    locked = client.post(
        "/login/",
        {"username": "jbloggs", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="192.0.2.7",
    )
    assert locked.status_code == 429


# Password change


def test_a_password_change_is_audited_and_keeps_the_session(client, user):
    assert sign_in(client, "jbloggs", TEST_PASSWORD).status_code == 302
    new = "a-new-and-long-passphrase-2026"
    response = client.post(
        "/password/", {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert response["Location"] == "/password/done/"
    assert client.get("/").status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="user.password_changed")
    assert (event.actor, event.object_id) == (user, str(user.pk))
    assert new not in str(event.after) and TEST_PASSWORD not in str(event.after)
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_refused_password_change_is_not_audited(client, user):
    client.force_login(user)
    response = client.post(
        "/password/", {"old_password": "not-it", "new_password1": "x", "new_password2": "x"}
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()
