"""Data for key work's panels on the core pages (omic_tags.optional_include renders them with
the page's context): `{% load keywork_pages %}`. Scope was decided by the page's view."""

from __future__ import annotations

from django import template
from django.db.models.functions import TruncWeek

from keywork.selectors import behind, weekly
from keywork.selectors import prisoner as prisoner_selectors
from omic import access
from omic.access import Action

register = template.Library()


@register.simple_tag
def keywork_prison_weeks(prison):
    return weekly.prison_weeks(prison)


@register.simple_tag
def keywork_not_held_this_week(prison):
    return weekly.not_held_this_week(prison)


@register.simple_tag
def keywork_suspensions_in(weeks):
    return weekly.suspensions_in(weeks)


@register.simple_tag
def keywork_behind(wing, today):
    return behind.behind(wing, today)


@register.simple_tag
def keywork_may_record(user) -> bool:
    return access.may(user, Action.RECORD_SESSIONS)


@register.simple_tag
def keywork_prisoner(prisoner, today, user) -> dict:
    """The prisoner's current key worker and last 10 sessions, at the prisons the user may see."""
    return {
        "allocation": prisoner_selectors.current_allocation(user, prisoner, today),
        "sessions": prisoner_selectors.recent_sessions(user, prisoner),
    }


@register.simple_tag
def keywork_staff(staff, today) -> dict:
    """A staff member's key work: the prisoners allocated to them at their prison today, and
    the sessions they delivered in the behind window (four complete weeks and this one)."""
    from django.db.models import Count, Sum

    from keywork import eligibility
    from keywork.models import KeyWorkerAllocation, Session
    from omic import dates

    caseload = list(
        KeyWorkerAllocation.objects.filter(
            eligibility.allocation_active_q(today), key_worker=staff, prison_id=staff.prison_id
        )
        .select_related("prisoner")
        .order_by("prisoner__last_name", "prisoner__first_name")
    )
    since = dates.week_start(today) - 4 * dates.WEEK
    delivered = Session.objects.filter(
        key_worker=staff, prison_id=staff.prison_id, date__range=(since, today), deleted_at__isnull=True
    )
    weeks = {
        row["week"]: row
        for row in delivered.annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(sessions=Count("*"), minutes=Sum("duration_minutes"))
    }
    rows = []
    for i in range(5):
        monday = since + i * dates.WEEK
        found = weeks.get(monday, {})
        sessions, minutes = found.get("sessions", 0), found.get("minutes", 0)
        rows.append({"week_start": monday, "sessions": sessions, "minutes": minutes})
    capacity = eligibility.capacity_of(staff, staff.prison)
    return {"caseload": caseload, "weeks": rows[::-1], "capacity": capacity}
