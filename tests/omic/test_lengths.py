"""Every free-text field people type into is bounded, and a value over the bound is refused with
a message that names the limit (issue 17: "Lengths bounded ... with the limit in the message"):
session notes, names, passwords, reasons, usernames. A value at the limit is accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from keywork.forms.key_workers import AllocateForm, EndAllocationForm
from keywork.forms.sessions import SessionDeleteForm, SessionForm, SessionNotHeldForm
from omic.forms.accounts import ChangePasswordForm, SignInForm
from omic.forms.records import BenchmarkForm, PrisonSettingsForm, StaffForm
from omic.forms.users import AddUserForm, NewPasswordForm
from omic.models import StaffMember, Wing
from tests import factories
from tests.factories import TEST_PASSWORD

TODAY = dt.date.today()


def sign_in(data):
    return SignInForm(RequestFactory().post("/login/"), data=data)


NAMES = (("username", "username"), ("first_name", "first name"), ("last_name", "last name"))

# (name, make the form from its data, field, limit, message over the limit)
FIELDS = [
    ("sign-in username", sign_in, "username", 150, "Your username must be 150 characters or fewer"),
    ("sign-in password", sign_in, "password", 128, "Your password must be 128 characters or fewer"),
    *(
        (
            f"change password {field}",
            lambda data: ChangePasswordForm(factories.UserFactory(), data=data),
            field,
            128,
            "The password must be 128 characters or fewer",
        )
        for field in ("old_password", "new_password1", "new_password2")
    ),
    *(
        (
            f"add user {field}",
            lambda data: AddUserForm(data=data, prison=factories.PrisonFactory(code="LEI")),
            field,
            150,
            f"The {label} must be 150 characters or fewer",
        )
        for field, label in NAMES
    ),
    (
        "add user password",
        lambda data: AddUserForm(data=data, prison=factories.PrisonFactory(code="LEI")),
        "password",
        128,
        "The password must be 128 characters or fewer",
    ),
    ("new password", lambda data: NewPasswordForm(data=data), "password", 128,
     "The password must be 128 characters or fewer"),  # fmt: skip
    (
        "allocation reason",
        lambda data: AllocateForm(data=data, prison=factories.PrisonFactory(code="LEI"), on=TODAY),
        "reason",
        200,
        "Reason must be 200 characters or fewer: shorten it",
    ),
    (
        "end of allocation reason",
        lambda data: EndAllocationForm(data=data, prison=factories.PrisonFactory(code="LEI"), on=TODAY),
        "reason",
        200,
        "Reason must be 200 characters or fewer: shorten it",
    ),
    (
        "session notes",
        lambda data: SessionForm(data=data, key_workers=StaffMember.objects.none()),
        "notes",
        2000,
        "2,000 characters",
    ),
    (
        "session not held notes",
        lambda data: SessionNotHeldForm(data=data, key_workers=StaffMember.objects.none()),
        "notes",
        2000,
        "2,000 characters",
    ),
    ("session deletion reason", lambda data: SessionDeleteForm(data=data), "delete-reason", 200,
     "Reason must be 200 characters or fewer: shorten it."),  # fmt: skip
    *(
        (f"{name} reason", make, "reason", 500, "The reason must be 500 characters or fewer")
        for name, make in (
            ("staff record", lambda data: StaffForm(data=data, wings=Wing.objects.none())),
            ("benchmark", lambda data: BenchmarkForm(data=data)),
            ("prison settings", lambda data: PrisonSettingsForm(data=data)),
        )
    ),
]


@pytest.mark.parametrize(
    ("make", "field", "limit", "message"), [f[1:] for f in FIELDS], ids=[f[0] for f in FIELDS]
)
def test_a_value_over_the_limit_is_refused_with_the_limit_in_the_message(db, make, field, limit, message):
    name = field.removeprefix("delete-")  # a prefixed form's data names carry its prefix
    over = make({field: "x" * (limit + 1)})
    assert any(message in error for error in over.errors.get(name, [])), over.errors.get(name)
    at_limit = make({field: "x" * limit})
    assert not any("characters or fewer" in error for error in at_limit.errors.get(name, []))


def test_a_megabyte_password_at_sign_in_is_refused_in_words_not_hashed(client, db):
    user = factories.UserFactory(username="jbloggs")
    response = client.post("/login/", {"username": "jbloggs", "password": "x" * 1_000_000})
    assert response.status_code == 200
    assert "Your password must be 128 characters or fewer" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302

