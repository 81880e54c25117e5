"""The national view (formats.md `/hq/`): one row per prison the user may see for a chosen
week (`?week=` any day of it; default the last complete week), sorted on the server,
filtered by estate, country and key work on or suspended, with national totals and a
12-week trend; `&format=csv` is the National view export. HQ sees every prison; governors
and admins their own; wing managers see no prison pages (403)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keywork import services
from keywork.selectors import national
from omic import access, dates, downloads
from omic.access import Action
from omic.models import Country, Estate
from omic.sorting import SortOrder

PICKER_WEEKS = 52


def _week(request: HttpRequest, today: dt.date) -> tuple[dt.date, str]:
    raw = request.GET.get("week", "").strip()
    default = national.last_complete_week(today)
    if not raw:
        return default, ""
    try:
        chosen = dates.week_start(dt.date.fromisoformat(raw))
    except ValueError:
        return default, "Choose a week from the list, or give a date as YYYY-MM-DD, for example 2025-03-03."
    if chosen > dates.week_start(today):
        return default, "That week has not started yet: choose this week or an earlier one."
    return chosen, ""


def national_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(user, Action.VIEW_PRISON)
    today = dates.today()
    week, problem = _week(request, today)
    # A week never computed is computed before it is shown (one week, every prison).
    services.ensure_weeks_computed(prison_ids=None, week_from=week, week_to=week)
    filters = national.Filters.from_query(request.GET)
    rows = national.national_rows(user=user, week=week, filters=filters)
    if downloads.wants_csv(request) and not problem:
        response = downloads.download_response(f"national-view-{week.isoformat()}.csv")
        downloads.write_csv(rows, national.COLUMNS, response)
        return response
    order = SortOrder.from_request(request, list(national.SORTS))
    if order.key:
        rows = national.sort_rows(rows, order.key, order.descending)
    this_monday = dates.week_start(today)
    context = {
        "week": week,
        "weeks": [this_monday - i * dates.WEEK for i in range(PICKER_WEEKS)],
        "problem": problem,
        "rows": rows,
        "totals": national.totals(rows),
        "trend": national.national_trend(user=user, last_week=week, filters=filters),
        "filters": filters,
        "estates": Estate.choices,
        "countries": Country.choices,
        "order": order,
        "today": today,
    }
    return render(request, "keywork/national.html", context, status=400 if problem else 200)
