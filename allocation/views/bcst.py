"""`/prisons/<CODE>/bcst/`: the prison's BCSTs due and overdue (sorted on the server, paged,
`?format=csv`); admins record a completion (`?record=<ID>` opens the form for one task)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from allocation import services
from allocation.forms.bcst import BcstCompletionForm
from allocation.selectors import bcst as selectors
from omic import access, dates
from omic.access import Action
from omic.downloads import csv_response, wants_csv
from omic.sorting import SortOrder
from omic.views.forms import show_refusals

PAGE_SIZE = 50

BCST_CSV_COLUMNS: dict[str, Callable] = {
    "prison_code": lambda b: b.prison_id,
    "prison_number": lambda b: b.spell.prisoner_id,
    "first_name": lambda b: b.spell.prisoner.first_name,
    "last_name": lambda b: b.spell.prisoner.last_name,
    "wing_code": lambda b: b.spell.wing.code if b.spell.wing else None,
    "reception_date": lambda b: b.spell.reception_date,
    "due_on": lambda b: b.due_on,
    "overdue": lambda b: b.is_overdue,
}


def bcst(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    prison = access.prison_for(user, code)
    today = dates.today()
    order = SortOrder.from_request(request, list(selectors.BCST_SORTS))
    rows = selectors.open_bcsts(prison=prison, today=today, order=order)
    if wants_csv(request):
        return csv_response(f"{prison.code}-bcst-{today.isoformat()}.csv", BCST_CSV_COLUMNS, rows)
    editing = access.may(user, Action.EDIT_PRISON)
    if request.method == "POST" and not editing:
        raise PermissionDenied
    recording, form = None, None
    if editing and request.GET.get("record", "").isdigit():
        recording = selectors.bcst_for(prison=prison, bcst_id=int(request.GET["record"]))
        if recording is None:
            raise Http404("No such BCST")
        form = BcstCompletionForm(
            request.POST or None, staff=selectors.bcst_staff(prison=prison, today=today)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.record_bcst_completion(
                    bcst=recording,
                    completed_on=form.cleaned_data["completed_on"],
                    completed_by=form.cleaned_data["completed_by"],
                    by=user,
                )
            except ValidationError as error:
                show_refusals(form, error)
            else:
                prisoner = recording.spell.prisoner
                messages.success(
                    request,
                    f"BCST of {prisoner.first_name} {prisoner.last_name} ({prisoner.prison_number}) recorded "
                    f"as completed on {dates.long_date(form.cleaned_data['completed_on'])} by "
                    f"{form.cleaned_data['completed_by'].full_name}.",
                )
                return redirect("allocation:bcst", prison.code)
    context = {
        "prison": prison,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "order": order,
        "counts": selectors.bcst_counts(prison=prison, today=today),
        "editing": editing,
        "recording": recording,
        "form": form,
        "today": today,
    }
    return render(request, "allocation/bcst.html", context)
