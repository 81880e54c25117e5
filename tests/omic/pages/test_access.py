"""Every new address answers as formats.md's role table says: own prison allowed, another
prison 404, a role that may not 403, anonymous to sign-in."""

import pytest

from tests.omic.pages.conftest import get

ADDRESSES = {
    # address: roles that may open it (at their own prison); other roles of the prison get 403
    "/prisons/LEI/staff/LEI001/": {"governor", "admin", "hq"},
    "/prisons/LEI/benchmarks/": {"governor", "admin", "hq"},
    "/prisons/LEI/settings/": {"governor", "admin", "hq"},
    "/prisons/LEI/users/": {"admin"},
    "/prisons/LEI/audit/": {"admin", "hq"},
}
ROLES = ("wing_manager", "governor", "admin", "hq")


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("role", ROLES)
def test_own_prison_is_allowed_or_403_by_role(client, users, address, role):
    # A wing manager's scope holds LEI (through their wing) but not its prison pages: 403.
    assert get(client, users[role], address).status_code == (200 if role in ADDRESSES[address] else 403)


@pytest.mark.parametrize("address", ADDRESSES)
def test_another_prison_is_not_found(client, users, address):
    assert get(client, users["other_admin"], address).status_code == 404


@pytest.mark.parametrize("address", [*ADDRESSES, "/search/?q=Smith"])
def test_anonymous_is_sent_to_sign_in(client, estate, address):
    response = client.get(address)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    ("address", "data"),
    [
        ("/prisons/LEI/staff/LEI001/", {"band": "4"}),
        ("/prisons/LEI/benchmarks/", {"band3_benchmark_fte": "1.00"}),
        ("/prisons/LEI/settings/", {"key_worker_capacity": "5"}),
    ],
)
@pytest.mark.parametrize("role", ["governor", "hq"])
def test_only_admins_may_change_records(client, users, address, data, role):
    client.force_login(users[role])
    assert client.post(address, data).status_code == 403


def test_a_missing_staff_member_is_not_found(client, users):
    assert get(client, users["admin"], "/prisons/LEI/staff/BMI001/").status_code == 404
    assert get(client, users["admin"], "/prisons/LEI/staff/NOPE/").status_code == 404


def test_no_template_comment_leaks_onto_a_page(client, users):
    """Django's {# #} comments are one line only: a longer one is printed as text."""
    for address in ADDRESSES:
        assert "{#" not in get(client, users["admin"], address).content.decode(), address
