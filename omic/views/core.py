"""The core pages: home, prison dashboard, staff, wing, prisoner profile (the national view is
keywork.views.national, as it shows the weekly figures).

Views stay thin: omic.access decides scope (404 outside it, 403 for a role that may
not), omic.selectors reads, the template renders.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from omic import access, accounts, dates, selectors
from omic.access import Action
from omic.downloads import csv_response, two_places, wants_csv
from omic.forms import ChangePasswordForm, SignInForm
from omic.forms.staff_filter import StaffFilter
from omic.models import Role
from omic.sorting import SortOrder

PAGE_SIZE = 100

# The downloads' columns. Staff's names follow staff.csv (formats.md), so a download can be
# edited and loaded back.
STAFF_CSV_COLUMNS: dict[str, Callable] = {
    "staff_id": attrgetter("staff_id"),
    "first_name": attrgetter("first_name"),
    "last_name": attrgetter("last_name"),
    "prison_code": attrgetter("prison_id"),
    "band": attrgetter("band"),
    "role": attrgetter("role"),
    "fte": lambda s: two_places(s.fte),
    "contracted_hours": lambda s: f"{s.contracted_hours:.1f}",
    "in_post_from": attrgetter("in_post_from"),
    "in_post_to": attrgetter("in_post_to"),
    "key_worker_trained_on": attrgetter("key_worker_trained_on"),
    "key_worker_capacity": attrgetter("key_worker_capacity"),
    "wing_code": lambda s: s.wing.code if s.wing else None,
    "status": attrgetter("status"),
    "unavailable_reason": attrgetter("unavailable_reason"),
    "expected_back_on": attrgetter("expected_back_on"),
    "untrained_band3": attrgetter("is_untrained_band3"),
}
WING_CSV_COLUMNS: dict[str, Callable] = {
    "prison_number": attrgetter("prisoner_id"),
    "first_name": attrgetter("prisoner.first_name"),
    "last_name": attrgetter("prisoner.last_name"),
    "prison_code": attrgetter("prison_id"),
    "wing_code": attrgetter("wing.code"),
    "reception_date": attrgetter("reception_date"),
}


# Sign in and out: Django's views with GOV.UK forms.
sign_in = auth_views.LoginView.as_view(
    template_name="registration/login.html", authentication_form=SignInForm
)
# Signing out needs no session: a "Sign out" pressed after the session expired still lands
# on the sign-in page instead of a sign-in that then returns to a POST-only address.
# The sign-in page then says so ("You have signed out"), so a shared tablet shows it was done.
sign_out = login_not_required(auth_views.LogoutView.as_view(next_page="/login/?signed-out"))


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("omic:password_change_done")

    def form_valid(self, form):
        # Through the service, so the change is audited; the session stays signed in.
        accounts.change_password(user=form.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


change_password = ChangePasswordView.as_view()
change_password_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"today": dates.today()}
    if user.role == Role.WING_MANAGER:
        context["wings"] = selectors.wings_with_custody_counts(user=user)
    elif user.role in (Role.GOVERNOR, Role.ADMIN):
        context["prisons"] = selectors.prison_headlines(user=user)
    return render(request, "omic/home.html", context)


def prison_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    prison = access.prison_for(user, code)
    today = dates.today()
    context = {
        "prison": selectors.prison_headline(user=user, prison=prison, day=today),
        "wings": selectors.wings_with_custody_counts(user=user, prison=prison, day=today),
        "without_wing": selectors.prisoners_without_wing(user=user, prison=prison, day=today),
        "today": today,
    }
    return render(request, "omic/prison_dashboard.html", context)


def prison_staff(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    prison = access.prison_for(user, code)
    today = dates.today()
    include_left = request.GET.get("show") == "all"
    order = SortOrder.from_request(request, list(selectors.STAFF_SORTS))
    filters = StaffFilter(request.GET, wings=prison.wings.all())
    chosen = filters.cleaned_data if filters.is_valid() else {}
    staff = selectors.staff_for(
        user=user,
        prison=prison,
        day=today,
        include_left=include_left,
        order=order,
        band=chosen.get("band"),
        status=chosen.get("status", ""),
        wing=chosen.get("wing", ""),
        untrained_only=bool(chosen.get("untrained")),
    )
    if wants_csv(request):
        return csv_response(f"{prison.code}-staff-{today.isoformat()}.csv", STAFF_CSV_COLUMNS, staff)
    context = {
        "prison": selectors.prison_headline(user=user, prison=prison, day=today),
        "page": Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page")),
        "order": order,
        "benchmarks": selectors.benchmarks_for(user=user, prison=prison, day=today),
        "include_left": include_left,
        "filters": filters,
        "today": today,
    }
    return render(request, "omic/prison_staff.html", context)


def wing(request: HttpRequest, code: str, wing_code: str) -> HttpResponse:
    user = request.user
    wing = access.wing_for(user, code, wing_code)
    today = dates.today()
    spells = selectors.wing_prisoners(user=user, wing=wing, day=today)
    if wants_csv(request):
        filename = f"{wing.prison_id}-wing-{wing.code}-{today.isoformat()}.csv"
        return csv_response(filename, WING_CSV_COLUMNS, spells.select_related("wing"))
    context = {
        "wing": wing,
        "prison": wing.prison,
        "spells": spells,
        "may_view_prison": access.may(user, Action.VIEW_PRISON),
        "today": today,
    }
    return render(request, "omic/wing.html", context)


def prisoner(request: HttpRequest, prison_number: str) -> HttpResponse:
    user = request.user
    person = access.prisoner_for(user, prison_number)
    context = {
        "prisoner": person,
        "spells": selectors.prisoner_spells(user=user, prisoner=person),
        "today": dates.today(),
    }
    return render(request, "omic/prisoner.html", context)
