"""Data for key work's panels on the core pages (omic_tags.optional_include renders them with
the page's context): `{% load keywork_pages %}`. Scope was decided by the page's view."""

from __future__ import annotations

from django import template

from keywork.selectors import behind, weekly
from keywork.selectors import prisoner as prisoner_selectors
from omic import access
from omic.access import Action

register = template.Library()


@register.simple_tag
def keywork_prison_weeks(prison):
    return weekly.prison_weeks(prison)


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
def keywork_prisoner(prisoner, today) -> dict:
    """The prisoner's current key worker and last 10 sessions."""
    return {
        "allocation": prisoner_selectors.current_allocation(prisoner, today),
        "sessions": prisoner_selectors.recent_sessions(prisoner),
    }
