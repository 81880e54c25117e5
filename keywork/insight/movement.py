"""Why did compliance move? (keywork.md, our rule.)

From week W−1 (delivered D₀, entitled E₀) to week W (D₁, E₁), both with key work on, the
change in compliance 100·(D₁/E₁ − D₀/E₀) splits exactly into
- delivery: 100·(D₁ − D₀)/E₀ — more or fewer minutes delivered;
- population: 100·D₁·(1/E₁ − 1/E₀) — more or fewer custody days to cover.
The parts are kept as exact fractions (entitlement is stored in sevenths of a minute) and
rounded only on output, half up, so the rounded parts and the rounded change can differ by
at most 0.1 point while the exact ones add up. When either week is suspended (or has nothing
to deliver), the explanation is the status change and its reasons instead.

Beside the two parts, the usual causes: the change in sessions not held by reason (staff
redeployed above all), in Band 3 FTE in post, and in prisoners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Protocol

from keywork.status import SUSPENSION_REASONS

NOT_HELD = (
    "not_held_staff_redeployed",
    "not_held_prisoner_refused",
    "not_held_prisoner_unavailable",
    "not_held_other",
)


class Week(Protocol):
    key_work_enabled: bool
    suspension_reasons: list[str]
    delivered_minutes: int
    entitled_sevenths: int
    prisoners: int
    band3_in_post_fte: Decimal
    not_held_staff_redeployed: int
    not_held_prisoner_refused: int
    not_held_prisoner_unavailable: int
    not_held_other: int


def pct_points(value: Fraction) -> Decimal:
    """Percentage points to 1 decimal place, half up (away from zero), for pages."""
    sign = -1 if value < 0 else 1
    exact = Decimal(abs(value.numerator)) / Decimal(value.denominator)
    return sign * exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Movement:
    """The change from `before` to `after`. With both weeks on: change = delivery +
    population, exactly (Fractions of a percentage point). Otherwise `status_change` says
    what changed and the reasons in words."""

    change: Fraction | None = None
    delivery: Fraction | None = None
    population: Fraction | None = None
    status_change: str = ""
    reasons: list[str] = field(default_factory=list)
    causes: dict[str, int | Decimal] = field(default_factory=dict)


def _compliance(week: Week) -> Fraction:
    # entitled minutes = sevenths / 7, so 100·D/E = 700·D / sevenths
    return Fraction(700 * week.delivered_minutes, week.entitled_sevenths)


def explain(before: Week, after: Week) -> Movement:
    causes: dict[str, int | Decimal] = {
        name: getattr(after, name) - getattr(before, name) for name in NOT_HELD
    }
    causes["prisoners"] = after.prisoners - before.prisoners
    causes["band3_in_post_fte"] = Decimal(after.band3_in_post_fte) - Decimal(before.band3_in_post_fte)
    on_before = before.key_work_enabled and before.entitled_sevenths > 0
    on_after = after.key_work_enabled and after.entitled_sevenths > 0
    if not (on_before and on_after):
        if on_before:
            status = "Key work was suspended this week"
        elif on_after:
            status = "Key work was switched back on this week"
        else:
            status = "Key work was suspended both weeks"
        words = [SUSPENSION_REASONS[code] for code in (after.suspension_reasons or before.suspension_reasons)]
        return Movement(status_change=status, reasons=words, causes=causes)
    e0, e1 = Fraction(before.entitled_sevenths, 7), Fraction(after.entitled_sevenths, 7)
    d0, d1 = before.delivered_minutes, after.delivered_minutes
    delivery = 100 * Fraction(d1 - d0) / e0
    population = 100 * d1 * (1 / e1 - 1 / e0)
    return Movement(
        change=_compliance(after) - _compliance(before),
        delivery=delivery,
        population=population,
        causes=causes,
    )
