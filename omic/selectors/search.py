"""Find a prisoner (formats.md, `/search/?q=`): by prison number, or by name — a surname, or a
first and last name — in any case, among the prisoners the user may see.

Our reading: names match whole, not as prefixes ("Smith" does not find "Smithson"), as the
contract says "surname, or first and last name"; a name of more than two words is the first
name then the rest as the surname ("Mary Ann Smith-Jones" -> "Mary", "Ann Smith-Jones") or,
failing that, all but the last word as the first name. The prisoner's current prison and wing
come with each result in the same query."""

from __future__ import annotations

import re

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Upper

from omic import access
from omic.models import CustodySpell, Prisoner, User

PRISON_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
MAX_RESULTS = 50
QUERY_MAX_LENGTH = 100


def _name_matches(words: list[str]) -> Q:
    if len(words) == 1:
        return Q(last_upper=words[0])
    match = Q(first_upper=words[0], last_upper=" ".join(words[1:]))
    if len(words) > 2:
        match |= Q(first_upper=" ".join(words[:-1]), last_upper=words[-1])
    return match


def find_prisoners(*, user: User, query: str) -> QuerySet[Prisoner]:
    """Prisoners matching `query` that the user may see, at most MAX_RESULTS + 1 (so a page
    can say there were more), by surname, first name and number; each with `prison_name`,
    `prison_code` and `wing_name` of the spell that holds them."""
    words = query.upper().split()
    if not words:
        return Prisoner.objects.none()
    if len(words) == 1 and PRISON_NUMBER.match(words[0]):
        matched = Prisoner.objects.filter(prison_number=words[0])
    else:
        matched = Prisoner.objects.annotate(
            last_upper=Upper("last_name"), first_upper=Upper("first_name")
        ).filter(_name_matches(words))
    held = access.held_in_scope(user, matched)
    holding = CustodySpell.objects.filter(pk=OuterRef("holding_spell_id"))
    return held.annotate(
        prison_code=Subquery(holding.values("prison_id")),
        prison_name=Subquery(holding.values("prison__name")),
        wing_name=Subquery(holding.values("wing__name")),
        release_date=Subquery(holding.values("release_date")),
    ).order_by(F("last_name").asc(), F("first_name").asc(), "prison_number")[: MAX_RESULTS + 1]
