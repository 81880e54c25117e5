"""Log a key work session with a prisoner (keywork.md "Sessions: what the form accepts").

Views stay thin: omic.access decides scope (404 outside it, 403 for a role that may not),
keywork.selectors reads, keywork.services writes (validated and audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keywork import services
from keywork.forms.sessions import SessionForm
from keywork.selectors import prisoner as prisoner_selectors
from keywork.selectors import weekly
from omic import access, dates
from omic.access import Action
from omic.dates import week_start


def _add_service_errors(form: SessionForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        # "Not in custody that day" is about the prisoner on the chosen date: show it by the date.
        target = "date" if field == "prisoner" else field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def session_new(request: HttpRequest, prison_number: str) -> HttpResponse:
    """Log a key work session with a prisoner (services.record_session)."""
    user = request.user
    prisoner = access.prisoner_for(user, prison_number, Action.RECORD_SESSIONS)
    today = dates.today()
    prison = prisoner_selectors.session_prison(user, prisoner, today)
    if prison is None:
        raise Http404("No such prisoner")
    form = SessionForm(request.POST or None, key_workers=prisoner_selectors.deliverers(prison, today))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.record_session(
                recorded_by=user,
                prisoner=prisoner,
                prison=prison,
                key_worker=data["key_worker"],
                date=data["date"],
                minutes=data["minutes"],
                kind=data["kind"],
                notes=data["notes"],
                today=today,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
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
            return redirect("omic:prisoner", prisoner.pk)
    context = {"form": form, "prisoner": prisoner, "prison": prison, "today": today}
    return render(request, "keywork/session_form.html", context)
