"""The national view (formats.md "National view export"): the weekly report's figures by prison."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from keywork import compliance, reports
from keywork.models import PrisonWeek
from keywork.selectors.national import COLUMNS
from omic import dates
from tests import factories
from tests.pages import ok

TODAY = dates.today()
LAST_WEEK = dates.week_start(TODAY) - dates.WEEK


@pytest.fixture
def estate(db):
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds")
    bmi = factories.PrisonFactory(code="BMI", name="HMP Birmingham", estate="male_open", country="england")
    cfi = factories.PrisonFactory(code="CFI", name="HMP Cardiff", country="wales")
    wing_a = factories.WingFactory(prison=lei, code="A")
    for prison, fte in ((lei, "2.00"), (bmi, "1.00"), (cfi, "5.00")):
        factories.BenchmarkFactory(
            prison=prison, effective_from=dt.date(2020, 1, 6), band3_benchmark_fte=Decimal(fte)
        )
    for prison in (lei, lei, bmi, cfi):
        factories.StaffMemberFactory(prison=prison)
    for prison in (lei, lei, lei, bmi, cfi):
        spell = factories.CustodySpellFactory(prison=prison, reception_date=dt.date(2024, 1, 1))
        factories.SessionFactory(
            prisoner=spell.prisoner, prison=prison, date=LAST_WEEK + dt.timedelta(days=1), duration_minutes=30
        )
    compliance.recompute(week_from=LAST_WEEK - 3 * dates.WEEK, week_to=LAST_WEEK)
    return {"lei": lei, "bmi": bmi, "wing_a": wing_a}


SAME_AS_REPORT = (
    "week_start", "key_work_enabled", "suspension_reasons", "prisoners", "entitled_minutes",
    "delivered_minutes", "compliance_pct", "band3_in_post_fte", "band3_benchmark_fte",
)  # fmt: skip


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_equals_the_weekly_report_for_every_prison_and_week(client, users, estate):
    client.force_login(users["hq"])
    for week in (LAST_WEEK - i * dates.WEEK for i in range(4)):
        response = ok(
            client.get("/hq/", {"week": (week + dt.timedelta(days=3)).isoformat(), "format": "csv"})
        )
        assert response["Cache-Control"] == "no-store"
        rows = csv_rows(response)
        assert list(rows[0]) == list(COLUMNS)
        out = io.StringIO()
        call_command("compliance_report", "--from", week.isoformat(), "--to", week.isoformat(), stdout=out)
        report = {r["prison_code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
        assert [r["prison_code"] for r in rows] == sorted(report) == ["BMI", "CFI", "LEI"]
        for row in rows:
            weekly = report[row["prison_code"]]
            for same in SAME_AS_REPORT:
                assert row[same] == weekly[same], (row["prison_code"], same)
            seen = Decimal(weekly["prisoners_seen"]) * 100 / int(weekly["prisoners"])
            assert row["prisoners_seen_pct"] == str(seen.quantize(Decimal("0.1")))
            gap = Decimal(weekly["band3_in_post_fte"]) - Decimal(weekly["band3_benchmark_fte"])
            assert row["tsf_gap_fte"] == f"{gap:.2f}"


def test_default_week_is_the_last_complete_week_and_filters_narrow(client, users, estate):
    client.force_login(users["hq"])
    response = ok(client.get("/hq/"))
    assert response.context["week"] == LAST_WEEK
    closed = ok(client.get("/hq/", {"estate": "male_closed", "country": "england"}))
    assert [r["prison_code"] for r in closed.context["rows"]] == ["LEI"]
    suspended = ok(client.get("/hq/", {"status": "suspended"}))
    assert "BMI" in [
        r["prison_code"] for r in suspended.context["rows"]
    ]  # male open: key work does not apply


def test_sorting_is_on_the_server_and_totals_come_from_the_sums(client, users, estate):
    client.force_login(users["hq"])
    response = ok(client.get("/hq/", {"sort": "prisoners", "dir": "desc"}))
    assert [r["prison_code"] for r in response.context["rows"]][0] == "LEI"
    totals = response.context["totals"]
    weeks = PrisonWeek.objects.filter(week_start=LAST_WEEK)
    assert totals["prisoners"] == sum(w.prisoners for w in weeks)
    entitled = sum(w.entitled_sevenths for w in weeks)
    delivered = sum(w.delivered_minutes for w in weeks)
    assert totals["compliance_pct"] == reports.compliance_pct(delivered, entitled)


def test_a_future_week_is_refused_in_words(client, users, estate):
    client.force_login(users["hq"])
    response = client.get("/hq/", {"week": (TODAY + dt.timedelta(days=14)).isoformat()})
    assert response.status_code == 400 and "That week has not started yet" in response.content.decode()
    assert client.get("/hq/", {"week": "2025-02-30"}).status_code == 400


@pytest.mark.parametrize(("role", "codes"), [("governor", ["LEI"]), ("hq", ["BMI", "CFI", "LEI"])])
def test_each_role_sees_its_own_prisons(client, users, estate, role, codes):
    client.force_login(users[role])
    assert [r["prison_code"] for r in ok(client.get("/hq/")).context["rows"]] == codes


def test_wing_managers_see_no_national_view(client, users, estate):
    client.force_login(users["wing_manager"])
    assert client.get("/hq/").status_code == 403


def test_the_national_view_costs_the_same_queries_for_3_or_30_prisons(
    client, users, estate, django_assert_max_num_queries
):
    client.force_login(users["hq"])
    with django_assert_max_num_queries(30) as few:
        ok(client.get("/hq/"))
    for n in range(27):
        factories.PrisonWeekFactory(
            prison=factories.PrisonFactory(code=f"Q{chr(65 + n // 26)}{chr(65 + n % 26)}"),
            week_start=LAST_WEEK,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ok(client.get("/hq/")).context["rows"]) == 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        ok(client.get("/hq/", {"format": "csv"}))
