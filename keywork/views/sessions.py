"""Key work sessions with a prisoner (keywork.md "Sessions: what the form accepts" and "Sessions
that did not happen"): log one, open one to correct or delete it, record one not held.

Views stay thin: omic.access decides scope (404 outside it, 403 for a role that may not),
keywork.selectors reads, keywork.services writes (validated and audited).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from keywork import services
from keywork.forms.sessions import SessionCorrectionForm, SessionDeleteForm, SessionForm, SessionNotHeldForm
from keywork.selectors import prisoner as prisoner_selectors
from keywork.selectors import weekly
from omic import access, dates
from omic.access import Action
from omic.dates import week_start

# The one-time tokens of session forms handed out, kept in the user's Django session:
# token -> the pk of the session saved with it (None until saved). Bounded, oldest dropped.
FORM_TOKENS = "keywork_session_form_tokens"
FORM_TOKENS_KEPT = 30


def _add_service_errors(form: Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        # "Not in custody that day" is about the prisoner on the chosen date: show it by the date.
        target = "date" if field == "prisoner" else field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def _service_fields(form: Form) -> dict:
    """The form's cleaned fields for its service: the names are the service's keyword names
    (keywork.forms.sessions), less the one-time form token."""
    return {name: value for name, value in form.cleaned_data.items() if name != "form_token"}


def _came_from(request: HttpRequest) -> str | None:
    """The page (a path on this site) the form was opened from, for the back link and the
    return after saving; anything else is ignored."""
    url = request.GET.get("from", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _recording_for(request: HttpRequest, prison_number: str):
    """For a form that records a session with the prisoner (the user may record sessions and
    see them): the prisoner, the prison where today's session is theirs, today, the page to
    return to (where the form came from, else the prisoner's profile) and the key workers
    offered."""
    prisoner = access.prisoner_for(request.user, prison_number, Action.RECORD_SESSIONS)
    today = dates.today()
    prison = prisoner_selectors.session_prison(request.user, prisoner, today)
    if prison is None:
        raise Http404("No such prisoner")
    back = _came_from(request) or reverse("omic:prisoner", args=[prisoner.pk])
    return prisoner, prison, today, back, prisoner_selectors.deliverers(prison, today)


def _new_form_token(request: HttpRequest) -> str:
    token = secrets.token_urlsafe(16)
    tokens = dict(list(request.session.get(FORM_TOKENS, {}).items())[-(FORM_TOKENS_KEPT - 1) :])
    tokens[token] = None
    request.session[FORM_TOKENS] = tokens
    return token


def _token_session_id(request: HttpRequest, token: str) -> int | None:
    return request.session.get(FORM_TOKENS, {}).get(token) if token else None


def _spend_form_token(request: HttpRequest, token: str, session_id: int) -> None:
    tokens = request.session.get(FORM_TOKENS, {})
    if token in tokens:
        tokens[token] = session_id
        request.session[FORM_TOKENS] = tokens


def _saved_message(request, prisoner, session, prison) -> None:
    messages.success(
        request,
        f"Session on {session.date:%-d %B %Y} with {prisoner.first_name} {prisoner.last_name} saved.",
    )
    reasons = services.session_week_warning(prison, session.date)
    if reasons:
        words = "; ".join(weekly.suspension_words(reasons))
        monday = week_start(session.date)
        messages.warning(
            request,
            f"Key work is suspended at {prison.name} in the week of {monday:%-d %B %Y} "
            f"because {words}. The session is still recorded.",
        )


def session_new(request: HttpRequest, prison_number: str) -> HttpResponse:
    """Log a key work session with a prisoner (services.record_session). Quick on a tablet: the
    allocated key worker and today are filled in, and saving returns to where it came from."""
    user = request.user
    prisoner, prison, today, back, key_workers = _recording_for(request, prison_number)
    already = None
    form = None
    if request.method == "POST":
        form = SessionForm(request.POST, key_workers=key_workers)
        token = request.POST.get("form_token", "")
        already_id = _token_session_id(request, token)
        if already_id is not None:
            already = prisoner_selectors.session_for(user, prisoner, already_id)
        elif form.is_valid():
            try:
                session = services.record_session(
                    recorded_by=user, prisoner=prisoner, prison=prison, today=today, **_service_fields(form)
                )
            except services.AlreadyRecorded as duplicate:
                already = duplicate.session
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                _spend_form_token(request, token, session.pk)
                _saved_message(request, prisoner, session, prison)
                return redirect(back)
    if request.method != "POST" or already is not None:
        # A fresh form (after a repeat too: not saved again, and a new token lets the user
        # record a genuinely different session): the allocated key worker and today filled in.
        allocation = prisoner_selectors.allocation_on(prisoner, prison, today)
        allocated = allocation.key_worker_id if allocation else None
        initial = {"date": today, "form_token": _new_form_token(request)}
        if allocated and key_workers.filter(pk=allocated).exists():
            initial["key_worker"] = allocated
        form = SessionForm(initial=initial, key_workers=key_workers)
    context = {
        "form": form,
        "prisoner": prisoner,
        "prison": prison,
        "today": today,
        "back": back,
        "already": already,
    }
    return render(request, "keywork/session_form.html", context)


def session_detail(request: HttpRequest, prison_number: str, session_id: int) -> HttpResponse:
    """One session; wing managers (their wings) and admins (their prisons) correct or delete it
    with a reason, the other roles who may see the prisoner see it read only."""
    user = request.user
    prisoner = access.prisoner_for(user, prison_number)
    session = prisoner_selectors.session_for(user, prisoner, session_id)
    if session is None:
        raise Http404("No such session")
    may_change = access.may(user, Action.RECORD_SESSIONS) and session.deleted_at is None
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    today = dates.today()
    key_workers = prisoner_selectors.correction_key_workers(session)
    initial = {
        "key_worker": session.key_worker_id,
        "date": session.date,
        "minutes": session.duration_minutes,
        "kind": session.kind,
        "notes": session.notes,
    }
    correction = SessionCorrectionForm(initial=initial, key_workers=key_workers)
    deletion = SessionDeleteForm()
    profile = reverse("omic:prisoner", args=[prisoner.pk])
    if request.method == "POST" and "delete-reason" in request.POST:
        deletion = SessionDeleteForm(request.POST)
        if deletion.is_valid():
            try:
                services.delete_session(
                    session=session, deleted_by=user, reason=deletion.cleaned_data["reason"]
                )
            except ValidationError as error:
                _add_service_errors(deletion, error)
            else:
                messages.success(request, f"Session on {session.date:%-d %B %Y} deleted.")
                return redirect(profile)
    elif request.method == "POST":
        correction = SessionCorrectionForm(request.POST, initial=initial, key_workers=key_workers)
        if correction.is_valid():
            try:
                services.correct_session(
                    session=session, corrected_by=user, today=today, **_service_fields(correction)
                )
            except ValidationError as error:
                _add_service_errors(correction, error)
            else:
                messages.success(request, "Session corrected.")
                return redirect("keywork:session", prisoner.pk, session.pk)
    context = {
        "prisoner": prisoner,
        "session": session,
        "may_change": may_change,
        "correction": correction,
        "deletion": deletion,
        "profile": profile,
    }
    return render(request, "keywork/session_detail.html", context)


def session_not_held(request: HttpRequest, prison_number: str) -> HttpResponse:
    """Record that a planned session did not take place, with its reason."""
    user = request.user
    prisoner, prison, today, back, key_workers = _recording_for(request, prison_number)
    if request.method == "POST":
        form = SessionNotHeldForm(request.POST, key_workers=key_workers)
        if form.is_valid():
            try:
                not_held = services.record_session_not_held(
                    recorded_by=user, prisoner=prisoner, prison=prison, today=today, **_service_fields(form)
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Session not held on {not_held.date:%-d %B %Y} with {prisoner.first_name} "
                    f"{prisoner.last_name} recorded: {not_held.get_reason_display().lower()}.",
                )
                return redirect(back)
    else:
        allocation = prisoner_selectors.allocation_on(prisoner, prison, today)
        initial = {"date": today, "key_worker": allocation.key_worker_id if allocation else None}
        form = SessionNotHeldForm(initial=initial, key_workers=key_workers)
    context = {"form": form, "prisoner": prisoner, "prison": prison, "back": back}
    return render(request, "keywork/session_not_held.html", context)
