"""The audit trail of a prison's records (formats.md `/prisons/<CODE>/audit/`): admins of the
prison and HQ (read only); filtered by kind of record, person and date; paged; CSV."""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from omic import access, dates, selectors
from omic.access import Action
from omic.downloads import csv_response, wants_csv

AUDIT_CSV_COLUMNS = {
    "at": lambda e: e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    "prison_code": lambda e: e.prison_id,
    "by": lambda e: e.actor_name,
    "action": lambda e: e.action,
    "record": lambda e: e.object_type,
    "record_id": lambda e: e.object_id,
    "before": lambda e: json.dumps(e.before, sort_keys=True) if e.before is not None else None,
    "after": lambda e: json.dumps(e.after, sort_keys=True) if e.after is not None else None,
    "reason": lambda e: e.reason,
}


class AuditFilter(forms.Form):
    kind = forms.ChoiceField(required=False, label="Kind of record")
    person = forms.CharField(required=False, max_length=150, label="Changed by (username)")
    date_from = forms.DateField(required=False, label="From (YYYY-MM-DD)", input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(required=False, label="To (YYYY-MM-DD)", input_formats=["%Y-%m-%d"])

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any"), *((k, k.replace("_", " ")) for k in kinds)]
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = (
                "Enter a date as year-month-day, for example 2025-03-27"
            )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data


def audit_trail(request: HttpRequest, code: str) -> HttpResponse:
    prison = access.prison_for(request.user, code, Action.VIEW_AUDIT)
    form = AuditFilter(request.GET or None, kinds=selectors.audit_kinds(prison=prison))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_events(
        prison=prison,
        kind=filters.get("kind", ""),
        person=filters.get("person", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if wants_csv(request):
        return csv_response(f"{prison.code}-audit-{dates.today().isoformat()}.csv", AUDIT_CSV_COLUMNS, events)
    page = Paginator(events, selectors.AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "omic/audit.html", {"prison": prison, "form": form, "page": page})
