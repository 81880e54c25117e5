"""BCST tasks (pom.md "BCST"): one per new custody episode (not a transfer), due 3 days after
reception, created set-wise by the load and on commit for a spell saved otherwise; completion
by a Band 4 or above, refused for a Band 3 with pom.md's reason; validated and audited."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from allocation import services
from allocation.models import Bcst
from allocation.services.bcst import BACKFILL_DAYS
from omic import dates
from omic.models import AuditEvent
from tests.factories import (
    CustodySpellFactory,
    PrisonerFactory,
    PrisonFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dates.today()
D = dt.timedelta


def load_prisoners(tmp_path, rows):
    folder = tmp_path / "extract"
    folder.mkdir(exist_ok=True)
    lines = [
        "prison_number,first_name,last_name,date_of_birth,prison_code,wing_code,reception_date,release_date"
    ]
    lines += [
        f"{number},Sam,Smith,1990-01-01,{prison},,{received},{released or ''}"
        for number, prison, received, released in rows
    ]
    (folder / "prisoners.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("load_omic", str(folder), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def prisons():
    return PrisonFactory(code="LEI", name="HMP Leeds"), PrisonFactory(code="BMI", name="HMP Birmingham")


def test_a_new_reception_gets_a_bcst_due_three_days_later_and_a_transfer_none(prisons, tmp_path):
    lei, bmi = prisons
    received, moved = TODAY - D(10), TODAY - D(4)
    load_prisoners(
        tmp_path,
        [
            ("A0001AA", "LEI", received.isoformat(), moved.isoformat()),  # new episode, then transferred
            ("A0001AA", "BMI", moved.isoformat(), None),  # the transfer: no task
            ("A0002AA", "LEI", (TODAY - D(1)).isoformat(), None),
        ],
    )
    tasks = {(b.spell.prisoner_id, b.prison_id): b.due_on for b in Bcst.objects.select_related("spell")}
    assert tasks == {("A0001AA", "LEI"): received + D(3), ("A0002AA", "LEI"): TODAY + D(2)}
    event = AuditEvent.objects.get(action="allocation.bcst.create_for_receptions")
    assert (event.prison_id, event.after["created"]) == ("LEI", 2)


def test_loading_the_same_file_again_creates_nothing_more(prisons, tmp_path):
    rows = [("A0002AA", "LEI", (TODAY - D(1)).isoformat(), None)]
    load_prisoners(tmp_path, rows)
    assert services.create_bcsts() == 0
    assert Bcst.objects.count() == 1


def test_receptions_before_the_backfill_cut_off_get_no_task(prisons):
    lei, _ = prisons
    old = CustodySpellFactory(prison=lei, reception_date=TODAY - D(BACKFILL_DAYS + 1))
    edge = CustodySpellFactory(prison=lei, reception_date=TODAY - D(BACKFILL_DAYS))
    assert services.create_bcsts() == 1
    assert list(Bcst.objects.values_list("spell_id", flat=True)) == [edge.pk]
    assert not Bcst.objects.filter(spell=old).exists()


def test_a_transfer_revealed_by_a_later_load_removes_the_open_task(prisons):
    lei, bmi = prisons
    prisoner = PrisonerFactory(prison_number="A0003AA")
    second = CustodySpellFactory(prisoner=prisoner, prison=bmi, reception_date=TODAY - D(2))
    services.create_bcsts()
    assert Bcst.objects.filter(spell=second).exists()
    CustodySpellFactory(prisoner=prisoner, prison=lei, reception_date=TODAY - D(9), release_date=TODAY - D(2))
    services.create_bcsts()
    assert list(Bcst.objects.values_list("spell__prison_id", flat=True)) == ["LEI"]


def test_a_spell_saved_outside_a_load_gets_its_task_on_commit(prisons, django_capture_on_commit_callbacks):
    lei, _ = prisons
    with django_capture_on_commit_callbacks(execute=True):
        spell = CustodySpellFactory(prison=lei, reception_date=TODAY)
    assert Bcst.objects.get().spell == spell


def test_creation_is_set_wise(prisons, django_assert_max_num_queries):
    lei, _ = prisons
    for _ in range(30):
        CustodySpellFactory(prison=lei, reception_date=TODAY - D(1))
    with django_assert_max_num_queries(6):
        assert services.create_bcsts() == 30


@pytest.fixture
def task(prisons):
    lei, _ = prisons
    spell = CustodySpellFactory(prison=lei, reception_date=TODAY - D(5))
    services.create_bcsts()
    return Bcst.objects.get(spell=spell)


def test_a_band_4_completes_it_and_the_completion_is_audited(task):
    pom = StaffMemberFactory(prison=task.prison, band=4, role="pom", staff_id="LEI400")
    admin = UserFactory(role="admin")
    services.record_bcst_completion(bcst=task, completed_on=TODAY - D(1), completed_by=pom, by=admin)
    task.refresh_from_db()
    assert (task.completed_on, task.completed_by, task.recorded_by) == (TODAY - D(1), pom, admin)
    event = AuditEvent.objects.get(action="allocation.bcst.complete")
    assert event.after == {"completed_on": (TODAY - D(1)).isoformat(), "completed_by": "LEI400"}
    assert event.actor == admin


def test_a_band_3_officer_is_refused_with_the_job_description_reason(task):
    officer = StaffMemberFactory(prison=task.prison, band=3, first_name="Olly", last_name="Officer")
    with pytest.raises(ValidationError) as refused:
        services.record_bcst_completion(bcst=task, completed_on=TODAY, completed_by=officer, by=None)
    (message,) = refused.value.message_dict["completed_by"]
    assert message.startswith("Completed by must be a member of staff of Band 4 or above")
    assert "Olly Officer is Band 3" in message and "Band 4 job description" in message
    task.refresh_from_db()
    assert task.completed_on is None
    assert not AuditEvent.objects.filter(action="allocation.bcst.complete").exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "Date completed must be today or in the past"),
        (-6, "Date completed must be on or after the reception date"),
    ],
)
def test_a_date_in_the_future_or_before_reception_is_refused(task, days, message):
    pom = StaffMemberFactory(prison=task.prison, band=5)
    with pytest.raises(ValidationError) as refused:
        services.record_bcst_completion(bcst=task, completed_on=TODAY + D(days), completed_by=pom, by=None)
    assert refused.value.message_dict["completed_on"][0].startswith(message)


def test_staff_of_another_prison_and_a_second_completion_are_refused(task, prisons):
    _, bmi = prisons
    elsewhere = StaffMemberFactory(prison=bmi, band=6)
    with pytest.raises(ValidationError) as refused:
        services.record_bcst_completion(bcst=task, completed_on=TODAY, completed_by=elsewhere, by=None)
    assert refused.value.message_dict["completed_by"] == [
        "Completed by must be a member of staff at HMP Leeds"
    ]
    pom = StaffMemberFactory(prison=task.prison, band=4)
    services.record_bcst_completion(bcst=task, completed_on=TODAY, completed_by=pom, by=None)
    with pytest.raises(ValidationError) as again:
        services.record_bcst_completion(bcst=task, completed_on=TODAY, completed_by=pom, by=None)
    assert "already recorded as completed" in again.value.message_dict["completed_on"][0]


def test_the_backfill_command_counts_back_from_the_date_given(prisons):
    lei, _ = prisons
    CustodySpellFactory(prison=lei, reception_date=dt.date(2025, 3, 1))
    out = StringIO()
    call_command("create_bcsts", "--date", "2025-03-20", stdout=out)
    assert out.getvalue() == "1 BCST task created.\n"
    assert Bcst.objects.get().due_on == dt.date(2025, 3, 4)
    call_command("create_bcsts", "--date", "2025-03-20", stdout=out)
    assert Bcst.objects.count() == 1
