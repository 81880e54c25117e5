"""How a core service refuses: every problem named by its field, in words that say the fix,
all raised together so that a form shows them at once and nothing is saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError

REASON_MAX_LENGTH = 500


def only(values, allowed, what: str) -> None:
    """A caller's mistake, not a person's: `values` may hold only the `allowed` keys."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"{what}: {sorted(unknown)}")


class Refusals:
    """Problems gathered by field; `raise_any()` raises them as one ValidationError."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)

    def check_reason(self, reason: str, *, required: bool, what: str = "the change") -> str:
        reason = (reason or "").strip()
        if required and not reason:
            self.add("reason", f"Enter the reason for {what}.")
        elif len(reason) > REASON_MAX_LENGTH:
            self.add("reason", f"The reason must be {REASON_MAX_LENGTH} characters or fewer.")
        return reason
