"""How key work services refuse (keywork.md, "Sessions: what the form accepts"): every problem
is gathered first, each message naming the field and the fix, then raised together as one
ValidationError({field: [message]}) so that nothing is saved when anything is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from keywork.selectors import prisoner as prisoner_selectors
from omic.dates import long_date
from omic.models import Prison, Prisoner

REASON_MAX_LENGTH = 200

Errors = dict[str, list[str]]


def raise_if_any(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def add(errors: Errors, field: str, *messages: str) -> None:
    if messages:
        errors.setdefault(field, []).extend(messages)


def lower_first(label: str) -> str:
    """'Structured interview' -> 'structured interview'; 'ACCT review' stays."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def check_choice(errors: Errors, field: str, label: str, value: Any, choices: type[models.Choices]) -> None:
    """`value` must be one of `choices`: the message lists their labels."""
    if value not in choices.values:
        listed = ", ".join(lower_first(choice) for choice in choices.labels)
        add(errors, field, f"{label} must be one of: {listed}. Choose one of these.")


def is_date(value: Any) -> bool:
    """A date, not a datetime (a datetime is a date too, but not a day)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def check_reason(errors: Errors, reason: str, what: str) -> None:
    if not (reason or "").strip():
        add(errors, "reason", f"Reason is required: say why {what}.")
    elif len(reason) > REASON_MAX_LENGTH:
        add(errors, "reason", f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it.")


def check_not_future(errors: Errors, field: str, label: str, day: Any, today: dt.date, what: str) -> bool:
    """True when `day` is a date on or before today (errors added otherwise)."""
    if not is_date(day):
        add(errors, field, f"{label} is required: enter the date {what}.")
        return False
    if day > today:
        add(errors, field, f"{label} cannot be in the future: enter {long_date(today)} or an earlier date.")
        return False
    return True


def check_in_custody(errors: Errors, field: str, prisoner: Prisoner, prison: Prison, day: dt.date) -> None:
    if prisoner_selectors.custody_spell_on(prisoner, prison, day) is None:
        add(
            errors,
            field,
            f"Prisoner {prisoner.pk} is not in custody at {prison.pk} on {long_date(day)}. "
            "Check the date, or choose a prisoner in custody at this prison that day.",
        )
