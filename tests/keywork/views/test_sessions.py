"""Key work pages: the session form, the compliance CSV, the behind list and the panels."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keywork import reports, selectors
from keywork.models import PrisonWeek, Session
from omic import dates
from omic.dates import week_start
from omic.models import AuditEvent
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
MONDAY = week_start(TODAY)
LONG_AGO = TODAY - dt.timedelta(days=400)


@pytest.fixture
def estate(db):
    """LEI (wing A) with key work on (one trained Band 3 meets the benchmark), and BMI."""
    places = factories.leeds_and_birmingham(leeds_wings="A", birmingham_wings="C")
    lei, bmi, wing_a, wing_c = places["lei"], places["bmi"], places["wing_a"], places["wing_c"]
    factories.BenchmarkFactory(prison=lei, effective_from=LONG_AGO, band3_benchmark_fte=Decimal("1.00"))
    kw = factories.StaffMemberFactory(staff_id="LEI001", prison=lei, first_name="Kim", last_name="Worker")
    behind = factories.in_custody(
        lei, "A1111AA", wing_a, received=LONG_AGO, first_name="Alan", last_name="Behind"
    )
    met = factories.in_custody(lei, "A2222AA", wing_a, received=LONG_AGO, first_name="Bob", last_name="Met")
    elsewhere = factories.in_custody(bmi, "C3333CC", wing_c)
    # 225 minutes covers the most the window can entitle (5 weeks × 45); 240 is the maximum session.
    factories.SessionFactory(prisoner=met, prison=lei, key_worker=kw, date=MONDAY, duration_minutes=240)
    factories.KeyWorkerAllocationFactory(prisoner=behind, prison=lei, key_worker=kw, start_date=LONG_AGO)
    return {**places, "kw": kw, "behind": behind, "met": met, "elsewhere": elsewhere}


def session_data(**overrides):
    data = {
        "key_worker": "LEI001",
        "date_0": str(TODAY.day),
        "date_1": str(TODAY.month),
        "date_2": str(TODAY.year),
        "minutes": "45",
        "kind": "structured_interview",
        "notes": "Talked about work",
    }
    return {**data, **overrides}


# The session form


def test_session_form_saves_audits_and_redirects(client, users, estate):
    client.force_login(users["wing_manager"])
    url = "/prisoners/A1111AA/sessions/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Kim Worker (LEI001)" in page.content

    response = client.post(url, session_data(), follow=True)

    assert response.redirect_chain == [("/prisoners/A1111AA/", 302)]
    session = Session.objects.get(prisoner=estate["behind"])
    assert (session.prison_id, session.key_worker_id, session.date) == ("LEI", "LEI001", TODAY)
    assert (session.duration_minutes, session.kind, session.recorded_by) == (
        45, "structured_interview", users["wing_manager"],
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="keywork.session.record", object_id=str(session.pk)).exists()
    assert b"govuk-notification-banner--success" in response.content
    assert b"suspended" not in response.content


def test_session_in_a_suspended_week_is_saved_with_a_warning(client, users, estate):
    factories.StaffMemberFactory(prison=estate["lei"], key_worker_trained_on=None)  # untrained Band 3
    client.force_login(users["admin"])
    response = client.post("/prisoners/A1111AA/sessions/new/", session_data(), follow=True)
    assert response.redirect_chain == [("/prisoners/A1111AA/", 302)]
    assert Session.objects.filter(prisoner=estate["behind"]).count() == 1
    text = response.content.decode()
    assert "Key work is suspended" in text
    assert "not every Band 3 officer in post has completed key worker training" in text


def test_refused_session_shows_the_field_error_and_saves_nothing(client, users, estate):
    client.force_login(users["wing_manager"])
    before = AuditEvent.objects.count()
    response = client.post("/prisoners/A1111AA/sessions/new/", session_data(minutes="500"))
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == [
        "Duration must be 240 minutes or less: enter how many minutes the session lasted."
    ]
    assert b"govuk-error-summary" in response.content
    assert b"#id_minutes" in response.content
    assert not Session.objects.filter(prisoner=estate["behind"]).exists()
    assert AuditEvent.objects.count() == before


def test_future_date_is_refused_beside_the_date(client, users, estate):
    client.force_login(users["wing_manager"])
    tomorrow = TODAY + dt.timedelta(days=1)
    data = session_data(date_0=str(tomorrow.day), date_1=str(tomorrow.month), date_2=str(tomorrow.year))
    response = client.post("/prisoners/A1111AA/sessions/new/", data)
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not Session.objects.filter(prisoner=estate["behind"]).exists()


def test_governor_may_not_log_sessions(client, users):
    client.force_login(users["governor"])
    assert client.get("/prisoners/A1111AA/sessions/new/").status_code == 403
    assert client.post("/prisoners/A1111AA/sessions/new/", session_data()).status_code == 403


def test_prisoner_at_another_prison_is_404(client, users):
    client.force_login(users["wing_manager"])
    assert client.get("/prisoners/C3333CC/sessions/new/").status_code == 404
    assert client.get("/prisoners/Z9999ZZ/sessions/new/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, estate):
    response = client.get("/prisoners/A1111AA/sessions/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# The compliance CSV


def test_compliance_csv_has_the_report_columns_and_a_computed_row(client, users):
    client.force_login(users["governor"])
    response = client.get(f"/prisons/LEI/compliance.csv?from={MONDAY.isoformat()}&to={TODAY.isoformat()}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.reader(io.StringIO(response.content.decode()))
    header, *rows = list(reader)
    assert tuple(header) == reports.PRISON_COLUMNS
    [row] = [dict(zip(header, r, strict=True)) for r in rows]
    assert row["prison_code"] == "LEI"
    assert row["week_start"] == MONDAY.isoformat()
    assert row["key_work_enabled"] == "true"
    assert row["prisoners"] == "2"
    assert row["delivered_minutes"] == "240.00"


def test_compliance_csv_defaults_to_twelve_weeks(client, users):
    client.force_login(users["governor"])
    response = client.get("/prisons/LEI/compliance.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 12
    assert rows[-1]["week_start"] == MONDAY.isoformat()


@pytest.mark.parametrize("query", ["from=2025-13-01", "to=yesterday", "from=2025-03-10&to=2025-03-03"])
def test_compliance_csv_bad_dates_are_400(client, users, query):
    client.force_login(users["governor"])
    response = client.get(f"/prisons/LEI/compliance.csv?{query}")
    assert response.status_code == 400
    assert response.content


NEXT_WEEK = MONDAY + dt.timedelta(weeks=1)


@pytest.mark.parametrize(
    "query",
    [f"from={MONDAY}&to={NEXT_WEEK}", f"from={NEXT_WEEK}&to={NEXT_WEEK}", "from=2025-01-06&to=9999-12-31"],
)
def test_compliance_csv_refuses_weeks_after_the_current_one_and_computes_nothing(client, users, query):
    client.force_login(users["governor"])
    response = client.get(f"/prisons/LEI/compliance.csv?{query}")
    assert response.status_code == 400
    assert response.content.decode() == (
        f"The range ends after the current week: the latest week there are figures for starts on "
        f"{dates.long_date(MONDAY)} ({MONDAY}). Ask for weeks up to that one."
    )
    assert not PrisonWeek.objects.exists()


def test_compliance_csv_refuses_a_range_longer_than_three_years_and_computes_nothing(client, users):
    client.force_login(users["governor"])
    first = MONDAY - dt.timedelta(weeks=157)  # 158 weeks with the current one
    response = client.get(f"/prisons/LEI/compliance.csv?from=0001-01-01&to={MONDAY}")
    assert response.status_code == 400
    assert "longer than 3 years: ask for at most 157 weeks (3 years) at a time." in response.content.decode()
    response = client.get(f"/prisons/LEI/compliance.csv?from={first}&to={MONDAY}")
    assert response.status_code == 400
    assert response.content.decode().startswith("The range is 158 weeks, longer than 3 years")
    assert not PrisonWeek.objects.exists()


def test_compliance_csv_gives_three_years_of_weeks_up_to_the_current_one(client, users):
    client.force_login(users["governor"])
    first = MONDAY - dt.timedelta(weeks=156)
    response = ok(client.get(f"/prisons/LEI/compliance.csv?from={first}&to={TODAY}"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (len(rows), rows[0]["week_start"], rows[-1]["week_start"]) == (157, str(first), str(MONDAY))


def test_compliance_csv_scope(client, users):
    client.force_login(users["governor"])
    assert client.get("/prisons/BMI/compliance.csv").status_code == 404
    client.force_login(users["wing_manager"])
    assert client.get("/prisons/LEI/compliance.csv").status_code == 403


# Panels: prison, wing (behind), prisoner


def test_prison_dashboard_shows_computed_weeks_and_the_csv_link(client, users):
    client.force_login(users["governor"])
    ok(client.get("/prisons/LEI/compliance.csv"))  # computes the weeks
    response = ok(client.get("/prisons/LEI/"))
    text = response.content.decode()
    assert "Key work compliance" in text
    # A range picker for the CSV (no URL editing): two week choices posted to compliance.csv.
    assert 'action="/prisons/LEI/compliance.csv"' in text
    assert 'name="from"' in text and 'name="to"' in text
    assert dates.long_date(MONDAY) in text
    assert "0.00" in text  # TSF gap: 1.00 in post − 1.00 benchmark


def test_behind_list_shows_a_prisoner_without_sessions_not_one_who_met(client, users):
    client.force_login(users["wing_manager"])
    response = client.get("/prisons/LEI/wings/A/")
    assert response.status_code == 200
    text = response.content.decode()
    start = text.index('id="keywork-behind-heading"')
    panel = text[start : text.index("</section>", start)]
    assert "A1111AA" in panel
    assert "A2222AA" not in panel
    assert "No sessions" in panel
    assert "Kim Worker" in panel
    assert 'href="/prisoners/A1111AA/sessions/new/?from=%2Fprisons%2FLEI%2Fwings%2FA%2F"' in panel


def test_behind_deficit_in_minutes(users, estate):
    [row] = selectors.behind.behind(estate["wing_a"], TODAY)
    days = 28 + (TODAY - MONDAY).days + 1
    assert row.prisoner_id == "A1111AA"
    assert row.deficit_minutes == reports.minutes_from_sevenths(45 * days)
    assert row.days_since_last_session is None


def test_governor_sees_the_behind_list_without_log_links(client, users):
    client.force_login(users["governor"])
    text = ok(client.get("/prisons/LEI/wings/A/")).content.decode()
    assert "A1111AA" in text
    assert "/sessions/new/" not in text


def test_wing_page_query_count_is_the_same_for_3_and_20_prisoners(
    client, users, estate, django_assert_max_num_queries
):
    def add_prisoners(n):
        for _ in range(n):
            spell = factories.CustodySpellFactory(
                prison=estate["lei"], wing=estate["wing_a"], reception_date=LONG_AGO
            )
            factories.KeyWorkerAllocationFactory(
                prisoner=spell.prisoner, prison=estate["lei"], key_worker=estate["kw"], start_date=LONG_AGO
            )
            factories.SessionFactory(
                prisoner=spell.prisoner, prison=estate["lei"], key_worker=estate["kw"], date=MONDAY
            )

    client.force_login(users["wing_manager"])
    add_prisoners(1)
    ok(client.get("/prisons/LEI/wings/A/"))  # the first request loads the session and user
    with CaptureQueriesContext(connection) as three:
        response = ok(client.get("/prisons/LEI/wings/A/"))
    assert len(response.context["spells"]) == 3
    add_prisoners(17)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = ok(client.get("/prisons/LEI/wings/A/"))
    assert len(response.context["spells"]) == 20
    assert response.content.decode().count("/sessions/new/") == 19  # all but the one who met


def test_prisoner_profile_shows_key_worker_sessions_and_log_button(client, users, estate):
    client.force_login(users["wing_manager"])
    text = ok(client.get("/prisoners/A2222AA/")).content.decode()
    assert "Last 10 key work sessions" in text
    assert "Structured interview" in text
    assert 'href="/prisoners/A2222AA/sessions/new/"' in text
    text = ok(client.get("/prisoners/A1111AA/")).content.decode()
    assert "Kim Worker" in text
    client.force_login(users["governor"])
    assert "/sessions/new/" not in ok(client.get("/prisoners/A1111AA/")).content.decode()
