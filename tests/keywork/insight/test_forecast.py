"""TSF forecast: the next 8 Mondays under the status rule, with the first week at risk and why."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from keywork import status
from keywork.insight.forecast import WEEKS, forecast

TODAY = dt.date(2026, 12, 2)  # a Wednesday: the forecast starts Monday 7 December
FIRST = dt.date(2026, 12, 7)


@dataclass
class Prison:
    estate: str = "male_closed"
    key_work_start_date: dt.date | None = dt.date(2019, 1, 7)


@dataclass
class Officer:
    staff_id: str
    fte: Decimal = Decimal("1.00")
    in_post_from: dt.date = dt.date(2018, 1, 1)
    in_post_to: dt.date | None = None
    key_worker_trained_on: dt.date | None = dt.date(2018, 6, 1)


BENCHMARK = [(dt.date(2020, 1, 6), Decimal("3.00"))]


def staff(n=3):
    return [Officer(f"S{i}") for i in range(n)]


def test_a_steady_prison_is_on_every_week_with_no_risk():
    result = forecast(Prison(), staff(), BENCHMARK, TODAY)
    assert [w.monday for w in result.weeks] == [FIRST + dt.timedelta(weeks=i) for i in range(WEEKS)]
    assert all(w.on for w in result.weeks) and result.first_at_risk is None


def test_a_leaver_puts_the_week_after_their_last_day_at_risk():
    officers = staff()
    officers[0].in_post_to = dt.date(2026, 12, 18)  # a Friday: gone by Monday 21 December
    result = forecast(Prison(), officers, BENCHMARK, TODAY)
    assert result.first_at_risk.monday == dt.date(2026, 12, 21)
    assert result.first_at_risk.band3_fte == Decimal("2.00") and result.first_at_risk.gap == Decimal("-1.00")
    assert "S0 leaves post on 18 December 2026" in result.why
    assert status.SUSPENSION_REASONS["below_benchmark"] in result.why


def test_a_joiner_in_post_later_brings_a_short_prison_back_on():
    officers = [*staff(2), Officer("S9", in_post_from=dt.date(2027, 1, 4))]
    result = forecast(Prison(), officers, BENCHMARK, TODAY)
    assert [w.on for w in result.weeks][:4] == [False, False, False, False]
    assert result.weeks[4].monday == dt.date(2027, 1, 4) and result.weeks[4].on


def test_an_untrained_joiner_suspends_key_work_until_their_training_date():
    officers = [
        *staff(),
        Officer("S9", in_post_from=dt.date(2026, 12, 14), key_worker_trained_on=dt.date(2027, 1, 6)),
    ]
    result = forecast(Prison(), officers, BENCHMARK, TODAY)
    assert result.first_at_risk.monday == dt.date(2026, 12, 14)
    assert "S9 is in post untrained: training is booked for 6 January 2027" in result.why
    assert [w.on for w in result.weeks if w.monday >= dt.date(2027, 1, 11)] == [True] * 3  # 11, 18, 25 Jan


def test_a_future_benchmark_puts_its_first_week_at_risk():
    benchmarks = [*BENCHMARK, (dt.date(2027, 1, 11), Decimal("3.50"))]
    result = forecast(Prison(), staff(), benchmarks, TODAY)
    assert result.first_at_risk.monday == dt.date(2027, 1, 11)
    assert "the benchmark changes to 3.50 FTE from 11 January 2027" in result.why


officers = st.builds(
    Officer,
    st.text("ABC", min_size=1, max_size=3),
    st.sampled_from([Decimal("0.50"), Decimal("0.80"), Decimal("1.00")]),
    st.dates(dt.date(2026, 1, 1), dt.date(2027, 3, 1)),
    st.none() | st.dates(dt.date(2026, 12, 1), dt.date(2027, 3, 1)),
    st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2027, 3, 1)),
)


@given(st.lists(officers, max_size=6), st.decimals(Decimal("0"), Decimal("5"), places=2))
def test_each_week_is_the_status_rule_on_its_monday(rows, benchmark):
    rows = [r for r in rows if r.in_post_to is None or r.in_post_to > r.in_post_from]
    result = forecast(Prison(), rows, [(dt.date(2020, 1, 6), benchmark)], TODAY)
    for week in result.weeks:
        # the slow way: count by hand who is in post and trained that Monday
        in_post = [
            r
            for r in rows
            if r.in_post_from <= week.monday and (r.in_post_to is None or week.monday < r.in_post_to)
        ]
        fte = sum((r.fte for r in in_post), Decimal(0))
        untrained = any(
            r.key_worker_trained_on is None or r.key_worker_trained_on > week.monday for r in in_post
        )
        assert week.on == (fte >= benchmark and not untrained)
        assert week.band3_fte == fte
    first_off = next((w for w in result.weeks if not w.on), None)
    assert result.first_at_risk == first_off
