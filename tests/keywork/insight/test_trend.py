"""The governor's dashboard: the 12-week chart, this week's status, why compliance moved."""

import pytest

from keywork.insight.trend import trend
from omic import dates
from tests import factories
from tests.pages import ok

MONDAY = dates.week_start(dates.today())


def week(prison, weeks_ago, delivered, days=70, on=True, reasons=(), **extra):
    return factories.PrisonWeekFactory(
        prison=prison, week_start=MONDAY - weeks_ago * dates.WEEK, key_work_enabled=on,
        suspension_reasons=list(reasons), delivered_minutes=delivered, entitled_sevenths=45 * days,
        prisoners=days // 7, **extra,
    )  # fmt: skip


@pytest.fixture
def estate(db):
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    bmi = factories.PrisonFactory(code="BMI")
    wing_a = factories.WingFactory(prison=lei, code="A")
    return {"lei": lei, "bmi": bmi, "wing_a": wing_a}


def test_the_chart_plots_weeks_on_and_shades_suspended_ones(estate):
    rows = [
        week(estate["lei"], 3, 450), week(estate["lei"], 2, 225),
        week(estate["lei"], 1, 0, on=False, reasons=["below_benchmark"]), week(estate["lei"], 0, 900),
    ]  # fmt: skip
    t = trend(rows)
    assert [w.compliance_pct for w in t.weeks] == [100, 50, None, 200]
    assert len(t.points.split()) == 3  # the suspended week has no point
    assert t.y_max == 210  # the axis grows past 120 % for a week at 200 %
    assert t.weeks[0].y > t.weeks[3].y  # higher compliance is drawn higher
    assert "ranged from 50.0%" in t.summary and "suspended in 1 of the weeks" in t.summary


def test_the_dashboard_says_why_compliance_moved_last_week(client, users, estate):
    week(estate["lei"], 2, 450, not_held_staff_redeployed=0)
    week(estate["lei"], 1, 360, not_held_staff_redeployed=4)
    week(estate["lei"], 0, 45, on=False, reasons=["untrained_band3"])
    client.force_login(users["governor"])
    page = ok(client.get("/prisons/LEI/")).content.decode()
    assert "Compliance over 12 weeks" in page and "<svg" in page
    assert "changed by <strong>−20.0 points</strong>" in page
    assert "−20.0 from minutes delivered, and 0.0 from the custody days to cover" in page
    assert "+4 sessions not held because staff were redeployed" in page
    assert "Key work suspended</strong> this week" in page
    assert "Not every Band 3 officer in post has completed key worker training" in page


def test_a_suspended_week_is_explained_by_its_status_change(client, users, estate):
    week(estate["lei"], 2, 450)
    week(estate["lei"], 1, 0, on=False, reasons=["below_benchmark"])
    client.force_login(users["governor"])
    page = ok(client.get("/prisons/LEI/")).content.decode()
    assert "Key work was suspended this week: Band 3 officers in post are below the benchmark" in page


def test_the_dashboard_costs_the_same_queries_for_3_or_12_weeks(client, users, estate, queries_do_not_grow):
    def grow():
        for i in range(3, 12):
            week(estate["lei"], i, 100)

    for i in range(3):
        week(estate["lei"], i, 100)
    client.force_login(users["governor"])
    queries_do_not_grow(lambda: ok(client.get("/prisons/LEI/")), grow, at_most=40)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"estate": "female"}, "is not in the male closed estate"),
        ({"key_work_start_date": None}, "has not started"),
    ],
)
def test_a_prison_where_key_work_does_not_apply_says_so_once(client, users, estate, changes, words):
    for i in range(3):
        week(estate["lei"], i, 0, on=False, reasons=["not_male_closed_estate"])
    for field, value in changes.items():
        setattr(estate["lei"], field, value)
    estate["lei"].save()
    client.force_login(users["governor"])
    page = ok(client.get("/prisons/LEI/")).content.decode()
    assert "Key work does not apply here" in page and words in page
    assert "Compliance over 12 weeks" not in page and page.count("Suspended") == 0


def test_the_csv_range_picker_downloads_the_chosen_weeks(client, users, estate):
    week(estate["lei"], 3, 100)
    week(estate["lei"], 2, 200)
    client.force_login(users["governor"])
    first, last = MONDAY - 3 * dates.WEEK, MONDAY - 2 * dates.WEEK
    response = ok(
        client.get("/prisons/LEI/compliance.csv", {"from": first.isoformat(), "to": last.isoformat()})
    )
    lines = response.content.decode().splitlines()
    assert len(lines) == 3 and lines[1].startswith(f"LEI,{first.isoformat()}")


def test_home_pages_show_key_work_for_each_role(client, users, estate):
    week(estate["lei"], 1, 315)
    week(estate["lei"], 0, 450, band3_benchmark_fte=2, band3_in_post_fte=1)
    client.force_login(users["governor"])
    governor = ok(client.get("/")).content.decode()
    assert "Compliance at your prisons" in governor and "100.0%" in governor and "70.0%" in governor
    client.force_login(users["hq"])
    hq = ok(client.get("/")).content.decode()
    assert "national compliance <strong>70.0%</strong>" in hq
    client.force_login(users["wing_manager"])
    wing = ok(client.get("/")).content.decode()
    assert "prisoners behind" in wing or "prisoner behind" in wing
    assert "key work is" in wing
