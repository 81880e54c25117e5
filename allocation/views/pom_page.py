"""The prisoner's POM page (formats.md `/prisoners/<PRISON_NUMBER>/pom/`): responsibility and
handover, the primary and co-working POMs, the sentence record and the override.

Every role that may see the prisoner sees the page; the forms are for admins of the prison
holding the prisoner today (a POST from anyone else is 403). After a change the page
redirects to itself, with the confirmation at the top."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from allocation import reasons, services
from allocation.forms.pom_page import (
    AllocatePomForm,
    DeallocatePomForm,
    OverrideForm,
    RemoveOverrideForm,
    SentenceForm,
)
from allocation.models import PomRole, ResponsibilityOverride
from allocation.selectors import poms
from allocation.services.pom_allocations import holding_spell
from allocation.services.sentences import FIELDS as SENTENCE_FIELDS
from omic import access, dates
from omic.access import Action
from omic.views.forms import show_refusals

FORMS = ("allocate", "deallocate", "sentence", "override", "remove_override")


def _bound(request: HttpRequest, name: str):
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


def _allocate(request, form: AllocatePomForm, prisoner, prison) -> bool:
    if not form.is_valid():
        return False
    staff, role = form.cleaned_data["staff_member"], form.cleaned_data["role"]
    try:
        services.allocate_pom(
            by=request.user, prisoner=prisoner, prison=prison, staff_member=staff, role=role,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except ValidationError as error:
        show_refusals(form, error)
        return False
    messages.success(
        request,
        f"{staff.full_name} ({staff.staff_id}) is now the {poms.role_words(role)} of "
        f"{prisoner.first_name} {prisoner.last_name} ({prisoner.prison_number}).",
    )
    return True


def _deallocate(request, form: DeallocatePomForm, prisoner) -> bool:
    if not form.is_valid():
        return False
    try:
        ended = services.deallocate_pom(
            by=request.user,
            prisoner=prisoner,
            role=form.cleaned_data["role"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        show_refusals(form, error)
        return False
    names = " and ".join(f"{a.staff_member.full_name} ({poms.role_words(a.role)})" for a in ended)
    messages.success(request, f"{names} deallocated from {prisoner.prison_number}.")
    return True


def _sentence(request, form: SentenceForm, prisoner) -> bool:
    if not form.is_valid():
        return False
    values = {name: form.cleaned_data[name] for name in SENTENCE_FIELDS}
    try:
        services.save_sentence(
            prisoner=prisoner, by=request.user, values=values, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        show_refusals(form, error)
        return False
    messages.success(
        request, f"Sentence record of {prisoner.prison_number} saved; responsibility is recalculated."
    )
    return True


def _override(request, form: OverrideForm, prisoner) -> bool:
    if not form.is_valid():
        return False
    try:
        override = services.override_responsibility(
            prisoner=prisoner,
            responsibility=form.cleaned_data["responsibility"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as error:
        show_refusals(form, error)
        return False
    messages.success(request, f"Responsibility overridden: {override.get_responsibility_display()}.")
    return True


def _remove_override(request, form: RemoveOverrideForm, prisoner) -> bool:
    if not form.is_valid():
        return False
    try:
        services.remove_override(prisoner=prisoner, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        show_refusals(form, error)
        return False
    messages.success(request, "Override removed: the calculated responsibility applies again.")
    return True


def prisoner_pom(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = request.user
    prisoner = access.prisoner_for(user, prison_number)
    today = dates.today()
    spell = holding_spell(prisoner, today)
    editing = (
        spell is not None
        and access.may(user, Action.ALLOCATE)
        and access.visible_prisons(user).filter(pk=spell.prison_id).exists()
    )
    submitted = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST":
        if not editing:
            raise PermissionDenied
        if submitted not in FORMS:
            return HttpResponseBadRequest("Unknown form", content_type="text/plain; charset=utf-8")

    figures = poms.figures_for(prisoner, today)
    prisons_seen = access.visible_spells(user).filter(prisoner=prisoner).values("prison_id")
    current = poms.current_pom_allocations(prisoner, prisons_seen)
    sentence = poms.sentence_of(prisoner)
    override = ResponsibilityOverride.objects.filter(prisoner=prisoner, removed_at__isnull=True).first()
    context = {
        "prisoner": prisoner,
        "spell": spell,
        "figures": figures,
        "why": reasons.why(figures),
        "recommended_words": poms.POM_TYPE_WORDS.get(figures.recommended_pom_type, ""),
        "calculated_words": reasons.reason_words(figures.calculated_reason),
        "current": current,
        "history": poms.pom_history(prisoner, prisons_seen),
        "sentence": sentence,
        "override": override,
        "editing": editing,
        "today": today,
    }
    if editing:
        prison = spell.prison
        candidates = poms.pom_candidates(prison, today, figures.recommended_pom_type)
        has_primary = any(a.role == PomRole.PRIMARY for a in current)
        forms = {
            "allocate": AllocatePomForm(
                _bound(request, "allocate"),
                initial={"role": PomRole.CO_WORKING if has_primary else PomRole.PRIMARY},
                candidates=candidates,
                recommended_words=context["recommended_words"],
            ),
            "deallocate": DeallocatePomForm(
                _bound(request, "deallocate"), current=current, prefix="deallocate"
            )
            if current
            else None,
            "sentence": SentenceForm(
                _bound(request, "sentence"),
                auto_id="sentence_%s",
                initial={name: getattr(sentence, name) for name in SENTENCE_FIELDS} if sentence else {},
            ),
            "override": OverrideForm(_bound(request, "override"), auto_id="override_%s"),
            "remove_override": RemoveOverrideForm(
                _bound(request, "remove_override"), auto_id="remove_override_%s"
            )
            if override
            else None,
        }
        form = forms.get(submitted)
        done = {
            "allocate": lambda: _allocate(request, form, prisoner, prison),
            "deallocate": lambda: _deallocate(request, form, prisoner),
            "sentence": lambda: _sentence(request, form, prisoner),
            "override": lambda: _override(request, form, prisoner),
            "remove_override": lambda: _remove_override(request, form, prisoner),
        }
        if submitted:
            if form is None:
                return HttpResponseBadRequest("Nothing to change", content_type="text/plain; charset=utf-8")
            if done[submitted]():
                return redirect("allocation:prisoner_pom", prisoner.prison_number)
        context.update(
            forms=forms,
            candidates=candidates,
            error_form=form if form is not None and form.errors else None,
            submitted=submitted,
            prison=prison,
        )
    return render(request, "allocation/prisoner_pom.html", context)
