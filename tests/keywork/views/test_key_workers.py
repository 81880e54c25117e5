"""The key workers page (caseloads against capacity) and the allocation page (allocate, reallocate,
end, auto-allocation), through the client as each role would use them."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keywork.models import KeyWorkerAllocation
from omic import dates
from omic.models import AuditEvent
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


# The allocation page: who needs a key worker, allocating, ending


def test_allocation_page_lists_prisoners_who_need_a_key_worker(admin_client):
    response = ok(admin_client.get(ALLOCATE))
    needing = {row.prison_number: row.reason for row in response.context["page"].needing}
    assert needing == {
        "C2222CC": "no_key_worker",
        "D3333DD": "no_key_worker",
        "B1111BB": "key_worker_unavailable",
    }
    text = response.content.decode()
    assert "Key worker is unavailable" in text
    assert 'href="?prisoner=B1111BB#end"' in text
    assert "E4444EE" not in text  # at another prison


def test_links_from_the_table_fill_in_the_prison_number(admin_client):
    text = ok(admin_client.get(f"{ALLOCATE}?prisoner=B1111BB")).content.decode()
    assert 'name="allocate-prisoner" value="B1111BB"' in text
    assert 'name="end-prisoner" value="B1111BB"' in text


def test_allocating_through_the_page_saves_audits_and_redirects_with_a_message(admin_client, users):
    response = admin_client.post(ALLOCATE, allocate_data(), follow=True)
    assert response.redirect_chain == [(ALLOCATE, 302)]
    allocation = KeyWorkerAllocation.objects.get(prisoner_id="C2222CC")
    assert (allocation.key_worker_id, allocation.prison_id, allocation.start_date) == ("LEI004", "LEI", TODAY)
    assert (allocation.end_date, allocation.reason, allocation.created_by) == (
        None,
        "new arrival",
        users["admin"],
    )
    event = AuditEvent.objects.get(action="keywork.allocation.create", object_id=str(allocation.pk))
    assert (event.actor, event.prison_id, event.reason) == (users["admin"], "LEI", "new arrival")
    text = response.content.decode()
    assert "govuk-notification-banner--success" in text
    assert "Tom Free (LEI004) is now the key worker of Cal Waiting (C2222CC)" in text


def test_prison_number_is_forgiven_lower_case_and_spaces(admin_client):
    response = admin_client.post(ALLOCATE, allocate_data(**{"allocate-prisoner": " c2222 cc "}))
    assert response.status_code == 302
    assert current_key_worker("C2222CC") == "LEI004"


def test_reallocating_a_prisoner_whose_key_worker_is_unavailable_ends_the_old_allocation(admin_client):
    old = KeyWorkerAllocation.objects.get(prisoner_id="B1111BB")
    data = allocate_data(**{"allocate-prisoner": "B1111BB", "allocate-reason": "Una on long-term leave"})
    assert admin_client.post(ALLOCATE, data).status_code == 302
    old.refresh_from_db()
    assert (old.end_date, old.end_reason) == (TODAY, "reallocated to LEI004")
    assert current_key_worker("B1111BB") == "LEI004"
    assert AuditEvent.objects.filter(action="keywork.allocation.end", object_id=str(old.pk)).exists()
    needing = [row.prison_number for row in ok(admin_client.get(ALLOCATE)).context["page"].needing]
    assert "B1111BB" not in needing


@pytest.mark.parametrize(
    ("key_worker", "message"),
    [
        ("LEI001", "Key worker LEI001 has a full caseload on"),
        ("LEI002", "Key worker LEI002 had not completed key worker training by"),
        ("LEI003", "Key worker LEI003 is unavailable."),
    ],
)
def test_refused_allocation_shows_the_error_summary_and_saves_nothing(admin_client, key_worker, message):
    before = AuditEvent.objects.count()
    response = admin_client.post(ALLOCATE, allocate_data(**{"allocate-key_worker": key_worker}))
    assert response.status_code == 200
    errors = response.context["allocate_form"].errors["key_worker"]
    assert any(error.startswith(message) for error in errors), errors
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert 'href="#id_allocate-key_worker"' in text
    assert "<title>Error: Allocate key workers" in text
    assert current_key_worker("C2222CC") is None
    assert AuditEvent.objects.count() == before


def test_allocating_a_prisoner_not_in_custody_here_is_refused_without_saying_where_they_are(admin_client):
    for number in ("E4444EE", "Z9999ZZ"):  # at BMI; nowhere
        response = admin_client.post(ALLOCATE, allocate_data(**{"allocate-prisoner": number}))
        assert response.status_code == 200
        assert response.context["allocate_form"].errors["prisoner"] == [
            f"{number} is not in custody at HMP Leeds today: check the prison number"
        ]
    assert not KeyWorkerAllocation.objects.filter(prisoner_id="E4444EE").exists()


def test_allocation_form_must_name_a_prisoner_and_a_key_worker(admin_client):
    data = {"form": "allocate", "allocate-prisoner": "12345", "allocate-key_worker": ""}
    form = ok(admin_client.post(ALLOCATE, data)).context["allocate_form"]
    assert form.errors == {
        "prisoner": ["Enter a prison number in the right format, like A1234BC"],
        "key_worker": ["Choose the key worker to allocate"],
    }
    data["allocate-key_worker"] = "BMI001"  # not offered: another prison's officer
    form = ok(admin_client.post(ALLOCATE, data)).context["allocate_form"]
    assert form.errors["key_worker"] == ["Choose a key worker in post at this prison"]


def test_ending_an_allocation_through_the_page(admin_client, users):
    allocation = KeyWorkerAllocation.objects.get(prisoner_id="B1111BB")
    data = {"form": "end", "end-prisoner": "B1111BB", "end-reason": "Una on long-term leave"}
    response = admin_client.post(ALLOCATE, data, follow=True)
    assert response.redirect_chain == [(ALLOCATE, 302)]
    allocation.refresh_from_db()
    assert (allocation.end_date, allocation.end_reason) == (TODAY, "Una on long-term leave")
    event = AuditEvent.objects.get(action="keywork.allocation.end", object_id=str(allocation.pk))
    assert (event.actor, event.reason) == (users["admin"], "Una on long-term leave")
    assert "no longer has Una Away as key worker" in response.content.decode()
    # Now without a key worker, Ben joins the auto-allocation proposal (Una was unavailable).
    page = response.context["page"]
    assert ("B1111BB", "no_key_worker") in [(row.prison_number, row.reason) for row in page.needing]
    assert "B1111BB" in [p.prison_number for p in page.proposals]


def test_ending_an_allocation_needs_a_reason_and_a_current_allocation(admin_client):
    before = AuditEvent.objects.count()
    response = admin_client.post(ALLOCATE, {"form": "end", "end-prisoner": "C2222CC", "end-reason": ""})
    assert response.status_code == 200
    assert response.context["end_form"].errors == {
        "prisoner": ["C2222CC has no key worker at HMP Leeds today: check the prison number"],
        "reason": ["Enter the reason the allocation is ending"],
    }
    assert 'href="#id_end-prisoner"' in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_ending_an_allocation_made_today_undoes_it(admin_client):
    before = current_key_worker("C2222CC")
    admin_client.post(ALLOCATE, allocate_data())
    assert current_key_worker("C2222CC") == "LEI004"
    response = admin_client.post(
        ALLOCATE, {"form": "end", "end-prisoner": "C2222CC", "end-reason": "wrong officer"}, follow=True
    )
    assert response.status_code == 200
    assert "no longer has" in response.content.decode()
    assert current_key_worker("C2222CC") is None
    assert before is None  # the prisoner had no key worker before the mistaken allocation
    assert AuditEvent.objects.filter(action="keywork.allocation.delete", reason="wrong officer").exists()


def test_an_unknown_form_is_a_bad_request(admin_client):
    assert admin_client.post(ALLOCATE, {"form": "delete-everything"}).status_code == 400


# Auto-allocation


def proposal_field(client):
    response = ok(client.get(ALLOCATE))
    return response.context["confirm_form"].initial["proposals"], response


def test_auto_allocation_proposal_is_listed_with_the_rule_and_who_could_not_be_placed(admin_client, estate):
    estate["tom"].key_worker_capacity = 1
    estate["tom"].save()
    proposals, response = proposal_field(admin_client)
    page = response.context["page"]
    # Cal waited longest: Tom is on Cal's wing. Then Tom is full, Kim is over, Lee untrained, Una away.
    assert [(r.prison_number, r.staff_id, r.reason) for r in page.placed] == [
        ("C2222CC", "LEI004", "same_wing")
    ]
    assert [(r.prison_number, r.rule_words) for r in page.unplaced] == [
        ("D3333DD", "Every key worker's caseload is full")
    ]
    assert json.loads(proposals) == [["C2222CC", "LEI004", "same_wing"]]
    text = response.content.decode()
    assert "Key worker on their wing" in text
    assert "Confirm these allocations" in text


def test_confirming_the_proposal_applies_it_and_confirming_again_changes_nothing(admin_client, users):
    proposals, _ = proposal_field(admin_client)
    assert json.loads(proposals) == [["C2222CC", "LEI004", "same_wing"], ["D3333DD", "LEI004", "balance"]]
    response = admin_client.post(ALLOCATE, {"form": "confirm", "proposals": proposals}, follow=True)
    assert response.redirect_chain == [(ALLOCATE, 302)]
    assert "2 key worker allocations confirmed." in response.content.decode()
    assert (current_key_worker("C2222CC"), current_key_worker("D3333DD")) == ("LEI004", "LEI004")
    event = AuditEvent.objects.get(action="keywork.allocation.auto_confirm")
    assert (event.actor, event.after["count"]) == (users["admin"], 2)
    assert response.context["page"].placed == []

    allocations = list(KeyWorkerAllocation.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    response = admin_client.post(ALLOCATE, {"form": "confirm", "proposals": proposals}, follow=True)
    assert response.redirect_chain == [(ALLOCATE, 302)]
    assert (
        "Nothing changed: every prisoner in the proposal already has a key worker."
        in response.content.decode()
    )
    assert list(KeyWorkerAllocation.objects.order_by("pk").values()) == allocations
    assert AuditEvent.objects.count() == events


def test_a_proposal_that_no_longer_holds_is_refused_whole_and_shown_in_the_error_summary(
    admin_client, estate
):
    proposals, _ = proposal_field(admin_client)
    estate["tom"].status = "unavailable"  # after the admin reviewed the proposal
    estate["tom"].save()
    events = AuditEvent.objects.count()
    response = admin_client.post(ALLOCATE, {"form": "confirm", "proposals": proposals})
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "C2222CC: LEI004 is not a trained, active Band 3 key worker in post at LEI" in text
    assert "<title>Error: Allocate key workers" in text
    assert (current_key_worker("C2222CC"), current_key_worker("D3333DD")) == (None, None)
    assert AuditEvent.objects.count() == events
    # The proposal offered again is worked out afresh: nobody can take them now.
    assert response.context["page"].placed == []


@pytest.mark.parametrize(
    "proposals",
    ["not json", '{"C2222CC": "LEI004"}', '[["C2222CC", "LEI004", "because I said so"]]', '[["C2222CC"]]'],
)
def test_an_altered_proposal_is_refused_and_saves_nothing(admin_client, proposals):
    response = admin_client.post(ALLOCATE, {"form": "confirm", "proposals": proposals})
    assert response.status_code == 200
    assert response.context["confirm_errors"] == [
        "The proposal could not be read: review the proposal below and confirm it again"
    ]
    assert current_key_worker("C2222CC") is None


def test_a_proposal_cannot_place_a_prisoner_of_another_prison(admin_client):
    proposals = json.dumps([["E4444EE", "LEI004", "balance"]])
    response = admin_client.post(ALLOCATE, {"form": "confirm", "proposals": proposals})
    assert response.status_code == 200
    assert "E4444EE: not in custody at LEI" in response.context["confirm_errors"][0]
    assert current_key_worker("E4444EE") is None


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
