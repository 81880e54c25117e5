"""What the management commands read from their options the same way: a date written
YYYY-MM-DD, and a prison code that has been loaded."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from omic.models import Prison

NOT_A_DATE = "{option} must be a date as YYYY-MM-DD, not {value!r}"


def date_option(value: str, option: str, message: str = NOT_A_DATE) -> dt.date:
    """`value` as a date, or a CommandError saying `message` (formatted with option and value)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(message.format(option=option, value=value)) from None


def require_loaded_prison(code: str | None) -> None:
    """A CommandError unless `code` is empty (every prison) or a loaded prison's code."""
    if code and not Prison.objects.filter(code=code).exists():
        raise CommandError(f"Unknown prison {code!r}: give a prison code that has been loaded")
