"""The planning page: staffing demand and the TSF forecast (keywork.md)."""

import datetime as dt
from decimal import Decimal

import pytest

from omic import dates
from tests import factories
from tests.pages import ok

TODAY = dates.today()


@pytest.fixture
def estate(db):
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    bmi = factories.PrisonFactory(code="BMI", name="HMP Birmingham")
    wing_a = factories.WingFactory(prison=lei, code="A")
    factories.BenchmarkFactory(
        prison=lei, effective_from=dt.date(2020, 1, 6), band3_benchmark_fte=Decimal("2.00")
    )
    factories.StaffMemberFactory(staff_id="LEI001", prison=lei, fte=Decimal("1.00"))
    leaving = TODAY + dt.timedelta(days=15)
    factories.StaffMemberFactory(
        staff_id="LEI002",
        prison=lei,
        first_name="Lee",
        last_name="Vane",
        fte=Decimal("1.00"),
        in_post_to=leaving,
    )
    for _ in range(13):
        factories.CustodySpellFactory(prison=lei, wing=wing_a)
    return {"lei": lei, "bmi": bmi, "wing_a": wing_a, "leaving": leaving}


def test_planning_shows_demand_and_the_first_week_at_risk(client, users, estate):
    client.force_login(users["governor"])
    response = ok(client.get("/prisons/LEI/planning/"))
    demand, forecast = response.context["demand"], response.context["forecast"]
    assert demand.prisoners == 13 and demand.hours_needed == Decimal("9.75")
    assert demand.hours_available == Decimal("78.0") and demand.key_workers_needed == 3
    assert demand.tsf_gap == Decimal("0.00")
    assert forecast.first_at_risk.monday == dates.week_start(estate["leaving"]) + dates.WEEK
    page = response.content.decode()
    assert "Key work is at risk from the week of" in page
    assert f"Lee Vane leaves post on {dates.long_date(estate['leaving'])}" in page


@pytest.mark.parametrize(
    ("role", "status"), [("wing_manager", 403), ("governor", 200), ("hq", 200), ("other_admin", 404)]
)
def test_planning_is_for_those_who_see_the_prison(client, users, estate, role, status):
    client.force_login(users[role])
    assert client.get("/prisons/LEI/planning/").status_code == status


def test_planning_costs_the_same_queries_for_a_bigger_prison(client, users, estate, queries_do_not_grow):
    def grow():
        for i in range(20):
            factories.StaffMemberFactory(staff_id=f"LEI1{i:02d}", prison=estate["lei"])
            factories.CustodySpellFactory(prison=estate["lei"])

    client.force_login(users["governor"])
    queries_do_not_grow(lambda: ok(client.get("/prisons/LEI/planning/")), grow)
