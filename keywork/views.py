"""Key work pages: the weekly compliance CSV and the session form.

Views stay thin: omic.access decides scope (404 outside it, 403 for a role that may not),
keywork.selectors_pages reads, keywork.services writes (validated and audited).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.html import escape

from keywork import reports, selectors_pages, services
from keywork.forms import SessionForm
from omic import access, dates, downloads
from omic.access import Action
from omic.dates import week_start

MAX_CSV_WEEKS = 260


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{name}' must be a date as YYYY-MM-DD, for example 2025-03-03.") from None


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(escape(message), content_type="text/plain; charset=utf-8")


def compliance_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The weekly compliance report for one prison as CSV (reports.PRISON_COLUMNS)."""
    user = request.user
    # A prison-level figure: only those who may see the prison's pages may download it.
    prison = access.prison_for(user, code, Action.VIEW_PRISON)
    access.require(user, Action.DOWNLOAD)
    today = dates.today()
    default_from, default_to = selectors_pages.default_csv_range(today)
    try:
        week_from = _date_param(request, "from", default_from)
        week_to = _date_param(request, "to", default_to)
    except ValueError as error:
        return _bad_request(str(error))
    if week_from > week_to:
        return _bad_request("'from' must be on or before 'to'.")
    if (week_start(week_to) - week_start(week_from)).days // 7 >= MAX_CSV_WEEKS:
        return _bad_request(f"Ask for at most {MAX_CSV_WEEKS} weeks at a time.")
    weeks = selectors_pages.compliance_weeks(prison, week_from, week_to)
    first, last = week_start(week_from).isoformat(), week_start(week_to).isoformat()
    response = downloads.download_response(f"{prison.code}-compliance-{first}-{last}.csv")
    downloads.write_csv(reports.prison_rows(weeks), reports.PRISON_COLUMNS, response)
    return response


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
    prison = selectors_pages.session_prison(user, prisoner, today)
    if prison is None:
        raise Http404("No such prisoner")
    form = SessionForm(request.POST or None, key_workers=selectors_pages.deliverers(prison, today))
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
                words = "; ".join(selectors_pages.suspension_words(reasons))
                monday = week_start(session.date)
                messages.warning(
                    request,
                    f"Key work is suspended at {prison.name} in the week of {monday:%-d %B %Y} "
                    f"because {words}. The session is still recorded.",
                )
            return redirect("omic:prisoner", prisoner.pk)
    context = {"form": form, "prisoner": prisoner, "prison": prison, "today": today}
    return render(request, "keywork/session_form.html", context)
