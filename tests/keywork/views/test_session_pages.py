"""One session's page (correct, delete) and who may open it, and the prisoner profile's scope
(issue 14, items 4 and 9), with their query counts. Logging sessions is test_session_logging.py,
over this module's estate and helpers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keywork.forms.sessions import KEY_WORKER_NOT_OFFERED
from keywork.models import Session
from keywork.services.sessions import BCST_REFUSAL
from omic import dates
from omic.models import AuditEvent
from tests import factories
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

TODAY = dates.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
LONG_AGO = TODAY - dt.timedelta(days=400)


@pytest.fixture
def estate(db):
    """LEI (wings A and B) with key work on, and BMI; Alan on LEI's wing A with key worker Kim and
    one session; Carl on LEI's wing B; Dan now at LEI who once had a spell at BMI."""
    places = factories.leeds_and_birmingham(leeds_wings="AB", birmingham_wings="C")
    lei = places["lei"]
    factories.BenchmarkFactory(prison=lei, effective_from=LONG_AGO, band3_benchmark_fte=Decimal("1.00"))
    kim = factories.StaffMemberFactory(staff_id="LEI001", prison=lei, first_name="Kim", last_name="Worker")
    lee = factories.StaffMemberFactory(staff_id="LEI002", prison=lei, first_name="Lee", last_name="Cover")
    alan = factories.in_custody(
        lei, "A1111AA", places["wing_a"], received=LONG_AGO, first_name="Alan", last_name="Behind"
    )
    factories.in_custody(lei, "B2222BB", places["wing_b"], received=LONG_AGO)
    factories.KeyWorkerAllocationFactory(prisoner=alan, prison=lei, key_worker=lee, start_date=LONG_AGO)
    session = factories.SessionFactory(
        prisoner=alan, prison=lei, key_worker=kim, date=YESTERDAY, duration_minutes=30, notes="First"
    )
    return {**places, "kim": kim, "lee": lee, "alan": alan, "session": session}


def url(estate, tail=""):
    return f"/prisoners/A1111AA/sessions/{estate['session'].pk}/{tail}"


def date_fields(day, prefix=""):
    return {
        f"{prefix}date_0": str(day.day),
        f"{prefix}date_1": str(day.month),
        f"{prefix}date_2": str(day.year),
    }


def correction(**overrides):
    data = {
        "key_worker": "LEI001",
        **date_fields(YESTERDAY),
        "minutes": "40",
        "kind": "acct_review",
        "notes": "First",
        "reason": "Typed 30 instead of 40",
    }
    return {**data, **overrides}


def audits(action):
    return AuditEvent.objects.filter(action=action).count()


# One session: who may open it


@pytest.mark.parametrize("role", ["wing_manager", "admin"])
def test_wing_manager_and_admin_see_the_correct_and_delete_forms(client, users, estate, role):
    client.force_login(users[role])
    text = ok(client.get(url(estate))).content.decode()
    assert "Key work session on" in text
    assert "Kim Worker (LEI001)" in text
    assert "Correct the session" in text and "Delete the session" in text


@pytest.mark.parametrize("role", ["governor", "hq"])
def test_governor_and_hq_see_it_read_only_and_may_not_post(client, users, estate, role):
    client.force_login(users[role])
    text = ok(client.get(url(estate))).content.decode()
    assert "Kim Worker (LEI001)" in text
    assert "Correct the session" not in text and "Delete the session" not in text
    assert client.post(url(estate), correction()).status_code == 403
    assert client.post(url(estate), {"delete-reason": "Twice"}).status_code == 403
    assert Session.objects.get(pk=estate["session"].pk).duration_minutes == 30


def test_other_prison_other_wing_and_unknown_session_are_404(client, users, estate, make_user):
    client.force_login(users["other_admin"])
    assert client.get(url(estate)).status_code == 404
    client.force_login(make_user("wing_manager", wings=[estate["wing_b"]]))
    assert client.get(url(estate)).status_code == 404
    client.force_login(users["admin"])
    assert client.get("/prisoners/A1111AA/sessions/999999/").status_code == 404
    other = factories.SessionFactory(
        prisoner=factories.in_custody(estate["lei"], "B3333BB"), prison=estate["lei"]
    )
    assert client.get(f"/prisoners/A1111AA/sessions/{other.pk}/").status_code == 404  # not Alan's


def test_anonymous_is_sent_to_sign_in(client, estate):
    for address in (url(estate), "/prisoners/A1111AA/sessions/not-held/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# Correct and delete


def test_correction_saves_with_one_audit_record_and_the_reason(client, users, estate):
    client.force_login(users["wing_manager"])
    response = client.post(url(estate), correction(), follow=True)
    assert response.redirect_chain == [(url(estate), 302)]
    assert b"Session corrected." in response.content
    session = Session.objects.get(pk=estate["session"].pk)
    assert (session.duration_minutes, session.kind) == (40, "acct_review")
    [event] = AuditEvent.objects.filter(action="keywork.session.correct")
    assert event.reason == "Typed 30 instead of 40"
    assert event.before["minutes"] == 30 and event.after["minutes"] == 40


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": ""}, "reason", "Reason is required: say why the session is being corrected."),
        ({"kind": "BCST"}, "kind", BCST_REFUSAL),
        (
            {"minutes": "0"},
            "minutes",
            "Duration must be at least 1 minute: enter how many minutes the session lasted.",
        ),
        ({"notes": "x" * 2001}, "notes", "Notes must be 2,000 characters or fewer: shorten them."),
        (
            {"key_worker": "NOPE"},
            "key_worker",
            KEY_WORKER_NOT_OFFERED,
        ),
        (
            {"minutes": "30", "kind": "structured_interview", "reason": "No change"},
            "__all__",
            "Nothing to correct: change at least one detail of the session.",
        ),
    ],
)
def test_each_correction_refusal_says_the_field_and_the_fix_and_saves_nothing(
    client, users, estate, overrides, field, message
):
    client.force_login(users["admin"])
    before = AuditEvent.objects.count()
    response = client.post(url(estate), correction(**overrides))
    assert response.status_code == 200
    assert message in response.context["correction"].errors[field]
    assert b"govuk-error-summary" in response.content
    session = Session.objects.get(pk=estate["session"].pk)
    assert (session.duration_minutes, session.kind, session.notes) == (30, "structured_interview", "First")
    assert AuditEvent.objects.count() == before


def test_future_date_correction_is_refused_by_the_service(client, users, estate):
    client.force_login(users["admin"])
    response = client.post(url(estate), correction(**date_fields(TODAY + dt.timedelta(days=1))))
    assert response.status_code == 200
    assert response.context["correction"].errors["date"][0].startswith("Date cannot be in the future")
    assert Session.objects.get(pk=estate["session"].pk).date == YESTERDAY


def test_delete_needs_a_reason_then_deletes_with_one_audit_record(client, users, estate):
    client.force_login(users["wing_manager"])
    response = client.post(url(estate), {"delete-reason": ""})
    assert response.context["deletion"].errors["reason"] == [
        "Reason is required: say why the session is being deleted."
    ]
    assert Session.objects.get(pk=estate["session"].pk).deleted_at is None
    assert audits("keywork.session.delete") == 0

    response = client.post(url(estate), {"delete-reason": "Recorded twice"}, follow=True)
    assert response.redirect_chain == [("/prisoners/A1111AA/", 302)]
    assert b"deleted." in response.content
    session = Session.objects.get(pk=estate["session"].pk)
    assert session.deleted_at is not None and session.deleted_reason == "Recorded twice"
    assert audits("keywork.session.delete") == 1
    text = ok(client.get(url(estate))).content.decode()  # kept, read only, with its reason
    assert "This session was deleted" in text and "Recorded twice" in text
    assert "Correct the session" not in text


# The prisoner profile's scope (item 9)


def test_profile_lists_only_key_workers_and_sessions_at_prisons_the_user_may_see(client, users, estate):
    lei, bmi = estate["lei"], estate["bmi"]
    dan = factories.in_custody(bmi, "D4444DD", estate["wing_c"], received=LONG_AGO, released=YESTERDAY)
    factories.in_custody(lei, "D4444DD", estate["wing_a"], received=YESTERDAY)
    bmi_worker = factories.StaffMemberFactory(prison=bmi, first_name="Bea", last_name="Brum")
    factories.SessionFactory(
        prisoner=dan, prison=bmi, key_worker=bmi_worker, date=LONG_AGO, kind="family_visit"
    )
    factories.KeyWorkerAllocationFactory(prisoner=dan, prison=bmi, key_worker=bmi_worker, start_date=LONG_AGO)
    factories.SessionFactory(
        prisoner=dan, prison=lei, key_worker=estate["kim"], date=TODAY, kind="acct_review"
    )

    for role in ("governor", "wing_manager", "admin"):
        client.force_login(users[role])
        text = ok(client.get("/prisoners/D4444DD/")).content.decode()
        assert "Bea Brum" not in text, role
        assert "Meeting family at a visit" not in text, role
        assert "ACCT review" in text, role
    client.force_login(users["hq"])
    text = ok(client.get("/prisoners/D4444DD/")).content.decode()
    assert "Bea Brum" in text and "Meeting family at a visit" in text
    # BMI's session of Dan is not LEI's governor's to open either.
    client.force_login(users["governor"])
    bmi_session = Session.objects.get(prisoner=dan, prison=bmi)
    assert client.get(f"/prisoners/D4444DD/sessions/{bmi_session.pk}/").status_code == 404


def test_profile_sessions_link_to_their_page(client, users, estate):
    client.force_login(users["governor"])
    text = ok(client.get("/prisoners/A1111AA/")).content.decode()
    assert f'href="/prisoners/A1111AA/sessions/{estate["session"].pk}/"' in text


# Fixed query counts


def test_query_counts_do_not_grow_with_sessions_or_prisoners(
    client, users, estate, django_assert_max_num_queries
):
    client.force_login(users["wing_manager"])
    pages = [
        url(estate),
        "/prisoners/A1111AA/sessions/new/",
        "/prisoners/A1111AA/sessions/not-held/",
        "/prisoners/A1111AA/",
    ]
    for page in pages:
        ok(client.get(page))
    counts = {}
    for page in pages:
        with CaptureQueriesContext(connection) as small:
            ok(client.get(page))
        counts[page] = len(small.captured_queries)
    for _ in range(30):
        spell = factories.CustodySpellFactory(
            prison=estate["lei"], wing=estate["wing_a"], reception_date=LONG_AGO
        )
        factories.SessionFactory(
            prisoner=spell.prisoner, prison=estate["lei"], key_worker=estate["kim"], date=TODAY
        )
        factories.SessionFactory(
            prisoner=estate["alan"], prison=estate["lei"], key_worker=estate["kim"], date=LONG_AGO
        )
        factories.StaffMemberFactory(prison=estate["lei"])
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            ok(client.get(page))
