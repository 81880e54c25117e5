"""The weekly compliance report for one prison as CSV (formats.md; reports.PRISON_COLUMNS).

The view asks the service to compute never-computed weeks first (keywork.services.weeks),
then reads (keywork.selectors.weekly): a GET's read never writes behind its back.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.html import escape

from keywork import reports, services
from keywork.selectors import weekly
from omic import access, dates, downloads
from omic.access import Action
from omic.dates import week_start

# A download computes and stores any week never computed before: a range is bounded so that
# one request cannot make the app compute centuries (issue 17). Three years of weeks.
MAX_YEARS = 3
MAX_CSV_WEEKS = 157


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
    default_from, default_to = weekly.default_csv_range(today)
    try:
        week_from = _date_param(request, "from", default_from)
        week_to = _date_param(request, "to", default_to)
    except ValueError as error:
        return _bad_request(str(error))
    if week_from > week_to:
        return _bad_request("'from' must be on or before 'to'.")
    current = week_start(today)
    if week_start(week_to) > current:
        return _bad_request(
            f"The range ends after the current week: the latest week there are figures for starts on "
            f"{dates.long_date(current)} ({current.isoformat()}). Ask for weeks up to that one."
        )
    weeks = (week_start(week_to) - week_start(week_from)).days // 7 + 1
    if weeks > MAX_CSV_WEEKS:
        return _bad_request(
            f"The range is {weeks} weeks, longer than {MAX_YEARS} years: ask for at most "
            f"{MAX_CSV_WEEKS} weeks ({MAX_YEARS} years) at a time."
        )
    services.ensure_weeks_computed(prison_ids=[prison.pk], week_from=week_from, week_to=week_to)
    weeks = weekly.compliance_weeks(prison, week_from, week_to)
    first, last = week_start(week_from).isoformat(), week_start(week_to).isoformat()
    response = downloads.download_response(f"{prison.code}-compliance-{first}-{last}.csv")
    downloads.write_csv(reports.prison_rows(weeks), reports.PRISON_COLUMNS, response)
    return response
