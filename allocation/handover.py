"""Responsibility and handover (pom.md), a pure calculation: a sentence record, the
prisoner's date of birth, their current custody spell and day T in; scope, the earliest
release date (ERD), the handover and COM allocated dates, responsibility and its reason,
the dashboard flags and the recommended POM type out. No database, no clock.

The readings pom.md fixes are followed as written: months are calendar months clamped to
the month's end (`relativedelta`), months off first and then days; "starting Release" is
a case-sensitive prefix of the trimmed parole outcome (empty is "not starting Release");
"T + 12 months" is inclusive; a TED or THD equal to T is not after T; "no COM" means both
com_name and com_email are empty; open conditions look at the current spell only; the ERD
is reported whenever it can be computed, special cases included; out of scope, every
calculated figure is empty (None), flags included.

Where pom.md is silent, what a careful policy officer (and HMPPS's "Manage POM cases")
would do:
- An unknown date of birth puts the prisoner out of scope ("date_of_birth_unknown"): that
  they are 18 or over cannot be shown, and the page says why rather than guess.
- The special cases about the THD (1-3) need a THD; with none they do not apply.
- With an override, the flags and the recommended POM type follow the overriding
  responsibility (the one in force), while every date is still calculated.
- An early-allocation indeterminate case keeps the reason `early_allocation`; the open
  conditions rule still brings its COM allocated date forward (pom.md's exception is about
  the sentence, not the handover row).
- Open conditions need the current spell; a prisoner with none (the calculation asked for
  a day they were not in custody) is not in open conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

DETERMINATE, INDETERMINATE = "determinate", "indeterminate"
POM, POM_WITH_COM, COM = "pom", "pom_with_com", "com"
PRISON_POM, PROBATION_POM = "prison_pom", "probation_pom"
MALE_OPEN = "male_open"

# The date from which an indeterminate prisoner's move to open conditions brings a COM in.
OPEN_CONDITIONS_FROM = dt.date(2021, 3, 31)
ADULT_AGE_YEARS = 18
UPCOMING_WINDOW = dt.timedelta(days=56)
COM_OVERDUE_AFTER = dt.timedelta(days=2)
OVERRIDE = "override"

# Why a prisoner is out of scope (pages say why).
NOT_SENTENCED = "not_sentenced"
UNDER_18 = "under_18"
DATE_OF_BIRTH_UNKNOWN = "date_of_birth_unknown"


@dataclass(frozen=True, kw_only=True)
class SentenceFacts:
    """The sentence record's fields (pom.md "Sentence record"), as the rules use them."""

    sentence_type: str
    sentence_start_date: dt.date
    parole_eligibility_date: dt.date | None = None
    automatic_release_date: dt.date | None = None
    conditional_release_date: dt.date | None = None
    tariff_expiry_date: dt.date | None = None
    target_hearing_date: dt.date | None = None
    parole_outcome: str = ""
    recall: bool = False
    immigration_case: bool = False
    early_allocation: bool = False
    tier: str = ""
    mappa_level: int | None = None
    com_name: str = ""
    com_email: str = ""

    @classmethod
    def of(cls, record: Any) -> SentenceFacts:
        """From anything with the sentence record's attribute names (a Sentence)."""
        return cls(**{name: getattr(record, name) for name in cls.__dataclass_fields__})

    @classmethod
    def from_row(cls, values: Sequence[Any]) -> SentenceFacts:
        """From a database row's values in field order. The nightly read builds one per
        prisoner (85,000), and a frozen dataclass's __init__ sets each of the 15 fields
        through object.__setattr__: filling __dict__ at once costs a sixth of that. The
        values are the database's, already typed and checked by its constraints."""
        facts = object.__new__(cls)
        facts.__dict__.update(zip(SENTENCE_FIELD_NAMES, values, strict=True))
        return facts

    @property
    def has_com(self) -> bool:
        return bool(self.com_name.strip() or self.com_email.strip())


SENTENCE_FIELD_NAMES = tuple(SentenceFacts.__dataclass_fields__)


@dataclass(frozen=True)
class CurrentSpell:
    """The custody spell the prisoner is in on day T: its prison's estate and reception date."""

    estate: str
    reception_date: dt.date


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and the nightly
# run builds one per prisoner in custody. Nothing holds on to one or changes it.
@dataclass(kw_only=True, slots=True)
class HandoverFigures:
    in_scope: bool
    out_of_scope_reason: str = ""
    earliest_release_date: dt.date | None = None
    handover_date: dt.date | None = None
    com_allocated_date: dt.date | None = None
    responsibility: str | None = None
    reason: str | None = None
    upcoming_handover: bool | None = None
    com_allocation_overdue: bool | None = None
    recommended_pom_type: str | None = None
    # What the rules give before any override (a page shows both when they differ).
    calculated_responsibility: str | None = None
    calculated_reason: str | None = None


# The calculated figures that both the nightly store and the handover report carry, in
# their column order (allocation.services.handovers.STORED, allocation.reports.COLUMNS).
CALCULATED_COLUMNS = (
    "earliest_release_date",
    "handover_date",
    "com_allocated_date",
    "responsibility",
    "reason",
    "recommended_pom_type",
)


# An estate's dates repeat (many prisoners share a release date or a day T), and
# relativedelta arithmetic costs microseconds: the nightly run over 85,000 prisoners
# remembers each answer.
@lru_cache(maxsize=65_536)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end (relativedelta)."""
    return day + relativedelta(months=months)


def months_before(day: dt.date, months: int) -> dt.date:
    return add_months(day, -months)


def is_adult(date_of_birth: dt.date, today: dt.date) -> bool:
    return add_months(date_of_birth, 12 * ADULT_AGE_YEARS) <= today


def earliest_release_date(sentence: SentenceFacts, today: dt.date) -> dt.date | None:
    """pom.md "Earliest release date for handover (ERD), on day T"."""
    if sentence.sentence_type == DETERMINATE:
        if sentence.parole_eligibility_date is not None:
            return sentence.parole_eligibility_date
        ard, crd = sentence.automatic_release_date, sentence.conditional_release_date
        if ard is None or crd is None:
            return ard or crd
        return ard if ard <= crd else crd  # on a tie, ARD (the same day)
    ted, thd = sentence.tariff_expiry_date, sentence.target_hearing_date
    if ted is not None and ted > today:
        return ted
    if thd is not None and thd > today:
        return thd
    past = [d for d in (ted, thd) if d is not None]
    # Both are on or before T here, so the nearer to T is the later.
    return max(past) if past else None


def _starts_release(parole_outcome: str) -> bool:
    return parole_outcome.strip().startswith("Release")


def special_case(sentence: SentenceFacts, erd: dt.date | None, today: dt.date) -> tuple[str, str] | None:
    """pom.md "Special cases", in order: (responsibility, reason) of the first that applies."""
    indeterminate = sentence.sentence_type == INDETERMINATE
    thd = sentence.target_hearing_date
    thd_far = indeterminate and thd is not None and thd >= add_months(today, 12)
    outcome = sentence.parole_outcome.strip()
    if thd_far and sentence.recall and sentence.mappa_level in (None, 0, 1):
        return POM_WITH_COM, "recall_thd_over_12_months"
    if thd_far and outcome and not _starts_release(outcome) and sentence.mappa_level in (2, 3):
        return COM, "parole_mappa_2_3"
    if thd_far and not _starts_release(outcome):
        return POM_WITH_COM, "thd_over_12_months"
    if sentence.recall:
        return COM, "recall_case"
    if sentence.immigration_case:
        return COM, "immigration_case"
    if erd is None:
        return POM, "release_date_unknown"
    return None


def in_open_conditions(spell: CurrentSpell | None) -> bool:
    return spell is not None and spell.estate == MALE_OPEN and spell.reception_date >= OPEN_CONDITIONS_FROM


def handover_date(sentence: SentenceFacts, erd: dt.date, open_conditions: bool) -> tuple[dt.date | None, str]:
    """pom.md "Handover date": (date, reason) of the first row that applies."""
    if sentence.early_allocation:
        return months_before(erd, 15), "early_allocation"
    if sentence.sentence_type == INDETERMINATE:
        return months_before(erd, 12), "indeterminate_open" if open_conditions else "indeterminate"
    if add_months(sentence.sentence_start_date, 10) >= erd:
        return None, "determinate_short"
    if sentence.parole_eligibility_date is not None:
        return months_before(erd, 12), "determinate_parole"
    return months_before(erd, 8) - dt.timedelta(days=14), "determinate"


def responsibility_on(today: dt.date, handover: dt.date | None, com_allocated: dt.date | None) -> str:
    """pom.md "Responsibility from the dates, on day T"."""
    if handover is None:
        return COM
    if com_allocated is not None and today < com_allocated:
        return POM
    if today < handover:
        return POM_WITH_COM
    return COM


def recommended_pom_type(sentence: SentenceFacts, responsibility: str) -> str:
    if sentence.immigration_case or responsibility not in (POM, POM_WITH_COM):
        return PRISON_POM
    return PROBATION_POM if sentence.tier in ("A", "B") else PRISON_POM


def calculate(
    *,
    sentence: SentenceFacts | None,
    date_of_birth: dt.date | None,
    spell: CurrentSpell | None,
    today: dt.date,
    override: str | None = None,
) -> HandoverFigures:
    """Everything pom.md calculates for one prisoner on day `today`; `override` is the
    responsibility of an admin's override in force, if any."""
    if sentence is None:
        return HandoverFigures(in_scope=False, out_of_scope_reason=NOT_SENTENCED)
    if date_of_birth is None:
        return HandoverFigures(in_scope=False, out_of_scope_reason=DATE_OF_BIRTH_UNKNOWN)
    if not is_adult(date_of_birth, today):
        return HandoverFigures(in_scope=False, out_of_scope_reason=UNDER_18)

    erd = earliest_release_date(sentence, today)
    special = special_case(sentence, erd, today)
    handover = com_allocated = None
    if special is not None:
        responsibility, reason = special
    else:
        assert erd is not None  # special case 6 takes a missing ERD
        open_conditions = in_open_conditions(spell)
        handover, reason = handover_date(sentence, erd, open_conditions)
        com_allocated = handover
        if handover is not None and open_conditions and sentence.sentence_type == INDETERMINATE:
            com_allocated = min(handover, spell.reception_date)
        responsibility = responsibility_on(today, handover, com_allocated)

    effective, effective_reason = (override, OVERRIDE) if override else (responsibility, reason)
    upcoming = effective == POM and handover is not None and handover - UPCOMING_WINDOW <= today < handover
    overdue = (
        effective == COM
        and handover is not None
        and not sentence.has_com
        and today >= handover + COM_OVERDUE_AFTER
    )
    return HandoverFigures(
        in_scope=True,
        earliest_release_date=erd,
        handover_date=handover,
        com_allocated_date=com_allocated,
        responsibility=effective,
        reason=effective_reason,
        upcoming_handover=upcoming,
        com_allocation_overdue=overdue,
        recommended_pom_type=recommended_pom_type(sentence, effective),
        calculated_responsibility=responsibility,
        calculated_reason=reason,
    )


def calculate_input(item: Any, today: dt.date) -> HandoverFigures:
    """`calculate` for one prisoner's inputs as allocation.selectors reads them (a HandoverInput)."""
    return calculate(
        sentence=item.sentence,
        date_of_birth=item.date_of_birth,
        spell=item.spell,
        today=today,
        override=item.override,
    )
