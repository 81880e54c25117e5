"""Two admins at once (issue 17, "Faults"): allocating the same prisoner, or confirming the
same auto-allocation, from two browsers at the same moment. One wins, the other is told
clearly what happened, and the prisoner never has two active allocations. Real threads, each
with its own database connection, so the writes really meet in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
from django.test import Client

from keywork import auto_allocation, services
from keywork.models import KeyWorkerAllocation
from omic import dates
from tests import factories
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

TODAY = dates.today()
ALLOCATE = "/prisons/LEI/allocate/"


@pytest.fixture
def estate():
    """LEI with two free key workers, Tom and Ann, two prisoners with none, and two admins."""
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    tom = factories.StaffMemberFactory(staff_id="LEI004", prison=lei, first_name="Tom", last_name="Free")
    ann = factories.StaffMemberFactory(staff_id="LEI005", prison=lei, first_name="Ann", last_name="Open")
    received = TODAY - dt.timedelta(days=30)
    cal = factories.in_custody(lei, "C2222CC", received=received, first_name="Cal", last_name="Waiting")
    factories.in_custody(lei, "D3333DD", received=received + dt.timedelta(days=1))
    admins = [factories.UserFactory(role="admin", username=name) for name in ("ayesha", "bilal")]
    for admin in admins:
        admin.prisons.set([lei])
    return {"lei": lei, "tom": tom, "ann": ann, "cal": cal, "admins": admins}


def active_allocations(number):
    return list(
        KeyWorkerAllocation.objects.filter(
            prisoner_id=number, end_date__isnull=True, deleted_at__isnull=True
        ).values_list("key_worker_id", flat=True)
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_at(page) -> str:
    return re.search(r'name="shown_at" value="([^"]+)"', page.content.decode()).group(1)


def test_two_admins_allocating_the_same_prisoner_at_once_one_wins_the_other_is_told(estate):
    clients = [signed_in(admin) for admin in estate["admins"]]
    # both open the page, see Cal needing a key worker, and choose different ones
    shown = [shown_at(client.get(ALLOCATE)) for client in clients]

    def allocate(client, staff_id, at):
        data = {"form": "allocate", "allocate-prisoner": "C2222CC", "allocate-key_worker": staff_id}
        return client.post(ALLOCATE, {**data, "allocate-reason": "new arrival", "shown_at": at})

    responses = at_once(
        lambda: allocate(clients[0], "LEI004", shown[0]), lambda: allocate(clients[1], "LEI005", shown[1])
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    winner = 0 if responses[0].status_code == 302 else 1
    loser = responses[1 - winner]
    winning_key_worker = ["LEI004", "LEI005"][winner]
    assert active_allocations("C2222CC") == [winning_key_worker]
    text = loser.content.decode()
    assert "There is a problem" in text
    name = {"LEI004": "Tom Free", "LEI005": "Ann Open"}[winning_key_worker]
    by = estate["admins"][winner].username
    assert re.search(
        rf"C2222CC was given {name} \({winning_key_worker}\) as key worker at \d\d:\d\d by {by}, after this "
        r"page was shown: nothing was saved\.",
        text,
    ), text
    assert KeyWorkerAllocation.objects.count() == 1  # the loser saved nothing, not even a replacement


def test_the_refused_admin_can_allocate_again_from_the_page_they_are_shown(estate):
    first, second = (signed_in(admin) for admin in estate["admins"])
    stale = shown_at(second.get(ALLOCATE))
    data = {"form": "allocate", "allocate-prisoner": "C2222CC", "allocate-key_worker": "LEI004"}
    assert first.post(ALLOCATE, {**data, "shown_at": shown_at(first.get(ALLOCATE))}).status_code == 302
    refused = second.post(ALLOCATE, {**data, "allocate-key_worker": "LEI005", "shown_at": stale})
    assert refused.status_code == 200 and active_allocations("C2222CC") == ["LEI004"]
    # the page they are shown now has the allocation in view: deciding again is a reallocation
    again = second.post(ALLOCATE, {**data, "allocate-key_worker": "LEI005", "shown_at": shown_at(refused)})
    assert again.status_code == 302 and active_allocations("C2222CC") == ["LEI005"]


def test_two_allocations_of_the_same_prisoner_at_once_through_the_service_leave_one_active(estate):
    """Without the page's time (the command line, an older page): the prisoner lock makes the
    second a reallocation of the first, never a second active allocation."""

    def allocate(admin, key_worker):
        return services.allocate_key_worker(
            allocated_by=admin, prisoner=estate["cal"], prison=estate["lei"], key_worker=key_worker,
            start_date=TODAY,
        )  # fmt: skip

    admins = estate["admins"]
    results = at_once(lambda: allocate(admins[0], estate["tom"]), lambda: allocate(admins[1], estate["ann"]))
    assert not any(isinstance(r, Exception) for r in results), results
    assert len(active_allocations("C2222CC")) == 1


def test_two_admins_confirming_the_same_auto_allocation_at_once_one_confirms_the_other_is_told(estate):
    clients = [signed_in(admin) for admin in estate["admins"]]
    pages = [client.get(ALLOCATE) for client in clients]
    proposals = [page.context["confirm_form"]["proposals"].value() for page in pages]
    assert proposals[0] == proposals[1]

    responses = at_once(
        *(
            functools.partial(client.post, ALLOCATE, {"form": "confirm", "proposals": p}, follow=True)
            for client, p in zip(clients, proposals, strict=True)
        )
    )

    texts = sorted(r.content.decode() for r in responses)
    confirmed = [t for t in texts if "2 key worker allocations confirmed." in t]
    nothing = "Nothing changed: every prisoner in the proposal already has a key worker."
    told = [t for t in texts if nothing in t]
    assert (len(confirmed), len(told)) == (1, 1)
    assert len(active_allocations("C2222CC")) == 1 and len(active_allocations("D3333DD")) == 1
    assert KeyWorkerAllocation.objects.count() == 2


def test_confirming_at_once_through_the_service_saves_each_allocation_once(estate):
    proposals = auto_allocation.propose_allocations(prison=estate["lei"], on=TODAY)
    placed = [p for p in proposals if p.staff_id]
    assert len(placed) == 2

    def confirm(admin):
        return services.confirm_allocations(
            prison=estate["lei"], on=TODAY, confirmed_by=admin, proposals=placed
        )

    results = at_once(*(functools.partial(confirm, admin) for admin in estate["admins"] * 2))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(len(r) for r in results) == [0, 0, 0, 2]
    assert KeyWorkerAllocation.objects.count() == 2

