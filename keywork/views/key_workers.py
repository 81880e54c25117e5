"""The key workers page (caseloads against capacity) and the allocation page (allocate, reallocate,
end allocations, confirm auto-allocation).

Views stay thin: omic.access decides scope (404 outside it, 403 for a role that may not),
keywork.selectors reads, keywork.services writes (validated and audited).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from keywork import services
from keywork.forms.key_workers import (
    AllocateForm,
    ConfirmAllocationsForm,
    EndAllocationForm,
    MoveCaseloadForm,
)
from keywork.selectors import allocate as allocate_selectors
from keywork.selectors import caseloads
from omic import access, dates
from omic.access import Action
from omic.dates import long_date
from omic.downloads import csv_response, wants_csv
from omic.models import Prison

# One row per key worker, as on the page; reasons are codes of NOT_ELIGIBLE_REASONS joined by ";".
KEY_WORKER_CSV_COLUMNS: dict[str, Callable] = {
    "staff_id": attrgetter("staff_id"),
    "first_name": attrgetter("first_name"),
    "last_name": attrgetter("last_name"),
    "prison_code": attrgetter("prison_code"),
    "wing_code": attrgetter("wing_code"),
    "status": attrgetter("status"),
    "in_post": attrgetter("in_post"),
    "key_worker_trained_on": attrgetter("key_worker_trained_on"),
    "trained": attrgetter("trained"),
    "capacity": attrgetter("capacity"),
    "caseload": attrgetter("caseload"),
    "remaining_capacity": attrgetter("remaining"),
    "eligible": attrgetter("eligible"),
    "not_eligible_reasons": lambda row: ";".join(row.not_eligible),
}


def key_workers(request: HttpRequest, code: str) -> HttpResponse:
    """Every key worker at the prison today: caseload against capacity, and who may take more."""
    user = request.user
    prison = access.prison_for(user, code, Action.VIEW_PRISON)
    today = dates.today()
    rows = caseloads.key_worker_rows(prison, today)
    if wants_csv(request):
        return csv_response(
            f"{prison.code}-key-workers-{today.isoformat()}.csv", KEY_WORKER_CSV_COLUMNS, rows
        )
    context = {
        "prison": prison,
        "rows": rows,
        "eligible": sum(row.eligible for row in rows),
        "over_capacity": sum(row.over_capacity for row in rows),
        "needs": caseloads.needs_key_worker_counts(prison, today),
        "may_allocate": access.may(user, Action.ALLOCATE),
        "today": today,
    }
    return render(request, "keywork/key_workers.html", context)


def _add_service_errors(form: Form, error: ValidationError) -> None:
    """Each message beside its field when the form has it; at the top of the summary otherwise
    (e.g. a start or end date, which is always today on this page)."""
    for field, field_messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def _allocate(request: HttpRequest, form: AllocateForm) -> bool:
    if not form.is_valid():
        return False
    prisoner, key_worker = form.cleaned_data["prisoner"], form.cleaned_data["key_worker"]
    try:
        services.allocate_key_worker(
            allocated_by=request.user,
            prisoner=prisoner,
            prison=form.prison,
            key_worker=key_worker,
            start_date=form.on,
            reason=form.cleaned_data["reason"],
            shown_at=_shown_at(request),
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return False
    messages.success(
        request,
        f"{key_worker.full_name} ({key_worker.staff_id}) is now the key worker of "
        f"{prisoner.first_name} {prisoner.last_name} ({prisoner.prison_number}) from {long_date(form.on)}.",
    )
    return True


def _shown_at(request: HttpRequest) -> dt.datetime | None:
    """When the page the admin allocated from was shown (a hidden field; None if absent or not
    a time, as from an older page: then no such check)."""
    try:
        shown = dt.datetime.fromisoformat(request.POST.get("shown_at", ""))
    except ValueError:
        return None
    return shown if timezone.is_aware(shown) else None


def _end(request: HttpRequest, form: EndAllocationForm) -> bool:
    if not form.is_valid():
        return False
    allocation = form.cleaned_data["prisoner"]
    try:
        services.deallocate_key_worker(
            by=request.user, allocation=allocation, end_date=form.on, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return False
    prisoner = allocation.prisoner
    messages.success(
        request,
        f"{prisoner.first_name} {prisoner.last_name} ({prisoner.prison_number}) no longer has "
        f"{allocation.key_worker.full_name} as key worker from {long_date(form.on)}: "
        "they now need a key worker.",
    )
    return True


def _confirm(request: HttpRequest, form: ConfirmAllocationsForm, prison: Prison, today: dt.date) -> list[str]:
    """Save the reviewed proposal; the problems to show when it is refused (nothing is saved then)."""
    if not form.is_valid():
        return [message for field_messages in form.errors.values() for message in field_messages]
    try:
        created = services.confirm_allocations(
            prison=prison, on=today, confirmed_by=request.user, proposals=form.cleaned_data["proposals"]
        )
    except ValidationError as error:
        return [message for field_messages in error.message_dict.values() for message in field_messages]
    if created:
        count = len(created)
        messages.success(request, f"{count} key worker allocation{'s' if count != 1 else ''} confirmed.")
    else:
        # Confirming twice (or a proposal another admin confirmed first) changes nothing.
        messages.info(request, "Nothing changed: every prisoner in the proposal already has a key worker.")
    return []


def _move(request: HttpRequest, form: MoveCaseloadForm, prison: Prison, today: dt.date) -> list[str]:
    """Move a key worker's prisoners as reviewed; the problems to show when refused (nothing saved)."""
    if not form.is_valid():
        return [message for field_messages in form.errors.values() for message in field_messages]
    staff_id = form.cleaned_data["staff_id"]
    try:
        created = services.move_caseload(
            prison=prison,
            on=today,
            staff_id=staff_id,
            moved_by=request.user,
            proposals=form.cleaned_data["proposals"],
        )
    except ValidationError as error:
        return [message for field_messages in error.message_dict.values() for message in field_messages]
    count = len(created)
    messages.success(
        request,
        f"{count} prisoner{'s' if count != 1 else ''} of {staff_id} moved to the proposed key workers "
        f"from {long_date(today)}.",
    )
    return []


FORMS = ("allocate", "end", "confirm", "move")


def allocate(request: HttpRequest, code: str) -> HttpResponse:
    """Prisoners who need a key worker, a form to allocate, reallocate or end an allocation, and
    the auto-allocation proposal to confirm. Everything starts (or ends) today."""
    user = request.user
    prison = access.prison_for(user, code, Action.ALLOCATE)
    today = dates.today()
    submitted = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST" and submitted not in FORMS:
        return HttpResponseBadRequest("Unknown form", content_type="text/plain; charset=utf-8")
    # Links from the table fill in the prison number of the prisoner chosen.
    initial = {"prisoner": request.GET.get("prisoner", "")}
    allocate_form = AllocateForm(
        request.POST if submitted == "allocate" else None,
        prefix="allocate",
        initial=initial,
        prison=prison,
        on=today,
    )
    end_form = EndAllocationForm(
        request.POST if submitted == "end" else None, prefix="end", initial=initial, prison=prison, on=today
    )
    confirm_errors: list[str] = []
    move_errors: list[str] = []
    # After a change: back to the top of the page, where the success banner is, with the
    # prisoners who still need a key worker right below it.
    if submitted == "allocate" and _allocate(request, allocate_form):
        return redirect("keywork:allocate", prison.code)
    if submitted == "end" and _end(request, end_form):
        return redirect("keywork:allocate", prison.code)
    if submitted == "confirm":
        confirm_errors = _confirm(request, ConfirmAllocationsForm(request.POST), prison, today)
        if not confirm_errors:
            return redirect("keywork:allocate", prison.code)
    moving = request.GET.get("move", "")
    if submitted == "move":
        moving = request.POST.get("staff_id", "")
        move_errors = _move(request, MoveCaseloadForm(request.POST, prison=prison), prison, today)
        if not move_errors:
            return redirect("keywork:allocate", prison.code)

    page = allocate_selectors.allocation_page(prison, today)
    review = allocate_selectors.move_review(page, prison, today, moving) if moving else None
    if moving and review is None:
        move_errors = move_errors or [
            f"{moving} is not a key worker here whose prisoners need moving: choose one from the list"
        ]
    # Always the proposal as it stands now: a refused one is not offered again.
    confirm_form = ConfirmAllocationsForm(
        initial={"proposals": ConfirmAllocationsForm.encode(page.proposals)}
    )
    error_form = {"allocate": allocate_form, "end": end_form}.get(submitted)
    context = {
        "prison": prison,
        "page": page,
        "allocate_form": allocate_form,
        "end_form": end_form,
        "confirm_form": confirm_form,
        "error_form": error_form if error_form is not None and error_form.errors else None,
        "confirm_errors": confirm_errors,
        "move_errors": move_errors,
        "review": review,
        "move_form": MoveCaseloadForm(
            initial={"staff_id": moving, "proposals": MoveCaseloadForm.encode(review.proposals)},
            prison=prison,
        )
        if review
        else None,
        "today": today,
        "shown_at": timezone.now().isoformat(),
    }
    return render(request, "keywork/allocate.html", context)
