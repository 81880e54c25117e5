"""The key workers page (caseloads against capacity), who may open it and the allocation page,
and both pages' query counts, through the client as each role would use them. The allocation
page itself is test_key_worker_allocation.py, over this module's estate and helpers."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keywork.models import KeyWorkerAllocation
from omic import dates
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
LONG_AGO = TODAY - dt.timedelta(days=400)
KEY_WORKERS = "/prisons/LEI/key-workers/"
ALLOCATE = "/prisons/LEI/allocate/"


def in_custody(prison, number, wing=None, first="Sam", last="Prisoner", received=LONG_AGO):
    return factories.in_custody(prison, number, wing, received=received, first_name=first, last_name=last)


def allocated(prisoner, prison, key_worker, start=LONG_AGO):
    # Straight into the table, as the extract loads history (no capacity check then).
    return factories.KeyWorkerAllocationFactory(
        prisoner=prisoner, prison=prison, key_worker=key_worker, start_date=start
    )


@pytest.fixture
def estate(db):
    """LEI: Kim (wing A, capacity 2, holding 3: over), Lee (untrained), Una (unavailable, holding one
    prisoner), Tom (free, wing B). Two prisoners with no key worker. BMI elsewhere."""
    places = factories.leeds_and_birmingham(leeds_wings="AB")
    lei, bmi, wing_a, wing_b = (places[k] for k in ("lei", "bmi", "wing_a", "wing_b"))
    staff = factories.StaffMemberFactory
    kim = staff(staff_id="LEI001", prison=lei, first_name="Kim", last_name="Full", wing=wing_a,
                key_worker_capacity=2)  # fmt: skip
    lee = staff(
        staff_id="LEI002", prison=lei, first_name="Lee", last_name="Untrained", key_worker_trained_on=None
    )
    una = staff(staff_id="LEI003", prison=lei, first_name="Una", last_name="Away", status="unavailable")
    tom = staff(staff_id="LEI004", prison=lei, first_name="Tom", last_name="Free", wing=wing_b)
    staff(staff_id="LEI100", prison=lei, band=5, role="pom", last_name="Patel")  # not a key worker
    staff(staff_id="BMI001", prison=bmi)
    for n in range(3):
        allocated(in_custody(lei, f"A000{n}AA", wing_a), lei, kim)
    stuck = in_custody(lei, "B1111BB", wing_a, "Ben", "Stuck")
    allocated(stuck, lei, una)
    waiting = in_custody(lei, "C2222CC", wing_b, "Cal", "Waiting", received=LONG_AGO + dt.timedelta(days=1))
    newest = in_custody(lei, "D3333DD", None, "Dan", "Newest", received=TODAY)
    in_custody(bmi, "E4444EE")
    return {
        **places, "kim": kim, "lee": lee, "una": una, "tom": tom,
        "stuck": stuck, "waiting": waiting, "newest": newest,
    }  # fmt: skip


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def allocate_data(**overrides):
    data = {"form": "allocate", "allocate-prisoner": "C2222CC", "allocate-key_worker": "LEI004"}
    data["allocate-reason"] = "new arrival"
    return {**data, **overrides}


def current_key_worker(number):
    allocation = KeyWorkerAllocation.objects.filter(
        prisoner_id=number, deleted_at__isnull=True, end_date__isnull=True
    ).first()
    return allocation.key_worker_id if allocation else None


# Who may open the pages (formats.md, role table)


@pytest.mark.parametrize(
    ("role", "key_workers", "allocate"),
    [
        ("wing_manager", 403, 403),
        ("governor", 200, 403),
        ("admin", 200, 200),
        ("hq", 200, 403),
        ("other_admin", 404, 404),
    ],
)
def test_who_may_open_the_key_workers_and_allocation_pages(client, users, role, key_workers, allocate):
    client.force_login(users[role])
    assert client.get(KEY_WORKERS).status_code == key_workers
    assert client.get(f"{KEY_WORKERS}?format=csv").status_code == key_workers
    assert client.get(ALLOCATE).status_code == allocate
    assert client.post(ALLOCATE, allocate_data()).status_code == (302 if allocate == 200 else allocate)


def test_a_prison_that_does_not_exist_is_404(admin_client):
    assert admin_client.get("/prisons/ZZZ/key-workers/").status_code == 404
    assert admin_client.get("/prisons/ZZZ/allocate/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, estate):
    for url in (KEY_WORKERS, ALLOCATE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_governors_may_not_post_to_the_allocation_page_and_nothing_is_saved(client, users):
    client.force_login(users["governor"])
    assert client.post(ALLOCATE, allocate_data()).status_code == 403
    assert current_key_worker("C2222CC") is None


def test_navigation_offers_allocate_only_to_admins(client, users):
    client.force_login(users["admin"])
    text = ok(client.get(KEY_WORKERS)).content.decode()
    assert f'href="{ALLOCATE}"' in text
    assert f'href="{KEY_WORKERS}" aria-current="page"' in text
    client.force_login(users["governor"])
    text = ok(client.get(KEY_WORKERS)).content.decode()
    assert f'href="{ALLOCATE}"' not in text
    assert f'href="{KEY_WORKERS}" aria-current="page"' in text
    assert f'href="{KEY_WORKERS}"' in ok(client.get("/prisons/LEI/")).content.decode()


# Caseloads against capacity


def test_key_workers_page_shows_caseload_against_capacity_and_who_may_take_more(client, users):
    client.force_login(users["governor"])
    response = ok(client.get(KEY_WORKERS))
    rows = {row.staff_id: row for row in response.context["rows"]}
    assert set(rows) == {"LEI001", "LEI002", "LEI003", "LEI004"}  # Band 3 only, this prison only
    figures = {s: (r.capacity, r.caseload, r.remaining, r.not_eligible) for s, r in rows.items()}
    assert figures == {
        "LEI001": (2, 3, -1, ("caseload_full",)),
        "LEI002": (6, 0, 6, ("untrained",)),
        "LEI003": (6, 1, 5, ("unavailable",)),
        "LEI004": (6, 0, 6, ()),
    }
    assert rows["LEI001"].over_capacity
    text = response.content.decode()
    assert "1 over" in text
    assert "1 key worker has more prisoners than their capacity allows." in text
    assert "4 key workers,\n  1 of whom can take on another prisoner." in text
    assert "Not trained" in text
    # Ben's key worker is unavailable; Cal and Dan have none.
    assert response.context["needs"].without == 2
    assert response.context["needs"].unsuitable == 1
    assert "3 prisoners need a key worker" in text
    assert "/allocate/" not in text  # the governor may not allocate


def test_key_workers_page_links_admins_to_allocation(admin_client):
    text = ok(admin_client.get(KEY_WORKERS)).content.decode()
    assert f'<a class="govuk-link" href="{ALLOCATE}">Allocate key workers</a>' in text


def test_key_worker_who_left_post_but_holds_allocations_is_listed_as_not_in_post(client, users, estate):
    estate["una"].in_post_to = TODAY - dt.timedelta(days=1)
    estate["una"].save()
    client.force_login(users["hq"])
    rows = {row.staff_id: row for row in ok(client.get(KEY_WORKERS)).context["rows"]}
    assert rows["LEI003"].caseload == 1
    assert rows["LEI003"].not_eligible == ("not_in_post", "unavailable")


def test_key_workers_csv_has_the_same_rows_as_the_page(client, users):
    client.force_login(users["governor"])
    response = client.get(f"{KEY_WORKERS}?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="LEI-key-workers-{TODAY.isoformat()}.csv"' in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == [
        "staff_id", "first_name", "last_name", "prison_code", "wing_code", "status", "in_post",
        "key_worker_trained_on", "trained", "capacity", "caseload", "remaining_capacity", "eligible",
        "not_eligible_reasons",
    ]  # fmt: skip
    rows = {row["staff_id"]: row for row in reader}
    assert list(rows) == ["LEI003", "LEI004", "LEI001", "LEI002"]  # by last name, as on the page
    assert rows["LEI001"] == {
        "staff_id": "LEI001", "first_name": "Kim", "last_name": "Full", "prison_code": "LEI",
        "wing_code": "A", "status": "active", "in_post": "true", "key_worker_trained_on": "2018-06-01",
        "trained": "true", "capacity": "2", "caseload": "3", "remaining_capacity": "-1",
        "eligible": "false", "not_eligible_reasons": "caseload_full",
    }  # fmt: skip
    assert (rows["LEI002"]["key_worker_trained_on"], rows["LEI002"]["trained"]) == ("", "false")
    assert (rows["LEI004"]["eligible"], rows["LEI004"]["not_eligible_reasons"]) == ("true", "")


# Fixed query counts whatever the number of prisoners and key workers


def grow(estate, n):
    """n more key workers (one over capacity each few) and n more prisoners, some allocated."""
    lei = estate["lei"]
    for i in range(n):
        key_worker = factories.StaffMemberFactory(
            prison=lei, wing=estate["wing_a"] if i % 2 else estate["wing_b"],
            key_worker_trained_on=None if i % 5 == 4 else factories.StaffMemberFactory.key_worker_trained_on,
            status="unavailable" if i % 7 == 6 else "active",
        )  # fmt: skip
        prisoner = factories.CustodySpellFactory(
            prison=lei, wing=estate["wing_a"], reception_date=LONG_AGO
        ).prisoner
        if i % 3 == 0:
            allocated(prisoner, lei, key_worker)
        factories.CustodySpellFactory(prison=lei, wing=estate["wing_b"], reception_date=LONG_AGO)


@pytest.mark.parametrize("url", [KEY_WORKERS, ALLOCATE])
def test_pages_cost_the_same_number_of_queries_for_3_or_30_prisoners_and_key_workers(
    admin_client, estate, url, django_assert_max_num_queries
):
    ok(admin_client.get(url))  # the first request loads the session and user
    with CaptureQueriesContext(connection) as small:
        response = ok(admin_client.get(url))
    assert len(response.context["rows"] if url == KEY_WORKERS else response.context["page"].needing) == (
        4 if url == KEY_WORKERS else 3
    )
    grow(estate, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = ok(admin_client.get(url))
    if url == KEY_WORKERS:
        assert len(response.context["rows"]) == 34
    else:
        # 60 more prisoners, 10 allocated: 4 of those to an untrained or unavailable key worker.
        assert len(response.context["page"].needing) == 3 + 50 + 4
        assert len(response.context["page"].placed) > 30


def test_key_workers_csv_costs_the_same_queries_for_3_or_30_key_workers(
    admin_client, estate, django_assert_max_num_queries
):
    url = f"{KEY_WORKERS}?format=csv"
    ok(admin_client.get(url))
    with CaptureQueriesContext(connection) as small:
        ok(admin_client.get(url))
    grow(estate, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = ok(admin_client.get(url))
    assert response.content.decode().count("\n") == 1 + 34


# Key workers: session, user, prison, who holds allocations here, caseloads, two "needs a key
# worker" counts, header prisons.
# Allocation: session, user, prison, without a key worker, needing one, the proposal's two reads,
# proposed key workers' names, header prisons, the key worker select.
@pytest.mark.parametrize(("url", "queries"), [(KEY_WORKERS, 8), (ALLOCATE, 10)])
def test_page_query_count_is_pinned(admin_client, estate, url, queries, django_assert_max_num_queries):
    grow(estate, 30)
    ok(admin_client.get(url))
    with django_assert_max_num_queries(queries):
        ok(admin_client.get(url))
