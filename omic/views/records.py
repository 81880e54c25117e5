"""Admins' pages for a prison's records: a staff member, the benchmarks, the prison settings.

Every role that may see the prison sees these pages; only admins get the forms (a POST from
any other role is 403). After a save the page redirects to itself (or the list) with the
confirmation at the top, and says when the change turned key work on or off."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from omic import access, dates, selectors, signals
from omic.access import Action
from omic.forms.records import BenchmarkForm, PrisonSettingsForm, StaffForm
from omic.models import Benchmark, StaffMember
from omic.services import prisons as prison_services
from omic.services import staff as staff_services
from omic.views.forms import show_refusals


def _may_edit(request: HttpRequest) -> bool:
    editing = access.may(request.user, Action.EDIT_PRISON)
    if request.method == "POST" and not editing:
        raise PermissionDenied
    return editing


def _confirm(request: HttpRequest, text: str, before: signals.WeekStatus, prison) -> None:
    after = signals.key_work_status(prison)
    messages.success(request, " ".join([text, *signals.key_work_changes(before, after)]))


def staff_member(request: HttpRequest, code: str, staff_id: str) -> HttpResponse:
    """One staff member: details, then (from other apps' panels) caseload and sessions; admins
    edit the record here."""
    prison = access.prison_for(request.user, code)
    staff = (
        StaffMember.objects.select_related("wing", "prison").filter(prison=prison, staff_id=staff_id).first()
    )
    if staff is None:
        raise Http404("No such staff member")
    editing = _may_edit(request)
    form = None
    if editing:
        initial = {field: getattr(staff, field) for field in staff_services.EDITABLE}
        form = StaffForm(request.POST or None, initial=initial, wings=prison.wings.all())
        if request.method == "POST" and form.is_valid():
            before = signals.key_work_status(prison)
            changes = {field: form.cleaned_data[field] for field in staff_services.EDITABLE}
            try:
                staff_services.update_staff(
                    staff=staff, by=request.user, changes=changes, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                show_refusals(form, error)
            else:
                _confirm(request, f"{staff.full_name}'s record is saved.", before, prison)
                return redirect("omic:staff_member", prison.code, staff.staff_id)
    context = {"prison": prison, "staff": staff, "form": form, "today": dates.today()}
    return render(request, "omic/staff_member.html", context)


def benchmarks(request: HttpRequest, code: str) -> HttpResponse:
    """The TSF benchmarks with their effective dates; admins add one, or correct one
    (`?correct=<id>`: the form comes filled in with it)."""
    user = request.user
    prison = access.prison_for(user, code)
    editing = _may_edit(request)
    correcting = None
    if editing and request.GET.get("correct", "").isdigit():
        correcting = Benchmark.objects.filter(prison=prison, pk=int(request.GET["correct"])).first()
        if correcting is None:
            raise Http404("No such benchmark")
    form = None
    if editing:
        initial = (
            {
                "effective_from": correcting.effective_from,
                "band3_benchmark_fte": correcting.band3_benchmark_fte,
            }
            if correcting
            else {}
        )
        form = BenchmarkForm(
            request.POST or None, initial=initial, button="Save correction" if correcting else "Add benchmark"
        )
        if request.method == "POST" and form.is_valid():
            before = signals.key_work_status(prison)
            data = form.cleaned_data
            fields = {
                "effective_from": data["effective_from"],
                "band3_benchmark_fte": data["band3_benchmark_fte"],
                "by": user,
                "reason": data["reason"],
            }
            try:
                if correcting:
                    prison_services.correct_benchmark(benchmark=correcting, **fields)
                else:
                    prison_services.add_benchmark(prison=prison, **fields)
            except ValidationError as error:
                show_refusals(form, error)
            else:
                what = "corrected" if correcting else "added"
                when = dates.long_date(data["effective_from"])
                _confirm(request, f"Benchmark from {when} {what}.", before, prison)
                return redirect("omic:benchmarks", prison.code)
    context = {
        "prison": prison,
        "benchmarks": selectors.benchmarks_for(user=user, prison=prison),
        "form": form,
        "correcting": correcting,
        "today": dates.today(),
    }
    return render(request, "omic/benchmarks.html", context)


def prison_settings(request: HttpRequest, code: str) -> HttpResponse:
    """Key work start date, default key worker capacity, POM model and when it was chosen."""
    prison = access.prison_for(request.user, code)
    editing = _may_edit(request)
    form = None
    if editing:
        initial = {field: getattr(prison, field) for field in prison_services.SETTINGS}
        form = PrisonSettingsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            before = signals.key_work_status(prison)
            changes = {field: form.cleaned_data[field] for field in prison_services.SETTINGS}
            changes["pom_model"] = changes["pom_model"] or ""
            try:
                prison = prison_services.update_prison_settings(
                    prison=prison, by=request.user, changes=changes, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                show_refusals(form, error)
            else:
                _confirm(request, f"Settings for {prison.name} saved.", before, prison)
                return redirect("omic:prison_settings", prison.code)
    return render(request, "omic/prison_settings.html", {"prison": prison, "form": form})
