"""The wing's behind list as CSV (the wing page itself is omic's; key work's summary and
behind list reach it through templates/keywork/includes/wing_panel.html)."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.http import HttpRequest, HttpResponse

from keywork.selectors import behind
from omic import access, dates, downloads
from omic.access import Action

BEHIND_CSV_COLUMNS: dict[str, Callable] = {
    "prison_number": attrgetter("prisoner_id"),
    "first_name": attrgetter("first_name"),
    "last_name": attrgetter("last_name"),
    "entitled_minutes": lambda row: downloads.two_places(row.entitled_minutes),
    "delivered_minutes": lambda row: downloads.two_places(row.delivered_minutes),
    "deficit_minutes": lambda row: downloads.two_places(row.deficit_minutes),
    "last_session_date": attrgetter("last_session"),
    "days_since_last_session": attrgetter("days_since_last_session"),
    "key_worker_staff_id": attrgetter("key_worker_id"),
    "key_worker_name": attrgetter("key_worker_name"),
}


def behind_csv(request: HttpRequest, code: str, wing_code: str) -> HttpResponse:
    """The behind list of the wing today, most behind first, as on the wing page."""
    wing = access.wing_for(request.user, code, wing_code)
    access.require(request.user, Action.DOWNLOAD)
    today = dates.today()
    filename = f"{wing.prison_id}-wing-{wing.code}-behind-{today.isoformat()}.csv"
    return downloads.csv_response(filename, BEHIND_CSV_COLUMNS, behind.behind(wing, today))
