"""Issue 14's acceptance: every daily-work page costs the same number of queries in a small
prison as in one of 1,500 prisoners (with their key workers, allocations, sessions, staff and
audit records), for the role that sees the most of it."""

import datetime as dt
from decimal import Decimal

import pytest

from keywork.models import KeyWorkerAllocation, Session
from omic import dates
from omic.models import AuditEvent, StaffMember
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
LONG_AGO = TODAY - dt.timedelta(days=400)
PRISONERS = 1500


@pytest.fixture
def estate(db):
    places = factories.leeds_and_birmingham(leeds_wings="AB", birmingham_wings="C")
    lei = places["lei"]
    factories.BenchmarkFactory(prison=lei, effective_from=LONG_AGO, band3_benchmark_fte=Decimal("1.00"))
    kw = factories.StaffMemberFactory(staff_id="LEI001", prison=lei, wing=places["wing_a"])
    alan = factories.in_custody(lei, "A1111AA", places["wing_a"], received=LONG_AGO, last_name="Ash")
    factories.in_custody(lei, "A2222AA", places["wing_b"], received=LONG_AGO, last_name="Ash")
    factories.KeyWorkerAllocationFactory(prisoner=alan, prison=lei, key_worker=kw, start_date=LONG_AGO)
    session = factories.SessionFactory(prisoner=alan, prison=lei, key_worker=kw, date=TODAY)
    factories.AuditEventFactory(actor=None, prison=lei)  # a page of one: the list's query runs
    return {**places, "kw": kw, "session": session}


def fill(estate, actor):
    """1,500 prisoners on wing A, 250 key workers with six each, a session each this week and
    the audit records of their allocations."""
    lei, wing = estate["lei"], estate["wing_a"]
    prisoners = factories.crowd(lei, wing, PRISONERS, received=LONG_AGO)
    key_workers = StaffMember.objects.bulk_create(
        factories.StaffMemberFactory.build(staff_id=f"LEI{n + 100:04d}", prison=lei, wing=wing)
        for n in range(PRISONERS // 6)
    )
    allocations = KeyWorkerAllocation.objects.bulk_create(
        KeyWorkerAllocation(
            prisoner=p, prison=lei, key_worker=key_workers[i // 6], start_date=LONG_AGO, source="app"
        )
        for i, p in enumerate(prisoners)
    )
    Session.objects.bulk_create(
        factories.SessionFactory.build(
            prisoner=p, prison=lei, key_worker=key_workers[i // 6], date=TODAY - dt.timedelta(days=i % 3)
        )
        for i, p in enumerate(prisoners)
    )
    AuditEvent.objects.bulk_create(
        factories.AuditEventFactory.build(
            actor=actor, prison=lei, object_type="key_worker_allocation", object_id=str(a.pk)
        )
        for a in allocations
    )


PAGES = [
    ("admin", "/prisons/LEI/"),
    ("admin", "/prisons/LEI/staff/"),
    ("admin", "/prisons/LEI/staff/?band=3&untrained=1"),
    ("admin", "/prisons/LEI/staff/LEI001/"),
    ("admin", "/prisons/LEI/staff/?format=csv"),
    ("admin", "/prisons/LEI/benchmarks/"),
    ("admin", "/prisons/LEI/settings/"),
    ("admin", "/prisons/LEI/users/"),
    ("admin", "/prisons/LEI/audit/"),
    ("admin", "/prisons/LEI/audit/?format=csv"),
    ("admin", "/prisons/LEI/key-workers/"),
    ("admin", "/prisons/LEI/allocate/"),
    ("admin", "/prisoners/A1111AA/"),
    ("admin", "/prisoners/A1111AA/sessions/new/"),
    ("admin", "/prisoners/A1111AA/sessions/not-held/"),
    ("admin", "SESSION"),
    ("admin", "/search/?q=Ash"),
    ("admin", "/search/?q=Z00"),
    ("wing_manager", "/prisons/LEI/wings/A/"),
    ("wing_manager", "/prisons/LEI/wings/A/behind.csv"),
    ("hq", "/hq/"),
    ("hq", "/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_a_page_costs_no_more_queries_at_1500_prisoners(client, users, estate, who, url, queries_do_not_grow):
    if url == "SESSION":
        url = f"/prisoners/A1111AA/sessions/{estate['session'].pk}/"
    client.force_login(users[who])
    ok(client.get(url))  # the national view computes a never-computed week first (a service's write)
    queries_do_not_grow(lambda: ok(client.get(url)), lambda: fill(estate, users["admin"]), at_most=40)
