"""TSF forecast (keywork.md, our rule): for each of the next 8 weeks, the status rule evaluated
on that Monday with what is already recorded — leavers (`in_post_to`), joiners
(`in_post_from` in the future), training dates booked (`key_worker_trained_on` in the
future), benchmarks effective later — and FTE as it is today. Each week: on or suspended with
its reasons, Band 3 FTE against the benchmark; and the first week at risk, with why.

Our reading of "the next 8 weeks": the 8 Mondays after this week's (this week's status is
already decided and shown on the dashboard). "At risk" is a week that would be suspended.
Its causes name the staff and benchmarks behind the change since the week before it:
leavers whose last day falls before that Monday, Band 3 officers in post whose training is
booked after it, joiners not yet in post, and a benchmark that takes effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from keywork import status
from omic import dates

WEEKS = 8


@dataclass(frozen=True)
class ForecastWeek:
    monday: dt.date
    on: bool
    reasons: list[str]
    band3_fte: Decimal
    benchmark: Decimal | None

    @property
    def reason_labels(self) -> list[str]:
        return [status.SUSPENSION_LABELS[code] for code in self.reasons]

    @property
    def gap(self) -> Decimal | None:
        return None if self.benchmark is None else self.band3_fte - self.benchmark


@dataclass(frozen=True)
class Forecast:
    weeks: list[ForecastWeek]
    first_at_risk: ForecastWeek | None = None
    why: list[str] = field(default_factory=list)


def _benchmark_on(benchmarks: Sequence[tuple[dt.date, Decimal]], monday: dt.date) -> Decimal | None:
    effective = [fte for day, fte in sorted(benchmarks) if day <= monday]
    return effective[-1] if effective else None


def _name(row) -> str:
    return getattr(row, "full_name", None) or getattr(row, "staff_id", "an officer")


def forecast(
    prison, band3_staff: Sequence, benchmarks: Sequence[tuple[dt.date, Decimal]], today: dt.date
) -> Forecast:
    """`prison` has estate and key_work_start_date; `band3_staff` rows have fte, in_post_from,
    in_post_to, key_worker_trained_on (and full_name or staff_id for the words)."""
    this_monday = dates.week_start(today)
    weeks = []
    for i in range(1, WEEKS + 1):
        monday = this_monday + i * dates.WEEK
        benchmark = _benchmark_on(benchmarks, monday)
        staffing = status.band3_staffing(monday, band3_staff)
        reasons = status.suspension_reasons(prison, monday, band3_staff, benchmark)
        weeks.append(ForecastWeek(monday, not reasons, reasons, staffing.in_post_fte, benchmark))
    at_risk = next((week for week in weeks if not week.on), None)
    if at_risk is None:
        return Forecast(weeks)
    before = at_risk.monday - dates.WEEK
    why = [status.SUSPENSION_REASONS[code] for code in at_risk.reasons]
    for row in band3_staff:
        if row.in_post_to is not None and before < row.in_post_to <= at_risk.monday:
            why.append(f"{_name(row)} leaves post on {dates.long_date(row.in_post_to)}")
        in_post = row.in_post_from <= at_risk.monday and (
            row.in_post_to is None or at_risk.monday < row.in_post_to
        )
        trained = row.key_worker_trained_on is not None and row.key_worker_trained_on <= at_risk.monday
        if in_post and not trained:
            booked = row.key_worker_trained_on
            when = f"training is booked for {dates.long_date(booked)}" if booked else "has no training booked"
            why.append(f"{_name(row)} is in post untrained: {when}")
    previous = _benchmark_on(benchmarks, before)
    if at_risk.benchmark is not None and previous != at_risk.benchmark:
        why.append(
            f"the benchmark changes to {at_risk.benchmark:.2f} FTE from {dates.long_date(at_risk.monday)}"
        )
    return Forecast(weeks, at_risk, why)
