"""Admins correct a prisoner's sentence record on the POM page (pom.md "Sentence record";
formats.md: sentences are edited by admins of the prison that holds the prisoner). The
record is checked as sentences.csv checks a row (allocation/loading.py), every field at
once, saved in one transaction with an audit record of the fields that changed, and the
prisoner's stored handover figures are recalculated on commit.

Where pom.md is silent, our rules: a date that comes before the sentence start date cannot
be a release or hearing date of that sentence and is refused; an email is checked as the
loader checks it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from allocation.loading import BOOLEAN_COLUMNS, DATE_COLUMNS
from allocation.models import MAPPA_LEVELS, Sentence, SentenceType, Tier
from allocation.services.handovers import _current_prison_id, schedule_recalculation
from omic import audit
from omic.dates import long_date
from omic.models import Prisoner, User
from omic.services.refusals import Refusals, only

FIELDS = (
    "sentence_type",
    "sentence_start_date",
    *DATE_COLUMNS,
    "parole_outcome",
    *BOOLEAN_COLUMNS,
    "tier",
    "mappa_level",
    "com_name",
    "com_email",
)
TEXT_LIMITS = {"parole_outcome": 200, "com_name": 200, "com_email": 254}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_LABELS = {
    "parole_eligibility_date": "Parole eligibility date",
    "automatic_release_date": "Automatic release date",
    "conditional_release_date": "Conditional release date",
    "tariff_expiry_date": "Tariff expiry date",
    "target_hearing_date": "Target hearing date",
}


def snapshot(sentence: Sentence | None) -> dict[str, Any] | None:
    return None if sentence is None else {f: getattr(sentence, f) for f in FIELDS}


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _check(new: dict[str, Any], refusals: Refusals) -> None:
    if new["sentence_type"] not in SentenceType.values:
        refusals.add("sentence_type", "Choose the sentence type: determinate or indeterminate.")
    start = new["sentence_start_date"]
    if not _is_date(start):
        refusals.add("sentence_start_date", "Enter the sentence start date.")
        start = None
    for name, label in DATE_LABELS.items():
        day = new[name]
        if day is not None and not _is_date(day):
            refusals.add(name, f"{label} must be a date, or leave it empty.")
        elif day is not None and start is not None and day < start:
            refusals.add(
                name,
                f"{label} must be on or after the sentence start date ({long_date(start)}), "
                "or leave it empty.",
            )
    for name, limit in TEXT_LIMITS.items():
        if len(new[name]) > limit:
            refusals.add(name, f"{name.replace('_', ' ').capitalize()} must be {limit} characters or fewer.")
    if new["com_email"] and not EMAIL.match(new["com_email"]):
        refusals.add("com_email", "Enter the COM's email address as name@example.gov.uk, or leave it empty.")
    if new["tier"] not in ("", *Tier.values):
        refusals.add("tier", "Choose tier A, B, C or D, or not known.")
    if new["mappa_level"] is not None and new["mappa_level"] not in MAPPA_LEVELS:
        refusals.add("mappa_level", "Choose MAPPA level 0, 1, 2 or 3, or not known.")
    for name in BOOLEAN_COLUMNS:
        if not isinstance(new[name], bool):
            refusals.add(name, f"Say yes or no to {name.replace('_', ' ')}.")


def save_sentence(
    *, prisoner: Prisoner, by: User | None, values: dict[str, Any], reason: str = ""
) -> Sentence:
    """Create or correct the prisoner's sentence record with `values` (keys of FIELDS; text
    trimmed, empty text ''). One audit record with the fields that changed."""
    only(values, FIELDS, "not sentence fields")
    refusals = Refusals()
    reason = refusals.check_reason(reason, required=False)
    with transaction.atomic():
        list(Prisoner.objects.select_for_update().filter(pk=prisoner.pk).values_list("pk", flat=True))
        sentence = Sentence.objects.filter(prisoner=prisoner).first()
        before = snapshot(sentence)
        base = before or {f: getattr(Sentence(), f) for f in FIELDS}
        new = base | {
            name: (value.strip() if isinstance(value, str) else value) for name, value in values.items()
        }
        for name in TEXT_LIMITS:
            new[name] = new[name] or ""
        new["tier"] = new["tier"] or ""
        _check(new, refusals)
        refusals.raise_any()
        if sentence is None:
            sentence = Sentence(prisoner=prisoner)
        for name, value in new.items():
            setattr(sentence, name, value)
        sentence.save()
        after = snapshot(sentence)
        changed = sorted(f for f in FIELDS if before is None or before[f] != after[f])
        if not changed:
            return sentence
        audit.record(
            actor=by,
            action="allocation.sentence.create" if before is None else "allocation.sentence.update",
            prison_id=_current_prison_id(prisoner),
            object_type="sentence",
            object_id=prisoner.pk,
            before=None if before is None else {f: before[f] for f in changed},
            after={f: after[f] for f in changed},
            reason=reason,
        )
        schedule_recalculation([prisoner.pk])
    return sentence
