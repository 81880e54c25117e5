"""The wing page's key work summary, behind list and roster, and the behind list's CSV."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.shortcuts import resolve_url

from keywork.views.wings import BEHIND_CSV_COLUMNS
from omic import dates
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
LONG_AGO = TODAY - dt.timedelta(days=400)


@pytest.fixture
def estate(db):
    """LEI wing A with key work on: Alan (allocated, no sessions: behind), Bob (no key worker,
    no sessions: behind) and Carl (allocated, 240 minutes this week: not behind). BMI wing C
    has no benchmark, so key work is suspended there."""
    places = factories.leeds_and_birmingham(leeds_wings="A", birmingham_wings="C")
    lei, wing_a = places["lei"], places["wing_a"]
    factories.BenchmarkFactory(prison=lei, effective_from=LONG_AGO, band3_benchmark_fte=Decimal("1.00"))
    kw = factories.StaffMemberFactory(staff_id="LEI001", prison=lei, first_name="Kim", last_name="Worker")
    alan, _, carl = (
        factories.in_custody(lei, number, wing_a, received=LONG_AGO, first_name=first, last_name=last)
        for number, first, last in (
            ("A1111AA", "Alan", "Ash"),
            ("A2222AA", "Bob", "Birch"),
            ("A3333AA", "Carl", "Cedar"),
        )
    )
    for prisoner in (alan, carl):
        factories.KeyWorkerAllocationFactory(
            prisoner=prisoner, prison=lei, key_worker=kw, start_date=LONG_AGO
        )
    factories.SessionFactory(prisoner=carl, prison=lei, key_worker=kw, date=TODAY, duration_minutes=240)
    factories.in_custody(places["bmi"], "C4444CC", places["wing_c"], received=LONG_AGO)
    return {**places, "kw": kw}


def summary_of(text: str) -> dict[str, str]:
    start = text.index('id="keywork-wing-summary-heading"')
    block = text[start : text.index("</dl>", start)]
    pairs = re.findall(r'__key">([^<]+)</dt><dd class="govuk-summary-list__value">(.*?)</dd>', block)
    return {key: re.sub(r"<[^>]+>", " ", value).split()[0] if value else "" for key, value in pairs}


def test_the_summary_comes_first_then_the_behind_list_then_the_roster(client, users, estate):
    client.force_login(users["wing_manager"])
    text = ok(client.get("/prisons/LEI/wings/A/")).content.decode()
    assert summary_of(text) == {
        "In custody today": "3",
        "With a key worker": "2",
        "Behind on key work": "2",
        "Key work this week": "On",
    }
    assert "(1 without one)" in text
    summary = text.index('id="keywork-wing-summary-heading"')
    behind = text.index('id="keywork-behind-heading"')
    roster = text.index("Everyone on the wing today (3 prisoners)")
    assert summary < behind < roster
    behind_list = text[behind:roster]
    assert "A1111AA" in behind_list and "A2222AA" in behind_list and "A3333AA" not in behind_list
    assert 'href="/prisons/LEI/wings/A/behind.csv"' in behind_list


def test_a_suspended_week_says_why_in_words(client, users, estate):
    client.force_login(users["hq"])
    text = ok(client.get("/prisons/BMI/wings/C/")).content.decode()
    summary = summary_of(text)
    assert summary["Key work this week"] == "Suspended"
    block = text[text.index('id="keywork-wing-summary-heading"') : text.index('id="keywork-behind-heading"')]
    assert "benchmark" in block.lower() and "no_benchmark" not in block
    assert "Nobody on this wing is behind on key work." in text


def test_a_long_roster_is_collapsed_a_short_one_open(client, users, estate):
    client.force_login(users["wing_manager"])
    text = ok(client.get("/prisons/LEI/wings/A/")).content.decode()
    assert re.search(r'<details class="govuk-details app-roster" open>', text)
    factories.crowd(estate["lei"], estate["wing_a"], 20, received=LONG_AGO)
    text = ok(client.get("/prisons/LEI/wings/A/")).content.decode()
    assert re.search(r'<details class="govuk-details app-roster">', text)
    assert "Everyone on the wing today (23 prisoners)" in text


def test_behind_csv_lists_the_behind_list_with_the_contracts_decimals(client, users, estate):
    client.force_login(users["wing_manager"])
    response = ok(client.get("/prisons/LEI/wings/A/behind.csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(BEHIND_CSV_COLUMNS)
    assert {row["prison_number"] for row in rows} == {"A1111AA", "A2222AA"}
    alan = next(row for row in rows if row["prison_number"] == "A1111AA")
    assert alan["key_worker_staff_id"] == "LEI001" and alan["key_worker_name"] == "Kim Worker"
    assert alan["delivered_minutes"] == "0.00"
    assert re.fullmatch(r"\d+\.\d\d", alan["deficit_minutes"]) and Decimal(alan["deficit_minutes"]) > 0
    assert alan["deficit_minutes"] == alan["entitled_minutes"]
    bob = next(row for row in rows if row["prison_number"] == "A2222AA")
    assert bob["key_worker_staff_id"] == "" and bob["last_session_date"] == ""


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("wing_manager", "/prisons/LEI/wings/A/behind.csv", 200),
        ("governor", "/prisons/LEI/wings/A/behind.csv", 200),
        ("hq", "/prisons/BMI/wings/C/behind.csv", 200),
        ("other_admin", "/prisons/LEI/wings/A/behind.csv", 404),
        ("wing_manager", "/prisons/BMI/wings/C/behind.csv", 404),
        ("wing_manager", "/prisons/LEI/wings/Z/behind.csv", 404),
    ],
)
def test_behind_csv_is_scoped_like_the_wing_page(client, users, estate, who, url, status):
    client.force_login(users[who])
    ok(client.get(url), status)


def test_behind_csv_needs_sign_in(client, estate, settings):
    response = ok(client.get("/prisons/LEI/wings/A/behind.csv"), 302)
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("download", [False, True])
def test_the_wing_page_and_its_csv_cost_no_more_queries_for_1_503_prisoners(
    client, users, estate, download, queries_do_not_grow
):
    client.force_login(users["wing_manager"])
    url = "/prisons/LEI/wings/A/behind.csv" if download else "/prisons/LEI/wings/A/"
    response = queries_do_not_grow(
        lambda: ok(client.get(url)),
        lambda: factories.crowd(estate["lei"], estate["wing_a"], 1500, received=LONG_AGO),
    )
    if download:
        assert response.content.decode().count("\n") == 1 + 1502  # header, and all but Carl behind
    else:
        summary = summary_of(response.content.decode())
        assert (summary["In custody today"], summary["Behind on key work"]) == ("1,503", "1,502")
