"""The POMs page and one POM's caseload: scope per role, the case mix counted right, CSV
columns, the POM model shown, and a fixed number of queries however many POMs and cases."""

import csv
import datetime as dt
import io

import pytest

from allocation import services
from allocation.models import Handover
from tests import factories
from tests.allocation import pom_world
from tests.allocation.pom_world import TODAY, allocate
from tests.pages import ok

pytestmark = pytest.mark.django_db
estate = pom_world.estate
PAGE = "/prisons/LEI/poms/"
CASELOAD = "/prisons/LEI/poms/LEIP01/"


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv") and response["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("path", [PAGE, CASELOAD, PAGE + "?format=csv", CASELOAD + "?format=csv"])
@pytest.mark.parametrize(
    ("role", "status"),
    [("governor", 200), ("admin", 200), ("hq", 200), ("wing_manager", 403), ("other_admin", 404)],
)
def test_who_may_open_the_pom_pages(client, users, path, role, status):
    assert get(client, users[role], path).status_code == status


@pytest.mark.parametrize("path", [PAGE, CASELOAD])
def test_signed_out_is_sent_to_sign_in(client, estate, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "path", ["/prisons/LEI/poms/LEIO01/", "/prisons/LEI/poms/BMIP01/", "/prisons/LEI/poms/NOPE/"]
)
def test_a_caseload_page_is_only_for_a_pom_of_the_prison(client, users, path):
    assert get(client, users["governor"], path).status_code == 404


@pytest.fixture
def cases(estate):
    """Prison POM LEIP01: primary of A1111AA (tier C, POM responsible, allocated 10 days ago),
    of B2222BB (tier A, COM responsible by override, allocated today), and co-working POM of
    a tier-D prisoner whose handover is 30 days away."""
    soon = factories.in_custody(estate["lei"], "E5555EE", estate["wing_a"], last_name="Evans")
    pom_world.sentence(soon, tier="D", conditional_release_date=TODAY + dt.timedelta(days=30 + 259))
    allocate(estate["on_a"], estate["prison_pom"], start=TODAY - dt.timedelta(days=10))
    allocate(estate["tier_a"], estate["prison_pom"])
    allocate(soon, estate["part_time_pom"], start=TODAY - dt.timedelta(days=6))
    allocate(soon, estate["prison_pom"], role="co_working", start=TODAY - dt.timedelta(days=7))
    services.override_responsibility(
        prisoner=estate["tier_a"], responsibility="com", reason="MAPPA 3", by=None
    )
    services.recalculate_handovers(today=TODAY)
    assert (
        Handover.objects.get(prisoner=soon).upcoming_handover if hasattr(Handover, "upcoming_handover") else 1
    )
    return soon


def test_case_mix_by_tier_role_recent_and_upcoming(client, users, estate, cases):
    response = ok(get(client, users["governor"], PAGE))
    rows = {r.staff.staff_id: r for r in response.context["rows"]}
    assert set(rows) == {"LEIP01", "LEIP02", "LEIR01", "LEIP04"}  # no officer, no Band 3, no BMI POM
    pat = rows["LEIP01"]
    assert pat.tiers == {"A": 1, "B": 0, "C": 1, "D": 1}
    assert (pat.responsible, pat.supporting, pat.co_working, pat.total) == (1, 1, 1, 3)
    assert pat.new_last_7_days == 1  # today's; 7 days ago is not in the last 7 days
    assert pat.upcoming_handovers == 0  # the upcoming one is Priya's primary case
    priya = rows["LEIP02"]
    assert (priya.responsible, priya.new_last_7_days, priya.upcoming_handovers) == (1, 1, 1)
    content = response.content.decode()
    assert "Part time – 3 days per week" in content and "Unavailable" in content
    assert "POM model: <strong>operational</strong>, chosen on 1 March 2024" in content


def test_case_mix_csv_columns(client, users, estate, cases):
    rows = csv_rows(ok(get(client, users["hq"], PAGE + "?format=csv")))
    assert list(rows[0]) == [
        "staff_id", "first_name", "last_name", "prison_code", "pom_type", "band", "status", "in_post", "fte",
        "contracted_hours", "working_pattern", "tier_a", "tier_b", "tier_c", "tier_d", "tier_unknown",
        "responsible", "supporting", "co_working", "total_cases", "allocated_last_7_days",
        "upcoming_handovers",
    ]  # fmt: skip
    pat = next(r for r in rows if r["staff_id"] == "LEIP01")
    assert (pat["pom_type"], pat["fte"], pat["contracted_hours"], pat["in_post"]) == (
        "prison_pom", "1.00", "39.0", "true",
    )  # fmt: skip
    assert (pat["tier_a"], pat["responsible"], pat["supporting"], pat["total_cases"]) == ("1", "1", "1", "3")


def test_caseload_page_and_csv(client, users, estate, cases):
    response = ok(get(client, users["admin"], CASELOAD))
    content = response.content.decode()
    assert "Pat Parker's caseload" in content
    assert content.index("Able, Alan") < content.index("Baker, Bea") < content.index("Evans")
    assert "COM responsible" in content and "Co-working POM" in content
    rows = csv_rows(ok(get(client, users["admin"], CASELOAD + "?format=csv")))
    assert list(rows[0]) == [
        "prison_number", "first_name", "last_name", "role", "allocated_on", "tier", "responsibility",
        "handover_date", "com_allocated_date",
    ]  # fmt: skip
    by_number = {r["prison_number"]: r for r in rows}
    assert (by_number["B2222BB"]["responsibility"], by_number["B2222BB"]["tier"]) == ("com", "A")
    assert by_number["E5555EE"]["role"] == "co_working"
    assert by_number["A1111AA"]["allocated_on"] == (TODAY - dt.timedelta(days=10)).isoformat()


def test_the_pages_cost_the_same_for_3_poms_as_for_30(
    client, users, estate, cases, django_assert_max_num_queries
):
    client.force_login(users["governor"])
    counts = {}
    for path in (PAGE, PAGE + "?format=csv", CASELOAD, CASELOAD + "?format=csv"):
        with django_assert_max_num_queries(20) as few:
            ok(client.get(path))
        counts[path] = len(few.captured_queries)
    for n in range(27):
        staff = pom_world.pom(f"LEIX{n:02d}", estate["lei"], role="pom" if n % 2 else "probation_pom")
        prisoner = factories.in_custody(estate["lei"], f"F{n:04d}FF", estate["wing_b"])
        pom_world.sentence(prisoner, tier="ABCD"[n % 4])
        allocate(prisoner, staff)
        allocate(prisoner, estate["prison_pom"], role="co_working")
    services.recalculate_handovers(today=TODAY)
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            ok(client.get(path))
    assert counts[PAGE] <= 12, counts


def test_dashboard_shows_the_pom_model(client, users, estate):
    content = ok(get(client, users["governor"], "/prisons/LEI/")).content.decode()
    assert "POM model: <strong>operational</strong>, chosen on 1 March 2024" in content
    content = ok(get(client, users["hq"], "/prisons/BMI/")).content.decode()
    assert "POM model: not chosen yet." in content


def test_a_pom_who_left_is_listed_only_while_holding_cases_here(client, users, estate):
    left = pom_world.pom("LEIP09", estate["lei"], last_name="Gone", in_post_to=TODAY - dt.timedelta(days=1))
    listed = lambda: {r.staff.staff_id for r in ok(get(client, users["governor"], PAGE)).context["rows"]}  # noqa: E731
    assert "LEIP09" not in listed()
    allocate(estate["on_a"], left, start=TODAY - dt.timedelta(days=40))
    assert "LEIP09" in listed()
    assert "Active, not in post" in ok(get(client, users["governor"], PAGE)).content.decode()
