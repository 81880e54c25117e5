"""The POM section of the prisoner profile, beside the key worker: responsibility and why,
the dates, the POMs and COM, the BCST, a link to the POM page; only what the user may see;
a fixed number of queries."""

import datetime as dt

import pytest

from allocation.models import Bcst
from omic.models import CustodySpell
from tests import factories
from tests.allocation import pom_world
from tests.allocation.pom_world import TODAY, allocate
from tests.pages import ok

pytestmark = pytest.mark.django_db
estate = pom_world.estate
PROFILE = "/prisoners/A1111AA/"


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


@pytest.mark.parametrize("role", ["wing_manager", "governor", "admin", "hq"])
def test_the_profile_shows_where_the_prisoner_stands(client, users, estate, role):
    allocate(estate["on_a"], estate["prison_pom"], start=dt.date(2025, 1, 6))
    allocate(estate["on_a"], estate["probation_pom"], role="co_working", start=dt.date(2025, 2, 3))
    content = ok(get(client, users[role], PROFILE)).content.decode()
    section = content[content.index('id="pom-prisoner-heading"') :]
    assert "POM responsible" in section
    assert (
        "A determinate sentence: handover 8 months and 14 days before the earliest release date." in section
    )
    assert "Pat Parker" in section and "since 6 January 2025" in section and "Rob Reed" in section
    assert "No COM named yet" in section
    assert 'href="/prisoners/A1111AA/pom/"' in section
    assert content.index('id="keywork-prisoner-heading"') < content.index('id="pom-prisoner-heading"')


def test_the_com_and_the_bcst(client, users, estate):
    estate["on_a"].sentence.com_name = "Cath Com"
    estate["on_a"].sentence.save()
    spell = CustodySpell.objects.get(prisoner=estate["on_a"])
    Bcst.objects.create(spell=spell, prison=estate["lei"], due_on=TODAY - dt.timedelta(days=1))
    section = ok(get(client, users["governor"], PROFILE)).content.decode()
    assert "Cath Com" in section
    assert "Overdue" in section and "was due on" in section


def test_out_of_scope_says_why(client, users, estate):
    content = ok(get(client, users["governor"], "/prisoners/D4444DD/")).content.decode()
    assert "Not in OMiC scope: no sentence record" in content


def test_poms_at_another_prison_are_not_listed(client, users, estate):
    """A prisoner transferred from BMI to LEI: LEI's governor does not see BMI's old POM."""
    moved = estate["on_c"]
    CustodySpell.objects.filter(prisoner=moved).update(
        reception_date=TODAY - dt.timedelta(days=60), release_date=TODAY - dt.timedelta(days=3)
    )
    allocate(moved, estate["bmi_pom"], start=TODAY - dt.timedelta(days=50))
    factories.CustodySpellFactory(
        prisoner=moved, prison=estate["lei"], reception_date=TODAY - dt.timedelta(days=3)
    )
    content = ok(get(client, users["governor"], "/prisoners/C3333CC/")).content.decode()
    assert "Brum" not in content and "None allocated" in content
    assert "Brum" in ok(get(client, users["hq"], "/prisoners/C3333CC/")).content.decode()


def test_the_profile_costs_the_same_with_more_poms(client, users, estate, django_assert_max_num_queries):
    client.force_login(users["admin"])
    with django_assert_max_num_queries(40) as few:
        ok(client.get(PROFILE))
    allocate(estate["on_a"], estate["prison_pom"])
    allocate(estate["on_a"], estate["probation_pom"], role="co_working")
    spell = CustodySpell.objects.get(prisoner=estate["on_a"])
    Bcst.objects.create(spell=spell, prison=estate["lei"], due_on=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        ok(client.get(PROFILE))
