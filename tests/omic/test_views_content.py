"""The core pages' content: the prison dashboard, the staff page (paging, sorting), the
prisoner profile's spells, CSV downloads, headline figures on the half-open date rules and fixed
query counts. The estate and `get` are tests/omic/test_views.py's."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omic import selectors
from omic.models import StaffMember
from tests import factories
from tests.omic import test_views
from tests.omic.test_views import TODAY, YEAR_AGO, get
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

estate = test_views.estate


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# The pages' content


def test_prison_dashboard_shows_staffing_and_prisoners_by_wing(client, users):
    response = get(client, users["governor"], "/prisons/LEI/")
    assert response.status_code == 200
    wings = {w.code: w.prisoners_in_custody for w in response.context["wings"]}
    assert wings == {"A": 1, "B": 1}
    content = response.content.decode()
    assert "1 Band 3 officer in post has not completed key worker training" in content
    assert "Key work started" in content


def test_staff_page_highlights_untrained_band3_first(client, users):
    response = get(client, users["governor"], "/prisons/LEI/staff/")
    assert response.status_code == 200
    staff = list(response.context["page"].object_list)
    assert [s.staff_id for s in staff] == ["LEI002", "LEI001"]
    assert response.content.decode().count("Not trained") == 1
    assert b"app-table__row--attention" in response.content


def test_staff_who_have_left_are_shown_only_on_request(client, users, estate):
    factories.StaffMemberFactory(
        staff_id="LEI009",
        prison=estate["lei"],
        in_post_from=YEAR_AGO,
        in_post_to=TODAY - dt.timedelta(days=1),
    )
    assert b"LEI009" not in ok(get(client, users["governor"], "/prisons/LEI/staff/")).content
    assert b"LEI009" in ok(get(client, users["governor"], "/prisons/LEI/staff/?show=all")).content


def test_prisoner_profile_lists_only_spells_in_scope(client, users, estate):
    # Transferred from BMI to LEI: the LEI governor sees the LEI spell, not the BMI one.
    moved = factories.PrisonerFactory(prison_number="D4444DD")
    factories.CustodySpellFactory(
        prisoner=moved, prison=estate["bmi"], reception_date=YEAR_AGO, release_date=TODAY
    )
    factories.CustodySpellFactory(
        prisoner=moved, prison=estate["lei"], wing=estate["wing_a"], reception_date=TODAY
    )
    response = ok(get(client, users["governor"], "/prisoners/D4444DD/"))
    assert [s.prison_id for s in response.context["spells"]] == ["LEI"]
    response = ok(get(client, users["hq"], "/prisoners/D4444DD/"))
    assert [s.prison_id for s in response.context["spells"]] == ["LEI", "BMI"]


def test_staff_page_pages_at_one_hundred(client, users, estate):
    StaffMember.objects.bulk_create(
        StaffMember(
            staff_id=f"X{n:04d}",
            prison=estate["lei"],
            band=4,
            role="officer",
            fte=1,
            in_post_from=YEAR_AGO,
            last_name=f"Extra{n:04d}",
        )  # fmt: skip
        for n in range(105)
    )
    first = ok(get(client, users["governor"], "/prisons/LEI/staff/"))
    assert len(first.context["page"].object_list) == 100
    assert b'rel="next"' in first.content
    second = ok(get(client, users["governor"], "/prisons/LEI/staff/?page=2"))
    assert len(second.context["page"].object_list) == 7
    assert len(csv_rows(ok(get(client, users["governor"], "/prisons/LEI/staff/?format=csv")))) == 107


def _many_staff(estate, n=105):
    StaffMember.objects.bulk_create(
        StaffMember(
            staff_id=f"X{i:04d}",
            prison=estate["lei"],
            band=2 + i % 10,
            role="officer",
            fte=1,
            in_post_from=YEAR_AGO - dt.timedelta(days=i),
            last_name=f"Extra{i:04d}",
        )  # fmt: skip
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("sort=band&dir=desc", lambda s: (-s.band, s.staff_id)),
        ("sort=band", lambda s: (s.band, s.staff_id)),
        ("sort=in_post_from&dir=asc", lambda s: (s.in_post_from, s.staff_id)),
        ("sort=name&dir=desc", lambda s: (s.last_name, s.first_name)),  # reversed below
    ],
)
def test_the_staff_table_sorts_every_page_not_just_the_one_shown(client, users, estate, query, key):
    _many_staff(estate)
    first = ok(get(client, users["governor"], f"/prisons/LEI/staff/?{query}"))
    second = ok(get(client, users["governor"], f"/prisons/LEI/staff/?{query}&page=2"))
    shown = [*first.context["page"].object_list, *second.context["page"].object_list]
    descending_name = query.startswith("sort=name")
    expected = sorted(StaffMember.objects.filter(prison_id="LEI"), key=key, reverse=descending_name)
    assert [s.staff_id for s in shown] == [s.staff_id for s in expected]
    assert len(shown) == 107


def test_staff_headers_link_to_sorts_keeping_filters_and_restarting_at_page_one(client, users, estate):
    _many_staff(estate)
    html = ok(
        get(client, users["governor"], "/prisons/LEI/staff/?show=all&sort=band&page=2")
    ).content.decode()
    link = 'aria-sort="{}"><a class="govuk-link app-sort-link" href="?show=all&amp;sort={}&amp;dir={}">{}</a>'
    assert link.format("ascending", "band", "desc", "Band") in html  # sorted by it: the other way
    assert link.format("none", "name", "asc", "Name") in html
    staff_table = re.search(r"<table[^>]*>\s*<caption[^>]*>Staff at HMP Leeds", html).group(0)
    assert "moj-sortable-table" not in staff_table  # the browser does not re-sort one page
    assert "flagged in the table below" in html


def test_an_unknown_sort_keeps_the_default_order(client, users):
    response = ok(get(client, users["governor"], "/prisons/LEI/staff/?sort=password&dir=desc"))
    assert [s.staff_id for s in response.context["page"].object_list] == ["LEI002", "LEI001"]
    assert "shown first in the table below" in response.content.decode()


# CSV downloads


def test_staff_csv_download(client, users):
    response = get(client, users["governor"], "/prisons/LEI/staff/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="LEI-staff-{TODAY.isoformat()}.csv"'
    rows = csv_rows(response)
    assert [r["staff_id"] for r in rows] == ["LEI002", "LEI001"]
    brown = rows[0]
    assert brown["fte"] == "0.50"
    assert brown["in_post_from"] == "2018-01-01"
    assert brown["key_worker_trained_on"] == ""
    assert brown["untrained_band3"] == "true"
    assert rows[1]["untrained_band3"] == "false"
    assert brown["contracted_hours"] == "39.0"


def test_csv_downloads_write_names_that_look_like_formulas_as_text(client, users, estate):
    from omic.models import Prisoner

    StaffMember.objects.filter(staff_id="LEI002").update(first_name="=HYPERLINK(1)", last_name="@SUM")
    Prisoner.objects.filter(prison_number="A1111AA").update(first_name="+Al", last_name="-Able")
    staff = ok(get(client, users["governor"], "/prisons/LEI/staff/?format=csv"))
    assert staff["Cache-Control"] == "no-store"
    brown = next(r for r in csv_rows(staff) if r["staff_id"] == "LEI002")
    assert (brown["first_name"], brown["last_name"]) == ("'=HYPERLINK(1)", "'@SUM")
    [alan] = csv_rows(ok(get(client, users["wing_manager"], "/prisons/LEI/wings/A/?format=csv")))
    assert (alan["first_name"], alan["last_name"]) == ("'+Al", "'-Able")


def test_wing_manager_may_not_download_prison_staff(client, users):
    assert get(client, users["wing_manager"], "/prisons/LEI/staff/?format=csv").status_code == 403


def test_wing_csv_download(client, users):
    response = ok(get(client, users["wing_manager"], "/prisons/LEI/wings/A/?format=csv"))
    assert response["Content-Disposition"] == f'attachment; filename="LEI-wing-A-{TODAY.isoformat()}.csv"'
    assert csv_rows(response) == [
        {
            "prison_number": "A1111AA",
            "first_name": "Alan",
            "last_name": "Able",
            "prison_code": "LEI",
            "wing_code": "A",
            "reception_date": "2024-01-01",
        }  # fmt: skip
    ]


# Headline figures follow the half-open date rules


def test_headline_counts_only_what_holds_on_the_day(users, estate):
    day = dt.date(2025, 3, 3)
    lei = factories.PrisonFactory(code="HLN")
    staff = factories.StaffMemberFactory
    staff(prison=lei, fte=Decimal("1.00"), in_post_from=day)  # starts today: in post
    staff(
        prison=lei, fte=Decimal("0.60"), in_post_from=day - dt.timedelta(days=9), in_post_to=day
    )  # left today
    staff(prison=lei, fte=Decimal("0.40"), in_post_from=day + dt.timedelta(days=1))  # not yet
    staff(prison=lei, band=4, fte=Decimal("1.00"))  # not Band 3
    staff(
        prison=lei, fte=Decimal("0.50"), key_worker_trained_on=day + dt.timedelta(days=1)
    )  # untrained today
    factories.BenchmarkFactory(prison=lei, effective_from=day - dt.timedelta(days=100), band3_benchmark_fte=5)
    factories.BenchmarkFactory(prison=lei, effective_from=day, band3_benchmark_fte=Decimal("1.25"))
    factories.BenchmarkFactory(prison=lei, effective_from=day + dt.timedelta(days=1), band3_benchmark_fte=9)
    spell = factories.CustodySpellFactory
    spell(prison=lei, reception_date=day)  # received today: in custody
    spell(prison=lei, reception_date=day - dt.timedelta(days=5), release_date=day)  # released today: not
    spell(prison=lei, reception_date=day + dt.timedelta(days=1))  # not yet
    spell(prison=lei, reception_date=day - dt.timedelta(days=5), release_date=day + dt.timedelta(days=1))
    [headline] = selectors.prison_headlines(user=users["hq"], day=day).filter(code="HLN")
    assert headline.prisoners_in_custody == 2
    assert headline.band3_in_post == 2
    assert headline.band3_fte == Decimal("1.50")
    assert headline.band3_untrained == 1
    assert headline.benchmark_fte == Decimal("1.25")
    assert headline.tsf_gap == Decimal("0.25")


# Fixed query counts: a page costs the same for 3 rows as for 30


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_staff_page_query_count_does_not_grow_with_staff(
    client, users, estate, django_assert_max_num_queries
):
    client.force_login(users["governor"])
    few = _count_queries(client, "/prisons/LEI/staff/")
    for n in range(30):
        factories.StaffMemberFactory(prison=estate["lei"], wing=estate["wing_a"], key_worker_trained_on=None)
        factories.BenchmarkFactory(prison=estate["lei"], effective_from=YEAR_AGO - dt.timedelta(days=n + 1))
    with django_assert_max_num_queries(few):
        ok(client.get("/prisons/LEI/staff/"))
    with django_assert_max_num_queries(few):
        ok(client.get("/prisons/LEI/staff/?format=csv"))
    assert few <= 10


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/prisons/LEI/",
        "/prisons/LEI/wings/A/",
        "/prisons/LEI/wings/A/?format=csv",
        "/prisoners/A1111AA/",
    ],
)
def test_other_pages_query_count_does_not_grow(client, users, estate, path, django_assert_max_num_queries):
    client.force_login(users["admin"])
    few = _count_queries(client, path)
    for _ in range(30):
        factories.CustodySpellFactory(prison=estate["lei"], wing=estate["wing_a"])
        factories.StaffMemberFactory(prison=estate["lei"])
    with django_assert_max_num_queries(few):
        ok(client.get(path))
