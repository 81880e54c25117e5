"""The allocation page's order and choices, and "move every prisoner of this key worker" for one
who can no longer do the job: the proposal from the auto-allocation rule, reviewed, confirmed."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keywork.models import KeyWorkerAllocation
from keywork.services import MOVED
from omic import dates
from omic.models import AuditEvent
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
LONG_AGO = TODAY - dt.timedelta(days=400)
ALLOCATE = "/prisons/LEI/allocate/"
REVIEW = f"{ALLOCATE}?move=LEI003"


def in_custody(prison, number, wing=None, received=LONG_AGO):
    return factories.in_custody(prison, number, wing, received=received, first_name="Sam", last_name=number)


def allocated(prisoner, prison, key_worker, start=LONG_AGO):
    return factories.KeyWorkerAllocationFactory(
        prisoner=prisoner, prison=prison, key_worker=key_worker, start_date=start
    )


@pytest.fixture
def estate(db):
    """LEI: Una (unavailable) holds B1 and B2 (wing A) and B3 (wing B); Lee (untrained) holds D4.
    Kim (wing A, capacity 6) and Tom (wing B, capacity 1) are free; Fay (wing A) is full.
    C5 has no key worker."""
    places = factories.leeds_and_birmingham(leeds_wings="AB")
    lei, wing_a, wing_b = places["lei"], places["wing_a"], places["wing_b"]
    staff = factories.StaffMemberFactory
    una = staff(staff_id="LEI003", prison=lei, first_name="Una", last_name="Away", status="unavailable")
    lee = staff(
        staff_id="LEI002", prison=lei, first_name="Lee", last_name="Untrained", key_worker_trained_on=None
    )
    kim = staff(staff_id="LEI001", prison=lei, first_name="Kim", last_name="Free", wing=wing_a,
                key_worker_capacity=6)  # fmt: skip
    tom = staff(staff_id="LEI004", prison=lei, first_name="Tom", last_name="Small", wing=wing_b,
                key_worker_capacity=1)  # fmt: skip
    fay = staff(staff_id="LEI005", prison=lei, first_name="Fay", last_name="Full", wing=wing_a,
                key_worker_capacity=1)  # fmt: skip
    allocated(in_custody(lei, "F0000FF", wing_a), lei, fay)
    for n, wing in enumerate((wing_a, wing_a, wing_b), start=1):
        allocated(in_custody(lei, f"B000{n}BB", wing, LONG_AGO + dt.timedelta(days=n)), lei, una)
    allocated(in_custody(lei, "D0004DD", wing_b), lei, lee)
    in_custody(lei, "C0005CC", wing_b, received=TODAY)
    return {**places, "una": una, "lee": lee, "kim": kim, "tom": tom, "fay": fay}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def current_key_worker(number):
    allocation = KeyWorkerAllocation.objects.filter(
        prisoner_id=number, deleted_at__isnull=True, end_date__isnull=True
    ).first()
    return allocation.key_worker_id if allocation else None


def reviewed(client, url=REVIEW):
    response = ok(client.get(url))
    form = response.context["move_form"]
    return {"form": "move", "staff_id": form.initial["staff_id"], "proposals": form.initial["proposals"]}


@pytest.mark.parametrize(
    ("role", "status"),
    [("wing_manager", 403), ("governor", 403), ("hq", 403), ("other_admin", 404), ("admin", 200)],
)
def test_only_the_prisons_admins_may_review_or_move(client, users, role, status):
    client.force_login(users["admin"])
    data = reviewed(client)
    client.force_login(users[role])
    assert client.get(REVIEW).status_code == status
    assert client.post(ALLOCATE, data).status_code == (302 if status == 200 else status)
    expected = "LEI001" if status == 200 else "LEI003"
    assert current_key_worker("B0001BB") == expected


def test_prisoners_with_no_key_worker_come_first_then_those_whose_key_worker_cannot_do_the_job(
    admin_client,
):
    page = ok(admin_client.get(ALLOCATE)).context["page"]
    assert [(row.prison_number, row.reason) for row in page.needing] == [
        ("C0005CC", "no_key_worker"),
        ("D0004DD", "key_worker_untrained"),
        ("B0001BB", "key_worker_unavailable"),
        ("B0002BB", "key_worker_unavailable"),
        ("B0003BB", "key_worker_unavailable"),
    ]
    text = ok(admin_client.get(ALLOCATE)).content.decode()
    # The table of those who need one comes before the forms and the auto-allocation proposal.
    assert (
        text.index('id="needing-heading"')
        < text.index('id="allocate"')
        < text.index('id="auto-allocation-heading"')
    )
    assert [(m.staff_id, m.prisoners) for m in page.moving_away] == [("LEI002", 1), ("LEI003", 3)]  # by name
    assert 'href="?move=LEI003#move-heading"' in text
    assert 'href="?move=LEI002#move-heading"' in text
    assert "?move=LEI001" not in text


def test_only_key_workers_who_can_take_another_prisoner_are_offered(admin_client):
    form = ok(admin_client.get(ALLOCATE)).context["allocate_form"]
    offered = [(str(value), label) for value, label in form.fields["key_worker"].choices]
    assert offered == [
        ("", "Choose a key worker"),
        ("LEI001", "Kim Free (LEI001, A wing) – caseload 0 of 6"),
        ("LEI004", "Tom Small (LEI004, B wing) – caseload 0 of 1"),
    ]


def test_a_key_worker_not_offered_is_still_refused_with_the_reason(admin_client):
    data = {"form": "allocate", "allocate-prisoner": "C0005CC", "allocate-key_worker": "LEI005"}
    response = ok(admin_client.post(ALLOCATE, data))
    assert "Key worker LEI005 has a full caseload" in response.content.decode()
    assert current_key_worker("C0005CC") is None


def test_the_review_shows_the_rules_proposal_for_exactly_that_key_workers_prisoners(admin_client):
    response = ok(admin_client.get(REVIEW))
    review = response.context["review"]
    # Longest waiting first: B1 and B2 to Kim on their wing; B3 to Tom on his (Fay is full).
    assert [(r.prison_number, r.staff_id, r.reason) for r in review.placed] == [
        ("B0001BB", "LEI001", "same_wing"),
        ("B0002BB", "LEI001", "same_wing"),
        ("B0003BB", "LEI004", "same_wing"),
    ]
    assert review.unplaced == []
    text = response.content.decode()
    assert "Move every prisoner of Una Away (LEI003)" in text
    assert "Confirm these moves" in text
    assert KeyWorkerAllocation.objects.filter(start_date=TODAY).count() == 0  # nothing saved yet


def test_confirming_moves_them_all_in_one_audited_change_and_shows_the_banner_at_the_top(admin_client, users):
    data = reviewed(admin_client)
    response = admin_client.post(ALLOCATE, data, follow=True)
    assert response.redirect_chain == [(ALLOCATE, 302)]
    text = response.content.decode()
    assert "3 prisoners of LEI003 moved to the proposed key workers" in text
    assert text.index("govuk-notification-banner") < text.index('id="needing-heading"')
    assert [current_key_worker(n) for n in ("B0001BB", "B0002BB", "B0003BB")] == ["LEI001"] * 2 + ["LEI004"]
    old = KeyWorkerAllocation.objects.filter(key_worker_id="LEI003")
    assert {(a.end_date, a.end_reason) for a in old} == {(TODAY, MOVED)}
    assert current_key_worker("D0004DD") == "LEI002"  # another key worker's prisoner is untouched
    event = AuditEvent.objects.get(action="keywork.allocation.move_caseload")
    assert (event.actor, event.object_id, event.before["prisoners"]) == (
        users["admin"],
        "LEI003",
        ["B0001BB", "B0002BB", "B0003BB"],
    )
    assert len(event.after["allocations"]) == 3
    assert [m.staff_id for m in response.context["page"].moving_away] == ["LEI002"]


def test_an_allocation_made_today_is_deleted_rather_than_ended(admin_client, estate):
    late = in_custody(estate["lei"], "B0009BB", estate["wing_a"])
    allocated(late, estate["lei"], estate["una"], start=TODAY)
    admin_client.post(ALLOCATE, reviewed(admin_client))
    moved_today = KeyWorkerAllocation.objects.get(prisoner_id="B0009BB", key_worker_id="LEI003")
    assert (moved_today.deleted_at is not None, moved_today.deleted_reason) == (True, MOVED)
    assert current_key_worker("B0009BB") == "LEI001"


def test_who_cannot_be_placed_keeps_their_key_worker(admin_client, estate):
    estate["kim"].key_worker_capacity = 1
    estate["kim"].save()
    review = ok(admin_client.get(REVIEW)).context["review"]
    # B1 fills Kim; B2 goes to Tom, the one left with space, which fills him; B3 cannot be placed.
    assert [(r.prison_number, r.staff_id, r.reason) for r in review.placed] == [
        ("B0001BB", "LEI001", "same_wing"),
        ("B0002BB", "LEI004", "balance"),
    ]
    assert [(r.prison_number, r.rule_words) for r in review.unplaced] == [
        ("B0003BB", "Every key worker's caseload is full")
    ]
    admin_client.post(ALLOCATE, reviewed(admin_client))
    assert [current_key_worker(n) for n in ("B0001BB", "B0002BB", "B0003BB")] == [
        "LEI001",
        "LEI004",
        "LEI003",
    ]


def stored():
    return list(KeyWorkerAllocation.objects.order_by("pk").values()), AuditEvent.objects.count()


def test_a_proposal_gone_stale_is_refused_and_nothing_is_moved(admin_client, estate):
    data = reviewed(admin_client)
    estate["kim"].status = "unavailable"  # after the admin reviewed the proposal
    estate["kim"].save()
    before = stored()
    response = ok(admin_client.post(ALLOCATE, data))
    text = response.content.decode()
    assert "The proposal has changed since you reviewed it" in text
    assert "No prisoners were moved." in text
    assert "<title>Error: Allocate key workers" in text
    assert stored() == before
    # The proposal shown again is the one that holds now: Kim is no longer in it.
    assert "LEI001" not in {r.staff_id for r in response.context["review"].placed}


def test_a_key_worker_who_can_do_the_job_again_has_nobody_to_move(admin_client, estate):
    data = reviewed(admin_client)
    estate["una"].status = "active"
    estate["una"].save()
    before = stored()
    response = ok(admin_client.post(ALLOCATE, data))
    assert response.context["move_errors"] == [
        "LEI003 can do the job of key worker today, or has no prisoners here: there is nobody to move. "
        "Reallocate a prisoner one at a time instead."
    ]
    assert stored() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"proposals": "not json"}, "The proposal could not be read"),
        ({"proposals": '[["B0001BB", "LEI005", "same_wing"]]'}, "The proposal has changed"),
        ({"proposals": "[]"}, "The proposal has changed"),
        ({"staff_id": "NOPE"}, "That key worker is not known here"),
        ({"staff_id": "LEI001"}, "LEI001 can do the job of key worker today"),
    ],
)
def test_an_altered_request_is_refused_with_a_message_and_saves_nothing(admin_client, change, message):
    data = {**reviewed(admin_client), **change}
    before = stored()
    response = ok(admin_client.post(ALLOCATE, data))
    assert any(error.startswith(message) for error in response.context["move_errors"])
    assert stored() == before


def test_reviewing_a_key_worker_who_can_do_the_job_says_so(admin_client):
    response = ok(admin_client.get(f"{ALLOCATE}?move=LEI001"))
    assert response.context["review"] is None
    assert response.context["move_errors"] == [
        "LEI001 is not a key worker here whose prisoners need moving: choose one from the list"
    ]


def grow(estate, n):
    """n more prisoners of Una's, and n more key workers (some full, some unavailable)."""
    lei = estate["lei"]
    for i in range(n):
        factories.StaffMemberFactory(prison=lei, wing=estate["wing_a"] if i % 2 else estate["wing_b"],
                                     status="unavailable" if i % 7 == 6 else "active")  # fmt: skip
        prisoner = factories.CustodySpellFactory(prison=lei, wing=estate["wing_a"], reception_date=LONG_AGO)
        allocated(prisoner.prisoner, lei, estate["una"])


@pytest.mark.parametrize("method", ["review", "move"])
def test_review_and_move_cost_the_same_queries_for_3_or_30_prisoners(
    admin_client, estate, method, django_assert_max_num_queries
):
    def run():
        data = reviewed(admin_client)
        if method == "move":
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.post(ALLOCATE, data).status_code == 302
            return len(queries.captured_queries)
        with CaptureQueriesContext(connection) as queries:
            ok(admin_client.get(REVIEW))
        return len(queries.captured_queries)

    small = run()
    if method == "move":  # back to Una holding her prisoners, then many more of them
        KeyWorkerAllocation.objects.filter(start_date=TODAY).delete()
        KeyWorkerAllocation.objects.filter(key_worker_id="LEI003").update(end_date=None, end_reason="")
    grow(estate, 27)
    data = reviewed(admin_client)
    assert len(json.loads(data["proposals"])) >= 30
    with django_assert_max_num_queries(small):
        if method == "move":
            assert admin_client.post(ALLOCATE, data).status_code == 302
        else:
            ok(admin_client.get(REVIEW))
