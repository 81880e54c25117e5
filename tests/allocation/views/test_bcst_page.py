"""`/prisons/<CODE>/bcst/`: BCSTs due and overdue, sorted, paged, CSV; admins of the prison
record completion (Band 4+), a Band 3 officer is refused with pom.md's reason beside the field."""

import csv
import datetime as dt
import io

import pytest

from allocation import services
from allocation.models import Bcst
from omic import dates
from omic.models import AuditEvent
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
D = dt.timedelta
PAGE = "/prisons/LEI/bcst/"


@pytest.fixture
def estate(db):
    """LEI: Ann received 6 days ago (overdue), Bob yesterday (due), Cy released (not listed),
    Dee's done; a Band 3 officer and a Band 4 POM. BMI: one received today."""
    places = factories.leeds_and_birmingham()
    lei, bmi = places["lei"], places["bmi"]
    factories.in_custody(lei, "A0001AA", received=TODAY - D(6), first_name="Ann", last_name="Able")
    factories.in_custody(lei, "B0001AA", received=TODAY - D(1), first_name="Bob", last_name="Baker")
    factories.in_custody(lei, "C0001AA", received=TODAY - D(8), released=TODAY - D(1), last_name="Gone")
    factories.in_custody(lei, "D0001AA", received=TODAY - D(7), first_name="Dee", last_name="Done")
    factories.in_custody(bmi, "E0001AA", received=TODAY, last_name="Elsewhere")
    officer = factories.StaffMemberFactory(prison=lei, band=3, first_name="Olly", last_name="Officer")
    pom = factories.StaffMemberFactory(prison=lei, band=4, role="pom", first_name="Pat", last_name="Pom")
    services.create_bcsts()
    dee = Bcst.objects.get(spell__prisoner_id="D0001AA")
    services.record_bcst_completion(bcst=dee, completed_on=TODAY, completed_by=pom, by=None)
    return {**places, "officer": officer, "pom": pom}


def task(number):
    return Bcst.objects.get(spell__prisoner_id=number)


def record(client, bcst, day, staff, **kwargs):
    """POST the completion form as the page's date boxes and select send it."""
    fields = {"completed_on_0": day.day, "completed_on_1": day.month, "completed_on_2": day.year}
    return client.post(f"{PAGE}?record={bcst.pk}", {**fields, "completed_by": staff.pk}, **kwargs)


def test_the_open_tasks_of_prisoners_still_here_overdue_first(estate, users, client):
    client.force_login(users["governor"])
    page = ok(client.get(PAGE)).content.decode()
    assert page.index("Able, Ann") < page.index("Baker, Bob")
    assert "Gone" not in page and "Done, Dee" not in page and "Elsewhere" not in page
    assert "1 overdue and 1 due" in page
    assert "Record completion" not in page  # governors see, admins record


def test_sorted_on_the_server(estate, users, client):
    client.force_login(users["governor"])
    page = ok(client.get(PAGE, {"sort": "due_on", "dir": "desc"})).content.decode()
    assert page.index("Baker, Bob") < page.index("Able, Ann")


def test_the_csv_download(estate, users, client):
    client.force_login(users["hq"])
    response = ok(client.get(PAGE, {"format": "csv"}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["prison_number"], r["due_on"], r["overdue"]) for r in rows] == [
        ("A0001AA", (TODAY - D(3)).isoformat(), "true"),
        ("B0001AA", (TODAY + D(2)).isoformat(), "false"),
    ]
    assert response["Cache-Control"] == "no-store"


def test_an_admin_records_a_completion_and_it_is_audited(estate, users, client):
    client.force_login(users["admin"])
    ann = task("A0001AA")
    form = ok(client.get(PAGE, {"record": ann.pk})).content.decode()
    assert "Record the BCST of Ann Able (A0001AA)" in form
    response = record(client, ann, TODAY, estate["pom"], follow=True)
    page = ok(response).content.decode()
    assert "BCST of Ann Able (A0001AA) recorded as completed" in page
    ann.refresh_from_db()
    assert (ann.completed_on, ann.completed_by, ann.recorded_by) == (TODAY, estate["pom"], users["admin"])
    assert AuditEvent.objects.filter(action="allocation.bcst.complete", actor=users["admin"]).count() == 1


def test_a_band_3_officer_is_refused_beside_the_field(estate, users, client):
    client.force_login(users["admin"])
    ann = task("A0001AA")
    response = record(client, ann, TODAY, estate["officer"])
    page = ok(response).content.decode()
    assert "Error: BCST" in page
    assert "Completed by must be a member of staff of Band 4 or above: Olly Officer is Band 3" in page
    assert "Band 4 job description" in page
    ann.refresh_from_db()
    assert ann.completed_on is None


def test_a_future_date_is_refused(estate, users, client):
    client.force_login(users["admin"])
    ann = task("A0001AA")
    tomorrow = TODAY + D(1)
    response = record(client, ann, tomorrow, estate["pom"])
    assert "Date completed must be today or in the past" in ok(response).content.decode()


@pytest.mark.parametrize(("role", "status"), [("governor", 403), ("hq", 403), ("other_admin", 404)])
def test_only_admins_of_the_prison_record(estate, users, client, role, status):
    client.force_login(users[role])
    ann = task("A0001AA")
    ok(client.post(f"{PAGE}?record={ann.pk}", {"completed_by": estate["pom"].pk}), status)
    ann.refresh_from_db()
    assert ann.completed_on is None


def test_a_task_of_another_prison_is_not_found(estate, users, client):
    client.force_login(users["admin"])
    ok(client.get(PAGE, {"record": task("E0001AA").pk}), 404)


def test_the_page_costs_a_fixed_number_of_queries(estate, users, client, django_assert_max_num_queries):
    client.force_login(users["admin"])
    ok(client.get(PAGE))
    for n in range(40):
        factories.in_custody(estate["lei"], f"F{n:04d}AA", received=TODAY - D(n % 5))
    services.create_bcsts()
    with django_assert_max_num_queries(9):
        ok(client.get(PAGE))
    with django_assert_max_num_queries(10):
        ok(client.get(PAGE, {"record": task("A0001AA").pk}))
