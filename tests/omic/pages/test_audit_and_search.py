"""The audit trail page, and finding a prisoner."""

import csv
import datetime as dt
import io

import pytest

from omic import audit
from omic.models import AuditEvent
from tests import factories
from tests.omic.pages.conftest import TODAY, get
from tests.pages import ok


@pytest.fixture
def events(users, estate):
    for i in range(60):
        audit.record(
            actor=users["admin"],
            action="staff.update",
            prison_id="LEI",
            object_type="staff_member",
            object_id="LEI001",
            before={"band": 3},
            after={"band": 4},
            reason=f"change {i}",
        )
    audit.record(
        actor=users["governor"],
        action="benchmark.add",
        prison_id="LEI",
        object_type="benchmark",
        object_id=1,
        after={"band3_benchmark_fte": "2.00"},
    )
    audit.record(actor=users["other_admin"], action="staff.update", prison_id="BMI", object_type="staff")


def test_the_trail_pages_and_filters_by_kind_and_person(client, users, events):
    response = get(client, users["admin"], "/prisons/LEI/audit/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 61  # not BMI's
    assert len(response.context["page"].object_list) == 50
    kind = get(client, users["admin"], "/prisons/LEI/audit/", kind="benchmark")
    assert [e.action for e in kind.context["page"]] == ["benchmark.add"]
    person = get(client, users["hq"], "/prisons/LEI/audit/", person=users["governor"].username)
    assert person.context["page"].paginator.count == 1


def test_the_trail_csv_has_every_change_with_before_and_after(client, users, events):
    response = get(client, users["hq"], "/prisons/LEI/audit/", kind="staff_member", format="csv")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 60
    assert rows[0]["before"] == '{"band": 3}' and rows[0]["after"] == '{"band": 4}'
    assert set(rows[0]) == {
        "at",
        "prison_code",
        "by",
        "action",
        "record",
        "record_id",
        "before",
        "after",
        "reason",
    }


def test_a_bad_date_filter_says_how_to_write_it(client, users, events):
    response = get(client, users["admin"], "/prisons/LEI/audit/", date_from="27/3/2025")
    assert response.status_code == 200
    assert "Enter a date as year-month-day" in response.content.decode()
    tomorrow = get(
        client, users["admin"], "/prisons/LEI/audit/", date_from=(TODAY + dt.timedelta(days=1)).isoformat()
    )
    assert tomorrow.context["page"].paginator.count == 0


def test_the_trail_costs_the_same_queries_for_one_page_or_many(client, users, estate, queries_do_not_grow):
    def grow():
        AuditEvent.objects.bulk_create(
            [AuditEvent(actor_name="x", action="staff.update", prison_id="LEI", object_type="staff_member")]
            * 500
        )

    client.force_login(users["admin"])
    audit.record(actor=users["admin"], action="staff.update", prison_id="LEI", object_type="staff_member")
    queries_do_not_grow(lambda: ok(client.get("/prisons/LEI/audit/")), grow)


# ---------------------------------------------------------------------------------------------
# Find a prisoner


@pytest.fixture
def prisoners(estate):
    spell = factories.CustodySpellFactory
    smith, _, _ = (
        spell(
            prisoner__prison_number=number,
            prisoner__first_name=first_name,
            prisoner__last_name="Smith",
            prison=estate[prison],
            wing=estate[wing],
        )
        for number, first_name, prison, wing in [
            ("A1234BC", "John", "lei", "wing_a"),
            ("B2345CD", "Mary", "lei", "wing_b"),
            ("C3456DE", "Tom", "bmi", "wing_c"),
        ]
    )
    # Moved from LEI to BMI: BMI holds him now.
    moved = factories.PrisonerFactory(prison_number="D4567EF", first_name="Dan", last_name="Smithson")
    spell(
        prisoner=moved,
        prison=estate["lei"],
        reception_date=dt.date(2024, 1, 1),
        release_date=dt.date(2024, 6, 1),
    )
    spell(prisoner=moved, prison=estate["bmi"], reception_date=dt.date(2024, 6, 1))
    return smith.prisoner  # fmt: skip


def test_a_prison_number_goes_straight_to_the_profile_in_any_case(client, users, prisoners):
    response = get(client, users["governor"], "/search/", q="a1234bc")
    assert response.status_code == 302 and response["Location"] == "/prisoners/A1234BC/"


def test_a_surname_lists_only_the_prisoners_the_user_may_see(client, users, prisoners):
    governor = get(client, users["governor"], "/search/", q="SMITH")
    assert [p.prison_number for p in governor.context["results"]] == ["A1234BC", "B2345CD"]
    wing_manager = get(client, users["wing_manager"], "/search/", q="smith")  # wing A only: one match
    assert wing_manager.status_code == 302 and wing_manager["Location"] == "/prisoners/A1234BC/"
    hq = get(client, users["hq"], "/search/", q="Smith")
    assert [p.prison_number for p in hq.context["results"]] == ["A1234BC", "B2345CD", "C3456DE"]


def test_first_and_last_name_narrow_the_search(client, users, prisoners):
    response = get(client, users["hq"], "/search/", q="mary smith")
    assert response.status_code == 302 and response["Location"] == "/prisoners/B2345CD/"


def test_a_prisoner_transferred_out_is_found_only_by_the_prison_that_holds_them(client, users, prisoners):
    assert get(client, users["governor"], "/search/", q="D4567EF").context["results"] == []
    assert get(client, users["other_admin"], "/search/", q="Smithson")["Location"] == "/prisoners/D4567EF/"


def test_no_match_and_an_empty_search_say_what_to_do(client, users, prisoners):
    none = get(client, users["governor"], "/search/", q="Nobody")
    assert none.status_code == 200 and "No prisoner you can see matches" in none.content.decode()
    empty = get(client, users["governor"], "/search/", q="")
    assert "Enter a prison number" in empty.content.decode()
    long = get(client, users["governor"], "/search/", q="x" * 101)
    assert long.status_code == 400 and "at most 100 characters" in long.content.decode()


def test_search_costs_the_same_queries_whatever_the_matches(
    client, users, estate, django_assert_max_num_queries
):
    client.force_login(users["hq"])
    factories.CustodySpellFactory(prisoner__last_name="Jones", prison=estate["lei"])
    factories.CustodySpellFactory(prisoner__last_name="Jones", prison=estate["lei"])
    with django_assert_max_num_queries(20) as two:
        assert client.get("/search/", {"q": "jones"}).status_code == 200
    for _ in range(40):
        factories.CustodySpellFactory(prisoner__last_name="Jones", prison=estate["bmi"])
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert client.get("/search/", {"q": "jones"}).status_code == 200


def test_the_header_of_every_page_has_the_search_box(client, users, estate):
    page = get(client, users["wing_manager"], "/").content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page
