"""Data for key work's panels on the core pages (omic_tags.optional_include renders them with
the page's context): `{% load keywork_pages %}`. Scope was decided by the page's view."""

from __future__ import annotations

from django import template
from django.db.models.functions import TruncWeek

from keywork import reports
from keywork.selectors import behind, weekly
from keywork.selectors import prisoner as prisoner_selectors
from omic import access
from omic.access import Action

register = template.Library()


@register.simple_tag
def keywork_prison_weeks(prison):
    return weekly.prison_weeks(prison)


@register.simple_tag
def keywork_not_held_by_week(prison) -> dict:
    """Sessions not held by reason for the last 8 weeks, with the table's columns."""
    from omic.templatetags.omic_tags import Column

    not_held = weekly.not_held_by_week(prison)
    reasons = [Column(label, numeric=True) for label in not_held["reasons"]]
    week = Column("Week starting", sort="descending")
    not_held["columns"] = [week, *reasons, Column("Total", numeric=True)]
    return not_held


@register.simple_tag
def keywork_suspensions_in(weeks):
    return weekly.suspensions_in(weeks)


@register.simple_tag
def keywork_wing_summary(wing, today):
    return behind.wing_summary(wing, today)


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


@register.simple_tag
def keywork_insight(prison, today) -> dict:
    """The governor's view of the last 12 computed weeks (one query): the trend chart, this
    week's status, and why compliance moved between the last two complete weeks."""
    from keywork.insight import movement, trend
    from keywork.models import PrisonWeek
    from omic import dates

    monday = dates.week_start(today)
    recent = PrisonWeek.objects.filter(prison_id=prison.pk, week_start__lte=monday).order_by("-week_start")
    rows = list(recent[:12])[::-1]
    by_week = {row.week_start: row for row in rows}
    last, before = by_week.get(monday - dates.WEEK), by_week.get(monday - 2 * dates.WEEK)
    moved = movement.explain(before, last) if last and before else None
    return {
        "trend": trend.trend(rows),
        "this_week": by_week.get(monday),
        "last": last,
        "moved": moved,
        "moved_words": _moved_words(moved) if moved else [],
    }


def _moved_words(moved) -> list[str]:
    """The usual causes beside the two parts, in words (only those that changed)."""
    words = []
    causes = moved.causes
    labels = {
        "not_held_staff_redeployed": "sessions not held because staff were redeployed",
        "not_held_prisoner_refused": "sessions not held because the prisoner refused",
        "not_held_prisoner_unavailable": "sessions not held because the prisoner was unavailable",
        "not_held_other": "sessions not held for other reasons",
        "prisoners": "prisoners",
    }
    for key, label in labels.items():
        if causes.get(key):
            words.append(f"{causes[key]:+d} {label}")
    if causes.get("band3_in_post_fte"):
        words.append(f"{causes['band3_in_post_fte']:+.2f} Band 3 FTE in post")
    return words


@register.filter
def points(value) -> str:
    """A Fraction of percentage points as signed text to 1 place: +3.4 / −2.0."""
    from keywork.insight.movement import pct_points

    rounded = pct_points(value)
    return f"+{rounded}" if rounded > 0 else f"−{-rounded}" if rounded < 0 else "0.0"


@register.filter
def suspension_words(code: str) -> str:
    """A suspension reason's code in words (keywork.status)."""
    from keywork.status import SUSPENSION_REASONS

    return SUSPENSION_REASONS.get(code, code)


@register.simple_tag
def keywork_csv_weeks(today) -> list:
    """The Mondays a governor may choose for the CSV's range: this week back three years."""
    from omic import dates

    monday = dates.week_start(today)
    return [monday - i * dates.WEEK for i in range(156)]


@register.simple_tag
def keywork_home(user, today) -> dict:
    """Key work at a glance for the home page: a wing manager's wings (prisoners behind, key
    work this week), a governor's or admin's prisons (compliance this week and last), HQ's
    nation (last complete week's totals, the prisons furthest below benchmark). A fixed number
    of queries for governors and HQ; a wing manager's grows with their few wings."""
    from keywork.models import PrisonWeek
    from keywork.selectors import national
    from omic import access, dates
    from omic.models import Role

    monday = dates.week_start(today)
    if user.role == Role.WING_MANAGER:
        wings = access.visible_wings(user).select_related("prison").order_by("prison_id", "code")
        return {
            "wings": [
                {
                    "wing": w,
                    "behind": len(behind.behind(w, today)),
                    "suspended": weekly.suspension_reasons_for_week(w.prison, today),
                }
                for w in wings
            ]
        }
    if user.role == Role.HQ:
        last = monday - dates.WEEK
        rows = national.national_rows(user=user, week=last)
        gaps = [r for r in rows if r["tsf_gap_fte"] is not None and r["tsf_gap_fte"] < 0]
        short = sorted(gaps, key=lambda r: r["tsf_gap_fte"])
        return {"week": last, "totals": national.totals(rows), "furthest_below": short[:5]}
    weeks = PrisonWeek.objects.filter(
        prison__in=access.visible_prisons(user), week_start__in=[monday, monday - dates.WEEK]
    ).select_related("prison")
    by_prison: dict = {}
    for w in weeks:
        entry = by_prison.setdefault(w.prison_id, {"prison": w.prison, "this": None, "last": None})
        pct = reports.compliance_pct(w.delivered_minutes, w.entitled_sevenths) if w.key_work_enabled else None
        entry["this" if w.week_start == monday else "last"] = {"on": w.key_work_enabled, "pct": pct}
    return {"prisons": [by_prison[code] for code in sorted(by_prison)]}
