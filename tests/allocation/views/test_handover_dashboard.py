"""The handover dashboard (`/prisons/<CODE>/handover/`): four lists read from the nightly store,
each equal to what the pure calculation flags, sortable, paged, downloadable; scoped per the
role table; a fixed number of queries whatever the number of prisoners."""

import csv
import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta

from allocation import handover, services
from allocation.handover import CurrentSpell, SentenceFacts
from allocation.models import PomAllocation, Sentence
from allocation.selectors import handover_dashboard as selectors
from omic import dates
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
D = dt.timedelta
PAGE = "/prisons/LEI/handover/"
DOB = dt.date(1980, 1, 1)


def sentenced(prison, number, received=dt.date(2023, 1, 1), **fields):
    prisoner = factories.in_custody(
        prison, number, received=received, date_of_birth=DOB, last_name=f"L{number}"
    )
    values = {"sentence_type": "determinate", "sentence_start_date": dt.date(2022, 1, 1), **fields}
    Sentence.objects.create(prisoner=prisoner, **values)
    return prisoner


@pytest.fixture
def estate(db):
    """LEI: determinate prisoners whose handover dates run daily from 35 days ago to 80 days ahead
    (every boundary of both windows), every other one with a COM; some with a primary POM; one
    unsentenced, one under 18. BMI: one prisoner due a handover."""
    places = factories.leeds_and_birmingham()
    lei, bmi = places["lei"], places["bmi"]
    pom = factories.StaffMemberFactory(prison=lei, band=4, role="pom", first_name="Pat", last_name="Pom")
    erd0 = TODAY + relativedelta(months=8) + D(14)
    for n in range(-35, 81):
        number = f"A{n + 100:04d}AA"
        com = {"com_name": "Cal Com"} if n % 2 else {}
        prisoner = sentenced(lei, number, automatic_release_date=erd0 + D(n), tier="ABCD"[n % 4], **com)
        if n % 3 == 0:
            PomAllocation.objects.create(
                prisoner=prisoner,
                prison=lei,
                staff_member=pom,
                role="primary",
                start_date=dt.date(2024, 1, 1),
            )
    factories.in_custody(lei, "U0001AA", date_of_birth=DOB)  # unsentenced: out of scope
    sentenced(lei, "Y0001AA", automatic_release_date=erd0)
    Sentence.objects.filter(prisoner_id="Y0001AA").update()
    factories.PrisonerFactory._meta.model.objects.filter(pk="Y0001AA").update(
        date_of_birth=TODAY - D(365 * 17)
    )
    sentenced(bmi, "B0001BB", automatic_release_date=erd0 + D(10))
    services.recalculate_handovers(today=TODAY)
    return places


def expected(name):
    """The prisoners at LEI whose pure calculation puts them on the list `name` today."""
    rows = Sentence.objects.select_related("prisoner").filter(prisoner__spells__prison_id="LEI")
    with_pom = set(PomAllocation.objects.filter(end_date__isnull=True).values_list("prisoner_id", flat=True))
    chosen = set()
    for s in rows:
        f = handover.calculate(
            sentence=SentenceFacts.of(s),
            date_of_birth=s.prisoner.date_of_birth,
            spell=CurrentSpell("male_closed", dt.date(2023, 1, 1)),
            today=TODAY,
        )
        flag = {
            selectors.UPCOMING: f.upcoming_handover,
            selectors.COM_OVERDUE: f.com_allocation_overdue,
            selectors.NO_POM: f.in_scope and s.prisoner_id not in with_pom,
        }[name]
        if flag:
            chosen.add(s.prisoner_id)
    return chosen


def downloaded(client, name):
    response = ok(client.get(PAGE, {"list": name, "format": "csv"}))
    assert response["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", selectors.HANDOVER_LISTS)
def test_each_list_holds_exactly_the_prisoners_the_calculation_flags(estate, users, client, name):
    client.force_login(users["governor"])
    rows = downloaded(client, name)
    want = expected(name)
    assert want and {r["prison_number"] for r in rows} == want
    assert selectors.list_counts(prison=estate["lei"], today=TODAY)[name] == len(want)


def test_upcoming_is_the_56_days_after_today_not_the_handover_day(estate, users, client):
    client.force_login(users["governor"])
    days = sorted(dt.date.fromisoformat(r["handover_date"]) for r in downloaded(client, "upcoming"))
    assert days[0] == TODAY + D(1) and days[-1] == TODAY + D(56)
    overdue = sorted(dt.date.fromisoformat(r["handover_date"]) for r in downloaded(client, "com_overdue"))
    assert overdue[-1] <= TODAY - D(2) and all(r["com_name"] == "" for r in downloaded(client, "com_overdue"))


def test_the_page_shows_every_count_and_the_chosen_list_sorted_on_the_server(estate, users, client):
    client.force_login(users["governor"])
    page = ok(client.get(PAGE, {"list": "no_pom", "sort": "name", "dir": "desc"})).content.decode()
    assert "In scope without a POM" in page and "U0001AA" not in page and "Y0001AA" not in page
    counts = selectors.list_counts(prison=estate["lei"], today=TODAY)
    for name in selectors.HANDOVER_LISTS:
        assert (
            f'<span class="govuk-heading-l govuk-!-margin-bottom-1 app-count">{counts[name]}</span>' in page
        )
    shown = sorted(expected("no_pom"), reverse=True)
    positions = [page.index(n) for n in shown[:5]]
    assert positions == sorted(positions)  # names are L<number>: descending by name is by number
    assert "B0001BB" not in page


def test_a_list_longer_than_a_page_is_paged(estate, users, client):
    client.force_login(users["governor"])
    first = ok(client.get(PAGE, {"list": "no_pom"})).content.decode()
    second = ok(client.get(PAGE, {"list": "no_pom", "page": 2})).content.decode()
    assert "Showing 1 to 50 of" in first and "Showing 51 to" in second


def test_the_page_costs_a_fixed_number_of_queries(estate, users, client, django_assert_max_num_queries):
    client.force_login(users["hq"])
    ok(client.get(PAGE))
    for name in selectors.LISTS:
        with django_assert_max_num_queries(9):
            ok(client.get(PAGE, {"list": name}))


@pytest.mark.parametrize(
    ("role", "status"),
    [("governor", 200), ("admin", 200), ("hq", 200), ("wing_manager", 403), ("other_admin", 404)],
)
def test_who_may_open_it(estate, users, client, role, status):
    client.force_login(users[role])
    ok(client.get(PAGE), status)
    ok(client.get(PAGE, {"list": "bcst", "format": "csv"}), status)


def test_signed_out_is_sent_to_sign_in(estate, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
