"""Why did compliance move? The two parts add up to the change (keywork.md)."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keywork.insight.movement import explain, pct_points


@dataclass
class W:
    delivered_minutes: int
    entitled_sevenths: int  # 45 × custody days
    key_work_enabled: bool = True
    suspension_reasons: list = field(default_factory=list)
    prisoners: int = 10
    band3_in_post_fte: Decimal = Decimal("5.00")
    not_held_staff_redeployed: int = 0
    not_held_prisoner_refused: int = 0
    not_held_prisoner_unavailable: int = 0
    not_held_other: int = 0


def days(n: int) -> int:
    return 45 * n


@pytest.mark.parametrize(
    ("before", "after", "change", "delivery", "population"),
    [
        # 70 prisoner-days each week (450 minutes entitled): 450 → 360 delivered is −20 points, all delivery
        (W(450, days(70)), W(360, days(70)), Decimal("-20.0"), Decimal("-20.0"), Decimal("0.0")),
        # the same minutes over more custody days: all population
        (W(450, days(70)), W(450, days(84)), Decimal("-16.7"), Decimal("0.0"), Decimal("-16.7")),
        # both move: 100→(540/540)=100; delivery +20, population −20
        (W(450, days(70)), W(540, days(84)), Decimal("0.0"), Decimal("20.0"), Decimal("-20.0")),
        # over 100 % is fine
        (W(600, days(70)), W(900, days(70)), Decimal("66.7"), Decimal("66.7"), Decimal("0.0")),
    ],
)
def test_the_two_parts_of_a_change(before, after, change, delivery, population):
    moved = explain(before, after)
    assert pct_points(moved.change) == change
    assert pct_points(moved.delivery) == delivery
    assert pct_points(moved.population) == population
    assert moved.delivery + moved.population == moved.change  # exactly


def test_a_suspended_week_is_explained_by_the_status_change_and_its_reasons():
    moved = explain(
        W(450, days(70)), W(100, 0, key_work_enabled=False, suspension_reasons=["below_benchmark"])
    )
    assert moved.change is None and moved.status_change == "Key work was suspended this week"
    assert moved.reasons == ["Band 3 officers in post are below the benchmark staffing figure"]
    back = explain(W(0, 0, key_work_enabled=False, suspension_reasons=["untrained_band3"]), W(450, days(70)))
    assert back.status_change == "Key work was switched back on this week" and back.change is None


def test_the_usual_causes_are_counted_beside_the_parts():
    moved = explain(
        W(450, days(70), not_held_staff_redeployed=1, prisoners=10),
        W(300, days(70), not_held_staff_redeployed=6, prisoners=12, band3_in_post_fte=Decimal("4.40")),
    )
    assert moved.causes["not_held_staff_redeployed"] == 5
    assert moved.causes["prisoners"] == 2 and moved.causes["band3_in_post_fte"] == Decimal("-0.60")


def reference_change(before, after) -> Fraction:
    """Slow and plain: compliance % of each week as a fraction, subtracted."""
    c0 = Fraction(100) * before.delivered_minutes / (Fraction(before.entitled_sevenths) / 7)
    c1 = Fraction(100) * after.delivered_minutes / (Fraction(after.entitled_sevenths) / 7)
    return c1 - c0


weeks = st.builds(W, st.integers(0, 100_000), st.integers(1, 45 * 7 * 2_000))


@given(weeks, weeks)
def test_delivery_plus_population_is_the_change_and_rounds_within_a_tenth(before, after):
    moved = explain(before, after)
    assert moved.change == reference_change(before, after)
    assert moved.delivery + moved.population == moved.change
    rounded = pct_points(moved.delivery) + pct_points(moved.population)
    assert abs(rounded - pct_points(moved.change)) <= Decimal("0.1")
