"""One session's page (correct, delete), a session not held, the quick log form (pre-filled,
back link, return), double submits, and the prisoner profile's scope (issue 14, items 4 and 9)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keywork.forms.sessions import KEY_WORKER_NOT_OFFERED
from keywork.models import Session, SessionNotHeld
from keywork.services.sessions import BCST_REFUSAL
from omic import dates
from omic.dates import long_date, week_start
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


def new_session(token="", **overrides):
    data = {
        "key_worker": "LEI002",
        **date_fields(TODAY),
        "minutes": "45",
        "kind": "structured_interview",
        "notes": "",
        "form_token": token,
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


# The quick log form


def test_log_form_preselects_the_allocated_key_worker_and_today_and_returns_to_the_wing(
    client, users, estate
):
    client.force_login(users["wing_manager"])
    page = ok(client.get("/prisoners/A1111AA/sessions/new/?from=/prisons/LEI/wings/A/"))
    form = page.context["form"]
    assert form.initial["key_worker"] == "LEI002"
    assert form.initial["date"] == TODAY
    assert b'<option value="LEI002" selected>' in page.content
    assert page.context["back"] == "/prisons/LEI/wings/A/"
    assert b'href="/prisons/LEI/wings/A/" class="govuk-back-link"' in page.content
    token = form.initial["form_token"]
    response = client.post(
        "/prisoners/A1111AA/sessions/new/?from=/prisons/LEI/wings/A/", new_session(token), follow=True
    )
    assert response.redirect_chain == [("/prisons/LEI/wings/A/", 302)]
    text = response.content.decode()
    main = text[text.index('id="main-content"') :]
    assert main.index("govuk-notification-banner--success") < main.index("<h1")
    assert audits("keywork.session.record") == 1


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "wings"]
)
def test_from_elsewhere_is_ignored_for_the_profile(client, users, estate, unsafe):
    client.force_login(users["wing_manager"])
    page = ok(client.get("/prisoners/A1111AA/sessions/new/", {"from": unsafe}))
    assert page.context["back"] == "/prisoners/A1111AA/"
    response = client.post(
        f"/prisoners/A1111AA/sessions/new/?from={unsafe}",
        new_session(page.context["form"].initial["form_token"]),
    )
    assert response.status_code == 302
    assert response["Location"] == "/prisoners/A1111AA/"


def test_behind_list_log_links_pass_the_wing_as_from(client, users, estate):
    client.force_login(users["wing_manager"])
    text = ok(client.get("/prisons/LEI/wings/A/")).content.decode()
    assert 'href="/prisoners/A1111AA/sessions/new/?from=%2Fprisons%2FLEI%2Fwings%2FA%2F"' in text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "bcst"}, "kind", BCST_REFUSAL),
        ({"notes": "n" * 2001}, "notes", "Notes must be 2,000 characters or fewer: shorten them."),
        (
            {"kind": "chat"},
            "kind",
            "Kind must be one of those listed: choose the kind of session that was held.",
        ),
    ],
)
def test_log_form_refusals_name_the_field_and_the_fix(client, users, estate, overrides, field, message):
    client.force_login(users["wing_manager"])
    response = client.post("/prisoners/A1111AA/sessions/new/", new_session(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Session.objects.filter(prisoner=estate["alan"]).count() == 1
    assert audits("keywork.session.record") == 0


# Double submits


def test_the_same_form_posted_twice_is_saved_once_and_links_to_the_session(client, users, estate):
    client.force_login(users["wing_manager"])
    token = ok(client.get("/prisoners/A1111AA/sessions/new/")).context["form"].initial["form_token"]
    assert client.post("/prisoners/A1111AA/sessions/new/", new_session(token)).status_code == 302
    saved = Session.objects.get(prisoner=estate["alan"], date=TODAY)
    # The second post differs in minutes, so only the token can tell it is the same form.
    response = client.post("/prisoners/A1111AA/sessions/new/", new_session(token, minutes="50"))
    assert response.status_code == 200
    assert b"This session was already recorded, so it was not saved again." in response.content
    assert f'href="/prisoners/A1111AA/sessions/{saved.pk}/"'.encode() in response.content
    assert Session.objects.filter(prisoner=estate["alan"], date=TODAY).count() == 1
    assert audits("keywork.session.record") == 1
    assert response.context["form"].initial["form_token"] != token  # a fresh form for a new session


def test_an_identical_session_within_five_minutes_is_not_saved_again(client, users, estate):
    client.force_login(users["admin"])
    assert client.post("/prisoners/A1111AA/sessions/new/", new_session()).status_code == 302
    saved = Session.objects.get(prisoner=estate["alan"], date=TODAY)
    response = client.post("/prisoners/A1111AA/sessions/new/", new_session())  # a fresh form, same details
    assert b"already recorded" in response.content
    assert f"/prisoners/A1111AA/sessions/{saved.pk}/".encode() in response.content
    assert Session.objects.filter(prisoner=estate["alan"], date=TODAY).count() == 1
    # Older than five minutes, it is a second session: saved.
    Session.objects.filter(pk=saved.pk).update(recorded_at=saved.recorded_at - dt.timedelta(minutes=6))
    assert client.post("/prisoners/A1111AA/sessions/new/", new_session()).status_code == 302
    assert Session.objects.filter(prisoner=estate["alan"], date=TODAY).count() == 2
    assert audits("keywork.session.record") == 2


# A session not held


def test_session_not_held_is_recorded_with_its_reason_and_one_audit_record(client, users, estate):
    client.force_login(users["wing_manager"])
    page = ok(client.get("/prisoners/A1111AA/sessions/not-held/?from=/prisons/LEI/wings/A/"))
    assert page.context["form"].initial == {"date": TODAY, "key_worker": "LEI002"}
    data = {**date_fields(TODAY), "reason": "staff_redeployed", "key_worker": "LEI002", "notes": ""}
    response = client.post(
        "/prisoners/A1111AA/sessions/not-held/?from=/prisons/LEI/wings/A/", data, follow=True
    )
    assert response.redirect_chain == [("/prisons/LEI/wings/A/", 302)]
    assert b"key worker redeployed to other duties" in response.content
    [row] = SessionNotHeld.objects.filter(prisoner=estate["alan"])
    assert (row.reason, row.key_worker_id, row.prison_id, row.date) == (
        "staff_redeployed",
        "LEI002",
        "LEI",
        TODAY,
    )
    assert audits("keywork.session_not_held.record") == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": ""}, "reason", "Choose why the session did not take place"),
        (
            {"reason": "bored"},
            "reason",
            "Reason must be one of those listed: choose why the session was not held.",
        ),
        ({"notes": "n" * 2001}, "notes", "Notes must be 2,000 characters or fewer: shorten them."),
    ],
)
def test_session_not_held_refusals_save_nothing(client, users, estate, overrides, field, message):
    client.force_login(users["admin"])
    data = {**date_fields(TODAY), "reason": "prisoner_refused", "key_worker": "", "notes": "", **overrides}
    response = client.post("/prisoners/A1111AA/sessions/not-held/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not SessionNotHeld.objects.exists()
    assert audits("keywork.session_not_held.record") == 0


def test_future_not_held_is_refused_by_the_service(client, users, estate):
    client.force_login(users["admin"])
    data = {**date_fields(TODAY + dt.timedelta(days=2)), "reason": "other", "key_worker": "", "notes": ""}
    response = client.post("/prisoners/A1111AA/sessions/not-held/", data)
    assert response.context["form"].errors["date"][0].startswith("Date cannot be in the future")
    assert not SessionNotHeld.objects.exists()


def test_session_not_held_roles(client, users, estate, make_user):
    client.force_login(users["governor"])
    assert client.get("/prisoners/A1111AA/sessions/not-held/").status_code == 403
    client.force_login(users["hq"])
    assert client.get("/prisoners/A1111AA/sessions/not-held/").status_code == 403
    client.force_login(users["other_admin"])
    assert client.get("/prisoners/A1111AA/sessions/not-held/").status_code == 404
    client.force_login(make_user("wing_manager", wings=[estate["wing_b"]]))
    assert client.get("/prisoners/A1111AA/sessions/not-held/").status_code == 404


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


def test_governors_dashboard_counts_sessions_not_held_by_reason_per_week(
    client, users, estate, queries_do_not_grow
):
    client.force_login(users["governor"])
    last_week = TODAY - dt.timedelta(days=7)

    def record():
        for reason in ("staff_redeployed", "staff_redeployed", "prisoner_refused"):
            factories.SessionNotHeldFactory(
                prisoner=estate["alan"], prison=estate["lei"], date=TODAY, reason=reason
            )
        for _ in range(2):
            factories.SessionNotHeldFactory(
                prisoner=estate["alan"], prison=estate["lei"], date=last_week, reason="other"
            )
        deleted = factories.SessionNotHeldFactory(
            prisoner=estate["alan"], prison=estate["lei"], date=last_week, reason="other"
        )
        deleted.deleted_at = timezone.now()
        deleted.save()

    text = queries_do_not_grow(lambda: ok(client.get("/prisons/LEI/")), record, at_most=40).content.decode()
    start = text.index('id="keywork-not-held-heading"')
    panel = text[start : text.index("</table>", start)]
    assert "This week so far: 3 sessions not held" in panel
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', panel)
    assert headers == [
        "Week starting",
        "Prisoner refused",
        "Prisoner unavailable",
        "Key worker redeployed to other duties",
        "Other",
        "Total",
    ]
    body = panel[panel.index("<tbody") :]
    cell = r"<td[^>]*>(?:<strong>)?([^<]+)"
    rows = [re.findall(cell, row) for row in re.findall(r"<tr.*?</tr>", body, re.S)]
    assert len(rows) == 8  # the last 8 weeks, this one first, zeros included
    assert rows[0] == [long_date(week_start(TODAY)), "1", "0", "2", "0", "3"]
    assert rows[1] == [long_date(week_start(last_week)), "0", "0", "0", "2", "2"]  # the deleted one is not
    assert all(row[1:] == ["0"] * 5 for row in rows[2:])
