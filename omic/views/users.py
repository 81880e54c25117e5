"""The users of a prison (formats.md `/prisons/<CODE>/users/`): admins of the prison add
users, change their role, wings and staff link, switch them off, and set a new password that
the user must change at next sign-in. Other roles get 403 (the page is nothing but forms
and a list of who may sign in)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from omic import access
from omic.access import Action
from omic.forms.users import AddUserForm, ChangeAccessForm, NewPasswordForm
from omic.services import users as user_services
from omic.views.forms import show_refusals


def _prison(request: HttpRequest, code: str):
    prison = access.prison_for(request.user, code, Action.MANAGE_USERS)
    if not request.user.prisons.filter(pk=prison.pk).exists():
        raise PermissionDenied
    return prison


def _access(data: dict) -> dict:
    """What a user may do, as both forms that give it hold it: their role, wings and staff link."""
    return {"role": data["role"], "wing_codes": data["wings"], "staff_id": data["staff_id"]}


def users(request: HttpRequest, code: str) -> HttpResponse:
    prison = _prison(request, code)
    form = AddUserForm(request.POST or None, prison=prison)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_services.add_user_to_prison(
                by=request.user,
                prison=prison,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"],
                **_access(data),
            )
        except ValidationError as error:
            show_refusals(form, error)
        else:
            messages.success(
                request, f"{user.username} can now sign in; they will choose their own password first."
            )
            return redirect("omic:users", prison.code)
    people = user_services.users_of(prison).prefetch_related("wings").select_related("staff_member")
    return render(request, "omic/users.html", {"prison": prison, "people": people, "form": form})


def user_detail(request: HttpRequest, code: str, username: str) -> HttpResponse:
    prison = _prison(request, code)
    person = user_services.users_of(prison).filter(username=username).first()
    if person is None:
        raise Http404("No such user")
    initial = {
        "role": person.role,
        "wings": [w.code for w in person.wings.filter(prison=prison)],
        "staff_id": person.staff_member_id or "",
        "is_active": "true" if person.is_active else "false",
    }
    posted = request.POST if request.method == "POST" else None
    access_form = ChangeAccessForm(
        posted if posted and "role" in posted else None, initial=initial, prison=prison
    )
    password_form = NewPasswordForm(posted if posted and "password" in posted else None)
    if access_form.is_bound and access_form.is_valid():
        data = access_form.cleaned_data
        try:
            user_services.change_user_access(
                by=request.user,
                prison=prison,
                user=person,
                is_active=data["is_active"],
                **_access(data),
            )
        except ValidationError as error:
            show_refusals(access_form, error)
        else:
            messages.success(request, f"Access for {person.username} saved.")
            return redirect("omic:users", prison.code)
    if password_form.is_bound and password_form.is_valid():
        try:
            user_services.set_new_password(
                by=request.user, prison=prison, user=person, password=password_form.cleaned_data["password"]
            )
        except ValidationError as error:
            show_refusals(password_form, error)
        else:
            messages.success(
                request,
                f"New password set for {person.username}: they must change it when they next sign in.",
            )
            return redirect("omic:users", prison.code)
    context = {"prison": prison, "person": person, "access_form": access_form, "password_form": password_form}
    return render(request, "omic/user_detail.html", context)
