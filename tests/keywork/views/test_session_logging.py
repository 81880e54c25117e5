"""Logging key work: the quick log form (pre-filled, back link, return), double submits, a session
not held, and the governor's count of sessions not held, over test_session_pages.py's estate."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from keywork.models import Session, SessionNotHeld
from keywork.services.sessions import BCST_REFUSAL
from omic.dates import long_date, week_start
from tests import factories
from tests.keywork.views import test_session_pages as session_pages
from tests.keywork.views.test_session_pages import TODAY, audits, date_fields
from tests.pages import ok

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

# The fixture of test_session_pages.py, shared rather than written again.
estate = session_pages.estate


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
