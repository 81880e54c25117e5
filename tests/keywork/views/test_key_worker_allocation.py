"""The allocation page (allocate, reallocate, end) and auto-allocation (propose, confirm), through
the client as an admin would use them, over test_key_workers.py's estate."""

import json

import pytest

from keywork.models import KeyWorkerAllocation
from omic.models import AuditEvent
from tests.keywork.views import test_key_workers as key_workers
from tests.keywork.views.test_key_workers import ALLOCATE, TODAY, allocate_data, current_key_worker
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

# The fixtures of test_key_workers.py, shared rather than written again.
estate = key_workers.estate
admin_client = key_workers.admin_client


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
