"""Planning (formats.md `/prisons/<CODE>/planning/`): staffing demand and the TSF forecast for
the next 8 weeks, for everyone who may see the prison's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keywork.selectors.planning import TARGET_CASELOAD, planning
from omic import access, dates


def planning_page(request: HttpRequest, code: str) -> HttpResponse:
    prison = access.prison_for(request.user, code)
    today = dates.today()
    demand, forecast = planning(prison, today)
    context = {
        "prison": prison, "demand": demand, "forecast": forecast, "today": today,
        "target_caseload": TARGET_CASELOAD,
    }  # fmt: skip
    return render(request, "keywork/planning.html", context)
