"""allocation's database constraints (pom.md "POM allocation", the sentence record)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from allocation.models import Bcst, PomAllocation, ResponsibilityOverride, Sentence
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 1, 6)


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.fixture
def lei():
    return PrisonFactory(code="LEI")


@pytest.fixture
def poms(lei):
    return [StaffMemberFactory(prison=lei, band=4, role="pom") for _ in range(3)]


def allocate(prisoner, staff, role, end_date=None):
    return PomAllocation.objects.create(
        prisoner=prisoner,
        prison=staff.prison,
        staff_member=staff,
        role=role,
        start_date=DAY,
        end_date=end_date,
    )


def test_one_active_primary_and_one_active_co_worker(lei, poms):
    prisoner = PrisonerFactory()
    allocate(prisoner, poms[0], "primary")
    refused(lambda: allocate(prisoner, poms[1], "primary"))
    allocate(prisoner, poms[1], "co_working")
    refused(lambda: allocate(prisoner, poms[2], "co_working"))
    # ended allocations do not count
    allocate(prisoner, poms[2], "primary", end_date=DAY)
    assert PomAllocation.objects.filter(prisoner=prisoner, end_date__isnull=True).count() == 2


def test_primary_and_co_worker_are_different_people(lei, poms):
    prisoner = PrisonerFactory()
    allocate(prisoner, poms[0], "primary")
    refused(lambda: allocate(prisoner, poms[0], "co_working"))
    allocate(prisoner, poms[1], "co_working")


def test_allocation_role_and_dates_checked(lei, poms):
    prisoner = PrisonerFactory()
    refused(lambda: allocate(prisoner, poms[0], "secondary"))
    refused(lambda: allocate(prisoner, poms[0], "primary", end_date=DAY - dt.timedelta(days=1)))


def sentence(**fields):
    values = {"sentence_type": "determinate", "sentence_start_date": DAY, **fields}
    return Sentence.objects.create(prisoner=PrisonerFactory(), **values)


def test_sentence_choices_are_database_constraints():
    sentence(tier="A", mappa_level=3)
    sentence(tier="", mappa_level=None)
    refused(lambda: sentence(sentence_type="life"))
    refused(lambda: sentence(tier="E"))
    refused(lambda: sentence(mappa_level=4))


def test_one_active_override_per_prisoner():
    prisoner = PrisonerFactory()
    first = ResponsibilityOverride.objects.create(prisoner=prisoner, responsibility="com", reason="MAPPA")
    refused(
        lambda: ResponsibilityOverride.objects.create(prisoner=prisoner, responsibility="pom", reason="x")
    )
    refused(
        lambda: ResponsibilityOverride.objects.create(
            prisoner=PrisonerFactory(), responsibility="x", reason="y"
        )
    )
    refused(
        lambda: ResponsibilityOverride.objects.create(
            prisoner=PrisonerFactory(), responsibility="com", reason=""
        )
    )
    first.removed_at = dt.datetime(2025, 1, 7, tzinfo=dt.UTC)
    first.save()
    ResponsibilityOverride.objects.create(prisoner=prisoner, responsibility="pom", reason="again")


def test_bcst_completion_needs_date_and_person(lei):
    spell = CustodySpellFactory(prison=lei)
    officer = StaffMemberFactory(prison=lei, band=4)
    refused(lambda: Bcst.objects.create(spell=spell, prison=lei, due_on=DAY, completed_on=DAY))
    refused(lambda: Bcst.objects.create(spell=spell, prison=lei, due_on=DAY, completed_by=officer))
    Bcst.objects.create(spell=spell, prison=lei, due_on=DAY, completed_on=DAY, completed_by=officer)
    refused(lambda: Bcst.objects.create(spell=spell, prison=lei, due_on=DAY))  # one per spell
