"""The POMs page (formats.md `/prisons/<CODE>/poms/`): each POM's case mix, working pattern
and status; and one POM's caseload (`/prisons/<CODE>/poms/<STAFF_ID>/`). Both for the roles
that may see the prison, with `?format=csv`."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from allocation.selectors import poms
from omic import access, dates
from omic.downloads import csv_response, two_places, wants_csv

CASE_MIX_CSV_COLUMNS: dict[str, Callable] = {
    "staff_id": attrgetter("staff.staff_id"),
    "first_name": attrgetter("staff.first_name"),
    "last_name": attrgetter("staff.last_name"),
    "prison_code": attrgetter("staff.prison_id"),
    "pom_type": attrgetter("pom_type"),
    "band": attrgetter("staff.band"),
    "status": attrgetter("staff.status"),
    "in_post": attrgetter("in_post"),
    "fte": lambda r: two_places(r.staff.fte),
    "contracted_hours": lambda r: f"{r.staff.contracted_hours:.1f}",
    "working_pattern": attrgetter("staff.working_pattern"),
    **{f"tier_{t.lower()}": (lambda r, t=t: r.tiers[t]) for t in poms.TIERS},
    "tier_unknown": attrgetter("tier_unknown"),
    "responsible": attrgetter("responsible"),
    "supporting": attrgetter("supporting"),
    "co_working": attrgetter("co_working"),
    "total_cases": attrgetter("total"),
    "allocated_last_7_days": attrgetter("new_last_7_days"),
    "upcoming_handovers": attrgetter("upcoming_handovers"),
}

CASELOAD_CSV_COLUMNS: dict[str, Callable] = {
    "prison_number": attrgetter("prisoner.prison_number"),
    "first_name": attrgetter("prisoner.first_name"),
    "last_name": attrgetter("prisoner.last_name"),
    "role": attrgetter("allocation.role"),
    "allocated_on": attrgetter("allocation.start_date"),
    "tier": lambda r: r.tier or None,
    "responsibility": lambda r: r.responsibility or None,
    "handover_date": attrgetter("handover_date"),
    "com_allocated_date": attrgetter("com_allocated_date"),
}


def pom_list(request: HttpRequest, code: str) -> HttpResponse:
    prison = access.prison_for(request.user, code)
    today = dates.today()
    rows = poms.pom_case_mix(prison, today)
    if wants_csv(request):
        return csv_response(f"{prison.code}-poms-{today.isoformat()}.csv", CASE_MIX_CSV_COLUMNS, rows)
    context = {
        "prison": prison,
        "rows": rows,
        "totals": poms.case_mix_totals(rows),
        "tiers": poms.TIERS,
        "today": today,
    }
    return render(request, "allocation/poms.html", context)


def pom_caseload(request: HttpRequest, code: str, staff_id: str) -> HttpResponse:
    prison = access.prison_for(request.user, code)
    staff = poms.pom_at(prison, staff_id)
    if staff is None:
        raise Http404("No such POM")
    today = dates.today()
    rows = poms.pom_caseload(prison, staff)
    if wants_csv(request):
        filename = f"{prison.code}-pom-{staff.staff_id}-caseload-{today.isoformat()}.csv"
        return csv_response(filename, CASELOAD_CSV_COLUMNS, rows)
    context = {
        "prison": prison,
        "staff": staff,
        "pom_type_words": poms.capital(poms.POM_TYPE_WORDS.get(poms.pom_type_of(staff), "not a POM now")),
        "working_pattern": poms.working_pattern_words(staff),
        "rows": rows,
        "today": today,
    }
    return render(request, "allocation/pom_caseload.html", context)
