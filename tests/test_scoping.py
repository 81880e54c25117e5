"""Who may open every address, generated from the URL configuration (formats.md, the role
table and "Addresses"): each named address is requested as anonymous and as each role, in
its own and another prison and wing, and each form post as the roles that may not make it.

ACCESS below must name every address the app has. Adding an address without deciding who may
open it fails test_every_address_has_an_access_rule; a rule left for an address that has gone
fails it too. To add an address, add one line to ACCESS with the helper for what it names:
`signed_in(...)` (no prison in the address), `prison_page(...)`, `wing_page(...)` or
`prisoner_page(...)`, giving the roles that may see it and the roles that may post its forms.
(The POM app's addresses -- prisons/<code>/handover/, /poms/, /bcst/, prisoners/<n>/pom/ --
are prison and prisoner pages: `prison_page(VIEWERS, write=ADMIN)` and so on.)

Expected answers (formats.md): not signed in -> a redirect to /login/ (the service pages and
signing in and out are open); outside the user's prisons or wings -> 404; inside them but not
for the role -> 403; otherwise 200. A post the role may not make -> 403 (404 outside scope)
and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from keywork.models import KeyWorkerAllocation, Session
from omic.models import AuditEvent, User
from tests import factories

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

WING_MANAGER, GOVERNOR, ADMIN, HQ = "wing_manager", "governor", "admin", "hq"
ROLES = (WING_MANAGER, GOVERNOR, ADMIN, HQ)
EVERYONE = frozenset(ROLES)
VIEWERS = frozenset({GOVERNOR, ADMIN, HQ})  # who may see prison pages
ADMIN_ONLY = frozenset({ADMIN})
SESSION_WRITERS = frozenset({WING_MANAGER, ADMIN})
NOBODY = frozenset()

# Where the address points, seen from each user: their own prison and wing (LEI, wing A), the
# other wing of their prison (LEI, wing B: outside a wing manager's scope only), another prison.
OWN, OTHER_WING, OTHER_PRISON = "own wing", "other wing", "other prison"


@dataclass(frozen=True)
class Rule:
    names: str  # "nothing", "prison", "wing" or "prisoner": what the address is about
    view: frozenset[str]  # roles that may open it (inside their scope)
    write: frozenset[str] | None = None  # roles that may post its forms; None: it has none
    open_status: int | None = None  # open without signing in, answering this to a GET

    def expected(self, role: str | None, where: str) -> int:
        if self.open_status is not None:
            return self.open_status
        if role is None:
            return 302
        if not self.in_scope(role, where):
            return 404
        return 200 if role in self.view else 403

    def expected_post(self, role: str, where: str) -> int | None:
        """403/404 for a post the role may not make; None when it may (or there is no form)."""
        if self.write is None or self.open_status is not None:
            return None
        if not self.in_scope(role, where):
            return 404
        return None if role in self.write else 403

    def in_scope(self, role: str, where: str) -> bool:
        if self.names == "nothing" or role == HQ or where == OWN:
            return True
        if where == OTHER_PRISON:
            return False
        # the other wing of the user's own prison: prison pages are the same page
        return self.names == "prison" or role != WING_MANAGER

    @property
    def places(self) -> tuple[str, ...]:
        if self.names == "nothing":
            return (OWN,)
        if self.names == "prison":
            return (OWN, OTHER_PRISON)
        return (OWN, OTHER_WING, OTHER_PRISON)


def open_page(status: int = 200) -> Rule:
    return Rule("nothing", EVERYONE, open_status=status)


def signed_in(view: frozenset[str] = EVERYONE, write: frozenset[str] | None = None) -> Rule:
    return Rule("nothing", view, write)


def prison_page(view: frozenset[str] = VIEWERS, write: frozenset[str] | None = None) -> Rule:
    return Rule("prison", view, write)


def wing_page(view: frozenset[str] = EVERYONE, write: frozenset[str] | None = None) -> Rule:
    return Rule("wing", view, write)


def prisoner_page(view: frozenset[str] = EVERYONE, write: frozenset[str] | None = None) -> Rule:
    return Rule("prisoner", view, write)


ACCESS: dict[str, Rule] = {
    # signing in and out, and the service's guidance and statements
    "omic:login": open_page(),
    "omic:logout": open_page(405),  # a POST only (Django's LogoutView)
    "omic:help": open_page(),
    "omic:accessibility": open_page(),
    "omic:privacy": open_page(),
    "omic:cookies": open_page(),
    # no prison in the address: scoped by what the page lists
    "omic:home": signed_in(),
    "omic:search": signed_in(),
    "omic:password_change": signed_in(write=EVERYONE),
    "omic:password_change_done": signed_in(),
    "keywork:national": signed_in(VIEWERS),
    # prison pages
    "omic:prison": prison_page(),
    "omic:staff": prison_page(),
    "omic:staff_member": prison_page(write=ADMIN_ONLY),
    "omic:benchmarks": prison_page(write=ADMIN_ONLY),
    "omic:prison_settings": prison_page(write=ADMIN_ONLY),
    "omic:users": prison_page(ADMIN_ONLY, write=ADMIN_ONLY),
    "omic:user_detail": prison_page(ADMIN_ONLY, write=ADMIN_ONLY),
    "omic:audit": prison_page(frozenset({ADMIN, HQ})),
    "keywork:key_workers": prison_page(),
    "keywork:allocate": prison_page(ADMIN_ONLY, write=ADMIN_ONLY),
    "keywork:planning": prison_page(),
    "keywork:compliance_csv": prison_page(),
    "allocation:handover": prison_page(),
    "allocation:bcst": prison_page(write=ADMIN_ONLY),
    "allocation:poms": prison_page(),
    "allocation:pom": prison_page(),
    # wing pages and prisoner pages (the prisoner's wing decides)
    "omic:wing": wing_page(),
    "keywork:behind_csv": wing_page(),
    "omic:prisoner": prisoner_page(),
    "keywork:session_new": prisoner_page(SESSION_WRITERS, write=SESSION_WRITERS),
    "keywork:session_not_held": prisoner_page(SESSION_WRITERS, write=SESSION_WRITERS),
    "keywork:session": prisoner_page(write=SESSION_WRITERS),  # read only for the other roles
    "allocation:prisoner_pom": prisoner_page(write=ADMIN_ONLY),  # read only for the other roles
}

# Whole namespaces decided at once: Django's admin is the superusers' back office, which
# sends everyone else (signed in or not) to its own sign-in.
NAMESPACES = {"admin": "back office"}


def named_addresses(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, URLPattern]:
    """Every named address of the URL configuration, by its namespaced name."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(named_addresses(entry, inner))
        elif entry.name:
            found[f"{namespace}{entry.name}"] = entry
    return found


ADDRESSES = named_addresses()


def test_every_address_has_an_access_rule():
    undecided = sorted(
        name for name in ADDRESSES if name not in ACCESS and name.split(":")[0] not in NAMESPACES
    )
    assert undecided == [], "decide who may open these addresses: add them to ACCESS"
    assert sorted(set(ACCESS) - set(ADDRESSES)) == [], "these rules are for addresses that no longer exist"


@pytest.fixture
def places(db):
    """LEI with wings A and B, BMI with wing C; a prisoner, a session, a staff member and a user
    on each; one user of each role for LEI (the wing manager of wing A only)."""
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    bmi = factories.PrisonFactory(code="BMI", name="HMP Birmingham")
    wings = {
        OWN: factories.WingFactory(prison=lei, code="A"),
        OTHER_WING: factories.WingFactory(prison=lei, code="B"),
        OTHER_PRISON: factories.WingFactory(prison=bmi, code="C"),
    }
    values = {}
    for where, (wing, number) in {
        OWN: (wings[OWN], "A1111AA"), OTHER_WING: (wings[OTHER_WING], "B2222BB"),
        OTHER_PRISON: (wings[OTHER_PRISON], "C3333CC"),
    }.items():  # fmt: skip
        prison = wing.prison
        prisoner = factories.in_custody(prison, number, wing)
        staff = factories.StaffMemberFactory(staff_id=f"{prison.code}{wing.code}1", prison=prison)
        session = factories.SessionFactory(prisoner=prisoner, prison=prison, key_worker=staff)
        pom = factories.StaffMemberFactory(
            staff_id=f"{prison.code}{wing.code}P", prison=prison, band=5, role="pom"
        )
        user = factories.UserFactory(username=f"someone-{wing.code.lower()}", role=GOVERNOR)
        user.prisons.set([prison])
        values[where] = {
            "code": prison.code, "wing_code": wing.code, "prison_number": number,
            "staff_id": staff.staff_id, "username": user.username, "session_id": session.pk,
            "pom_staff_id": pom.staff_id,
        }  # fmt: skip
    users = {}
    for role in ROLES:
        user = factories.UserFactory(username=f"the-{role}", role=role)
        if role == WING_MANAGER:
            user.wings.set([wings[OWN]])
        elif role != HQ:
            user.prisons.set([lei])
        users[role] = user
    return {"values": values, "users": users}


# Addresses whose staff member must be of a kind: a POM's caseload page is a POM's.
STAFF_OF_KIND = {"allocation:pom": "pom_staff_id"}


def _address(name: str, values: dict) -> str:
    pattern = ADDRESSES[name]
    values = {**values, "staff_id": values[STAFF_OF_KIND.get(name, "staff_id")]}
    return reverse(name, kwargs={key: values[key] for key in pattern.pattern.regex.groupindex})


def _written() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (AuditEvent, Session, KeyWorkerAllocation, User))


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_each_address_answers_each_role_as_its_rule_says(client, places, name):
    rule = ACCESS[name]
    wrong = []
    for where in rule.places:
        address = _address(name, places["values"][where])
        for role in (None, *ROLES):
            client.logout()
            if role is not None:
                client.force_login(places["users"][role])
            response = client.get(address)
            expected = rule.expected(role, where)
            if response.status_code != expected:
                who = role or "anonymous"
                wrong.append(f"GET {address} as {who} ({where}): {response.status_code}, not {expected}")
            elif expected == 302 and not response["Location"].startswith("/login/?next="):
                wrong.append(f"GET {address} as anonymous: sent to {response['Location']}, not to sign in")
            refused = rule.expected_post(role, where) if role is not None else None
            if refused is not None:
                before = _written()
                response = client.post(address, {"form": "allocate", "reason": "x", "notes": "x"})
                if response.status_code != refused or _written() != before:
                    wrong.append(
                        f"POST {address} as {role} ({where}): {response.status_code}, not {refused}"
                        + ("; it wrote something" if _written() != before else "")
                    )
    assert wrong == []


def test_the_back_office_sends_everyone_but_superusers_to_its_own_sign_in(client, places):
    address = reverse("admin:index")
    for role in (None, *ROLES):
        client.logout()
        if role is not None:
            client.force_login(places["users"][role])
        response = client.get(address)
        assert response.status_code == 302, role
        assert response["Location"].startswith("/django-admin/login/"), role
