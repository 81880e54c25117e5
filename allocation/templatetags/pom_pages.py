"""Data for POM case management's panel on the prisoner profile (omic_tags.optional_include
renders it with the page's context): `{% load pom_pages %}`. Scope was decided by the view."""

from __future__ import annotations

from django import template

from allocation import reasons
from allocation.models import Responsibility, ResponsibilityOverride
from allocation.selectors import poms
from allocation.services.pom_allocations import holding_spell
from omic import access

register = template.Library()


@register.filter
def responsibility_label(code: str | None) -> str:
    return Responsibility(code).label if code in Responsibility.values else ""


@register.simple_tag
def pom_prisoner(prisoner, today, user) -> dict:
    """Where the prisoner stands in their sentence, for the key worker beside it: responsibility
    and why, the handover and COM dates, the POMs and the COM, the BCST of the current spell.
    POMs and the BCST only at prisons the user may see. A fixed number of queries."""
    figures = poms.figures_for(prisoner, today)
    prisons_seen = access.visible_spells(user).filter(prisoner=prisoner).values("prison_id")
    spell = holding_spell(prisoner, today)
    bcst = poms.bcst_of(spell.pk if spell is not None else None, prisons_seen)
    return {
        "figures": figures,
        "why": reasons.why(figures),
        "recommended_words": poms.POM_TYPE_WORDS.get(figures.recommended_pom_type, ""),
        "current": poms.current_pom_allocations(prisoner, prisons_seen),
        "sentence": poms.sentence_of(prisoner),
        "override": ResponsibilityOverride.objects.filter(prisoner=prisoner, removed_at__isnull=True).first()
        if figures.reason == "override"
        else None,
        "bcst": bcst,
        "spell": spell,
    }
