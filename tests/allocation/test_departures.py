"""POM allocations end on release or transfer (issue 15 item 4), set-wise, audited, triggered
nightly, by the prisoners.csv load that records the departure, and by a spell saved with a release."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from allocation import services, tasks
from allocation.models import PomAllocation
from omic.models import AuditEvent
from tests.factories import CustodySpellFactory, PrisonFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

START = dt.date(2025, 1, 6)
LEFT = dt.date(2025, 3, 3)


@pytest.fixture
def allocations():
    lei, bmi = PrisonFactory(code="LEI"), PrisonFactory(code="BMI")
    pom, co = (StaffMemberFactory(prison=lei, band=4, role="pom") for _ in range(2))
    leaving = CustodySpellFactory(prison=lei, reception_date=dt.date(2024, 12, 1), release_date=LEFT)
    staying = CustodySpellFactory(prison=lei, reception_date=dt.date(2024, 12, 1))
    made = {}
    for spell in (leaving, staying):
        for role, staff in (("primary", pom), ("co_working", co)):
            made[(spell.prisoner_id, role)] = PomAllocation.objects.create(
                prisoner_id=spell.prisoner_id, prison=lei, staff_member=staff, role=role, start_date=START
            )
    return {"leaving": leaving.prisoner_id, "staying": staying.prisoner_id, "made": made, "bmi": bmi}


def ends(allocations):
    return {
        (a.prisoner_id, a.role): a.end_date for a in PomAllocation.objects.all() if a.end_date is not None
    }


def test_a_departure_ends_the_prisoners_active_allocations_on_the_release_day(allocations):
    assert services.end_pom_allocations_for_departures(on=LEFT - dt.timedelta(days=1)) == 0
    assert services.end_pom_allocations_for_departures(on=LEFT) == 2
    leaving = allocations["leaving"]
    assert ends(allocations) == {(leaving, "primary"): LEFT, (leaving, "co_working"): LEFT}
    assert PomAllocation.objects.filter(prisoner_id=leaving, end_reason="prisoner released").count() == 2
    event = AuditEvent.objects.get(action="allocation.pom.end_for_departures")
    assert event.prison_id == "LEI" and len(event.after["allocations"]) == 2
    assert services.end_pom_allocations_for_departures(on=LEFT) == 0  # idempotent


def test_it_is_one_statement_and_one_audit_insert(allocations, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        services.end_pom_allocations_for_departures(on=LEFT)


def test_the_nightly_task_ends_them(allocations, settings):
    assert tasks.end_pom_allocations_for_departures(today=LEFT.isoformat()) == {"ended": 2}
    entry = settings.CELERY_BEAT_SCHEDULE["end-pom-allocations-for-departures"]
    assert entry["task"] == "allocation.tasks.end_pom_allocations_for_departures"


def test_a_transfer_loaded_from_prisoners_csv_ends_them(allocations, tmp_path):
    staying = allocations["staying"]
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "prisoners.csv").write_text(
        "prison_number,first_name,last_name,date_of_birth,prison_code,reception_date,release_date\n"
        f"{staying},Sam,Smith,1990-01-01,LEI,2024-12-01,2025-04-01\n"
        f"{staying},Sam,Smith,1990-01-01,BMI,2025-04-01,\n",
        encoding="utf-8",
    )
    call_command("load_omic", str(folder), stdout=StringIO(), stderr=StringIO())
    assert ends(allocations)[(staying, "primary")] == dt.date(2025, 4, 1)
    assert ends(allocations)[(staying, "co_working")] == dt.date(2025, 4, 1)


def test_a_spell_saved_with_a_release_ends_them_on_commit(allocations, django_capture_on_commit_callbacks):
    from omic.models import CustodySpell

    spell = CustodySpell.objects.get(prisoner_id=allocations["staying"])
    spell.release_date = dt.date(2025, 5, 1)
    with django_capture_on_commit_callbacks(execute=True):
        spell.save()
    assert ends(allocations)[(allocations["staying"], "primary")] == dt.date(2025, 5, 1)
