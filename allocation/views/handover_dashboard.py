"""`/prisons/<CODE>/handover/`: upcoming handovers, COM allocation overdue, prisoners in scope
without a POM, and BCSTs due and overdue (allocation.selectors.handover_dashboard). One list
at a time (`?list=upcoming|com_overdue|no_pom|bcst`), with each list's count, sorted on the
server, paged, and downloadable (`?list=...&format=csv`)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allocation.selectors import bcst as bcst_selectors
from allocation.selectors import handover_dashboard as selectors
from allocation.views.bcst import BCST_CSV_COLUMNS, PAGE_SIZE
from omic import access, dates
from omic.access import Action
from omic.downloads import csv_response, wants_csv
from omic.sorting import SortOrder

TITLES = {
    selectors.UPCOMING: "Upcoming handovers",
    selectors.COM_OVERDUE: "COM allocation overdue",
    selectors.NO_POM: "In scope without a POM",
    selectors.BCST: "BCSTs due and overdue",
}
# Each list as a sentence names it ("Download ... as CSV").
IN_WORDS = {
    selectors.UPCOMING: "upcoming handovers",
    selectors.COM_OVERDUE: "COM allocation overdue",
    selectors.NO_POM: "prisoners without a POM",
    selectors.BCST: "BCSTs due and overdue",
}
DESCRIPTIONS = {
    selectors.UPCOMING: "POM responsible now, with the handover to the COM in the next 56 days.",
    selectors.COM_OVERDUE: (
        "COM responsible since the handover date, more than 2 days ago, and no COM is named yet."
    ),
    selectors.NO_POM: "Sentenced adults in the prison who have no primary POM allocated.",
    selectors.BCST: "Basic Custody Screening Tool tasks not yet completed, due 3 days after reception.",
}

HANDOVER_CSV_COLUMNS: dict[str, Callable] = {
    "prison_code": lambda h: h.prison_id,
    "prison_number": lambda h: h.prisoner_id,
    "first_name": lambda h: h.prisoner.first_name,
    "last_name": lambda h: h.prisoner.last_name,
    "tier": lambda h: h.tier or None,
    "earliest_release_date": lambda h: h.earliest_release_date,
    "handover_date": lambda h: h.handover_date,
    "com_allocated_date": lambda h: h.com_allocated_date,
    "responsibility": lambda h: h.responsibility or None,
    "reason": lambda h: h.reason or None,
    "recommended_pom_type": lambda h: h.recommended_pom_type or None,
    "primary_pom_staff_id": lambda h: h.primary_pom_staff_id,
    "com_name": lambda h: h.com_name or None,
    "com_email": lambda h: h.com_email or None,
    "calculated_on": lambda h: h.calculated_on,
}


def handover_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    prison = access.prison_for(request.user, code)
    today = dates.today()
    chosen = request.GET.get("list")
    chosen = chosen if chosen in selectors.LISTS else selectors.UPCOMING
    if chosen == selectors.BCST:
        order = SortOrder.from_request(request, list(bcst_selectors.BCST_SORTS))
        rows = bcst_selectors.open_bcsts(prison=prison, today=today, order=order)
        columns = BCST_CSV_COLUMNS
    else:
        order = SortOrder.from_request(request, list(selectors.HANDOVER_SORTS))
        rows = selectors.handover_list(prison=prison, name=chosen, today=today, order=order)
        columns = HANDOVER_CSV_COLUMNS
    if wants_csv(request):
        return csv_response(
            f"{prison.code}-{chosen.replace('_', '-')}-{today.isoformat()}.csv", columns, rows
        )
    counts = selectors.list_counts(prison=prison, today=today)
    bcsts = bcst_selectors.bcst_counts(prison=prison, today=today)
    counts[selectors.BCST] = bcsts["due"] + bcsts["overdue"]
    tabs = [
        {"name": name, "title": TITLES[name], "count": counts[name], "active": name == chosen}
        for name in selectors.LISTS
    ]
    context = {
        "prison": prison,
        "tabs": tabs,
        "chosen": chosen,
        "title": TITLES[chosen],
        "description": DESCRIPTIONS[chosen],
        "in_words": IN_WORDS[chosen],
        "may_record": access.may(request.user, Action.EDIT_PRISON),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "order": order,
        "bcsts": bcsts,
        "today": today,
    }
    return render(request, "allocation/handover_dashboard.html", context)
