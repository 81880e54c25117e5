"""Template tags for the GOV.UK shell: navigation, sortable-table columns, optional panels.

`{% load omic_tags %}` in a template to use them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple
from urllib.parse import quote

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from omic import access, dates
from omic.access import Action
from omic.models import Role

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


class Section(NamedTuple):
    """One link of a prison's sub-navigation: shown to whoever may `action` (by default, whoever
    may view the prison), and left out while `url_name` is not (yet) in the URLconf, so each
    app's page appears here as soon as its URL exists under that name."""

    label: str
    url_name: str
    action: Action = Action.VIEW_PRISON


# A prison's sections in the order the sub-navigation shows them.
PRISON_SECTIONS = [
    Section("Dashboard", "omic:prison"),
    Section("Key workers", "keywork:key_workers"),
    Section("Allocate", "keywork:allocate", Action.ALLOCATE),
    Section("Staff", "omic:staff"),
    Section("Benchmarks", "omic:benchmarks"),
    Section("Planning", "keywork:planning"),
    Section("Handover", "allocation:handover"),
    Section("BCST", "allocation:bcst"),
    Section("POMs", "allocation:poms"),
    Section("Settings", "omic:prison_settings"),
    Section("Users", "omic:users", Action.MANAGE_USERS),
    Section("Audit trail", "omic:audit", Action.VIEW_AUDIT),
]


def _is_current(path: str, href: str, *, exact: bool) -> bool:
    return path == href if exact else path.startswith(href)


@register.inclusion_tag("includes/primary_navigation.html", takes_context=True)
def primary_navigation(context) -> dict:
    """The service's top-level links for the signed-in user's role."""
    request = context["request"]
    user = request.user
    path = request.path
    items: list[NavItem] = []
    if user.is_authenticated and user.role:
        home = reverse("omic:home")
        label = {Role.WING_MANAGER: "Your wings", Role.HQ: "Home"}.get(user.role, "Your prisons")
        items.append(NavItem(label, home, path == home))
        if access.may(user, Action.VIEW_PRISON) and not access.sees_all_prisons(user):
            for prison in context.get("header_prisons", []):
                href = reverse("omic:prison", args=[prison.code])
                items.append(NavItem(prison.name, href, _is_current(path, href, exact=False)))
        if access.sees_all_prisons(user):
            href = reverse("keywork:national")
            items.append(NavItem("National view", href, _is_current(path, href, exact=False)))
    return {"items": items}


@register.inclusion_tag("includes/prison_navigation.html", takes_context=True)
def prison_navigation(context, prison) -> dict:
    """Sub-navigation across one prison's pages, limited to what the role may open."""
    request = context["request"]
    items: list[NavItem] = []
    for label, url_name, action in PRISON_SECTIONS:
        if not access.may(request.user, action):
            continue
        try:
            href = reverse(url_name, args=[prison.code])
        except NoReverseMatch:
            continue
        items.append(NavItem(label, href, request.path == href))
    return {"items": items, "prison": prison}


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    sort: str = "none"  # aria-sort: "ascending" marks the column the rows arrive sorted by
    sortable: bool = True
    key: str = ""  # for a table sorted on the server (omic.sorting): the column's ?sort= value
    # Folded away on a tablet upright (CSS app-col--secondary): its row shows the value in a
    # main cell instead (app-narrow-only), so nothing is lost at 768 px.
    secondary: bool = False


@register.simple_tag
def table_columns(*specs: str) -> list[Column]:
    """Columns for includes/sortable_table.html from "Label|flag|flag" strings.

    Flags: numeric (right-aligned), ascending / descending (the rows' initial order),
    unsorted (no sort button, e.g. for an actions column), key=KEY (the column's ?sort=
    value where the table is sorted on the server), secondary (folded away at 768 px and
    below: give its cells app-col--secondary, and show the value in a main cell in an
    app-narrow-only span).
    """
    columns = []
    for spec in specs:
        label, *flags = spec.split("|")
        sort = next((flag for flag in flags if flag in ("ascending", "descending")), "none")
        key = next((flag.removeprefix("key=") for flag in flags if flag.startswith("key=")), "")
        sortable, secondary = "unsorted" not in flags, "secondary" in flags
        columns.append(Column(label, "numeric" in flags, sort, sortable, key, secondary))
    return columns


@register.simple_tag(takes_context=True)
def sort_url(context, key: str, order) -> str:
    """This page's address sorted by `key`: ascending, or descending if it is already sorted
    ascending by it; the other query parameters kept, back to the first page."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["sort"] = key
    query["dir"] = "desc" if order.key == key and not order.descending else "asc"
    return f"?{query.urlencode()}"


@register.simple_tag
def aria_sort(order, key: str) -> str:
    return order.aria_sort(key)


@register.simple_tag(takes_context=True)
def optional_include(context, template_name: str) -> str:
    """Render template_name with the page's context if it exists, else nothing.

    The hook by which another app adds a panel to a core page (e.g. key work figures on
    the prison dashboard) without the core importing that app.
    """
    try:
        panel = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    # The page's context already holds what the context processors gave (the request, the
    # CSRF token, the header's prisons): passing the request again would run them twice.
    return panel.render(context.flatten())


_ARGUMENT = "ARGUMENT"


@functools.cache
def _around_argument(name: str, script_prefix: str) -> tuple[str, str]:
    """The address of the page `name` (one argument) before and after its argument; cached for
    each script prefix, which the address starts with."""
    before, after = reverse(name, args=[_ARGUMENT]).split(_ARGUMENT)
    return before, after


@register.filter
def address(name: str, argument) -> str:
    """{{ 'omic:prisoner'|address:row.prisoner_id }}: the page's address, as {% url %} gives it,
    for the pages with one argument that tables link in every row. One reverse a process
    instead of one a row: a wing page links 170 prisoners, and each reverse cost as much as
    the rest of its row."""
    before, after = _around_argument(name, get_script_prefix())
    return f"{before}{quote(str(argument), safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


@register.filter
def day(value) -> str:
    """The one date style on pages (GOV.UK): 3 March 2025; nothing → "" (as Django's |date,
    so that `|day|default:"Not trained"` says what a missing date means)."""
    if not value:
        return ""
    return dates.long_date(_local(value).date() if isinstance(value, dt.datetime) else value)


@register.filter
def iso(value) -> str:
    """A date as machines read it (2025-03-03): option values and sort keys, London's calendar
    for an aware moment (as Django's |date:'Y-m-d', at a fraction of its cost); nothing → ""."""
    if not value:
        return ""
    return (_local(value).date() if isinstance(value, dt.datetime) else value).isoformat()


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware moment on London's clock (a naive one is taken as it is)."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def day_month(value) -> str:
    """The same style without the year, in a sentence about a recent week: 3 March."""
    return f"{value.day} {dates.MONTHS[value.month - 1]}" if value else ""


@register.filter
def day_short(value) -> str:
    """Only where twelve weeks stand side by side (a chart's axis, a trend's columns): 3 Mar."""
    return f"{value.day} {dates.MONTHS[value.month - 1][:3]}" if value else ""


@register.filter
def day_time(value) -> str:
    """A moment on pages: 3 March 2025, 14:05 (Europe/London); nothing → ""."""
    if not value:
        return ""
    return f"{day(value)}, {_local(value):%H:%M}"


@register.filter
def whole(value) -> str:
    """A count or minutes on a page: whole, rounded half up, with thousands separators
    (1,234); exports keep the contract's decimals. Nothing → an en dash."""
    if value is None or value == "":
        return "–"
    rounded = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{rounded:,}".replace("-", "−")


@register.filter
def fte(value) -> str:
    """FTE and benchmarks to 2 decimal places (formats.md); nothing → an em dash."""
    if value is None or value == "":
        return "–"
    return f"{Decimal(value):.2f}"


@register.filter
def signed_fte(value) -> str:
    """The TSF gap with its sign, so "short of the benchmark" reads at a glance."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    return f"+{value:.2f}" if value > 0 else f"−{-value:.2f}" if value < 0 else "0.00"


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """This page's address with ?page=number, keeping the other query parameters (filters)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.filter
def elided_page_range(page):
    """Page numbers around the current one, with the paginator's ELLIPSIS between runs."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*texts_and_hrefs: str) -> dict:
    """{% breadcrumbs "Home" home_url "Leeds" prison_url %}: the pages above this one."""
    pairs = list(zip(texts_and_hrefs[::2], texts_and_hrefs[1::2], strict=True))
    return {"crumbs": pairs}
