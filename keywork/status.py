"""Is key work on for a prison in a week? (keywork.md, evaluated on the week's Monday.)

A pure function over plain values: the readable reference for the rule, and the one home of
the suspension codes and their words. The compliance engine computes the same rule in SQL
over the estate (keywork.compliance.sql, the status fragment: that copy is what runs);
tests/keywork/test_status.py holds the two to the same answers on random staffing.
keywork.selectors.weekly fetches the inputs for one prison-week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from omic import dates
from omic.models import Estate


class PrisonSettings(Protocol):
    estate: str
    key_work_start_date: dt.date | None


class Band3StaffRow(Protocol):
    """A Band 3 member of the prison's staff (a StaffMember or any row with these attributes)."""

    fte: Decimal
    in_post_from: dt.date
    in_post_to: dt.date | None
    key_worker_trained_on: dt.date | None


NOT_MALE_CLOSED_ESTATE = "not_male_closed_estate"
NOT_ROLLED_OUT = "not_rolled_out"
NO_BENCHMARK = "no_benchmark"
BELOW_BENCHMARK = "below_benchmark"
UNTRAINED_BAND3 = "untrained_band3"

# The codes in the order they are reported, with the words the pages show.
SUSPENSION_REASONS: dict[str, str] = {
    NOT_MALE_CLOSED_ESTATE: "the prison is not in the male closed estate",
    NOT_ROLLED_OUT: "key work has not started at the prison yet",
    NO_BENCHMARK: "the prison has no Band 3 benchmark staffing figure",
    BELOW_BENCHMARK: "Band 3 officers in post are below the benchmark staffing figure",
    UNTRAINED_BAND3: "not every Band 3 officer in post has completed key worker training",
}
# The same, short enough for a table cell; the table explains them in full beneath.
SUSPENSION_LABELS: dict[str, str] = {
    NOT_MALE_CLOSED_ESTATE: "Not male closed",
    NOT_ROLLED_OUT: "Not started",
    NO_BENCHMARK: "No benchmark",
    BELOW_BENCHMARK: "Below benchmark",
    UNTRAINED_BAND3: "Untrained Band 3",
}


@dataclass(frozen=True)
class Band3Staffing:
    """Band 3 staffing on a Monday: the figures the rule and the weekly report use."""

    in_post: int
    in_post_fte: Decimal
    untrained: int


def _in_post(row: Band3StaffRow, day: dt.date) -> bool:
    return dates.covers(row.in_post_from, row.in_post_to, day)


def _trained(row: Band3StaffRow, day: dt.date) -> bool:
    return row.key_worker_trained_on is not None and row.key_worker_trained_on <= day


def band3_staffing(monday: dt.date, band3_staff_rows: Iterable[Band3StaffRow]) -> Band3Staffing:
    in_post = [row for row in band3_staff_rows if _in_post(row, monday)]
    return Band3Staffing(
        in_post=len(in_post),
        in_post_fte=sum((Decimal(row.fte) for row in in_post), Decimal("0")),
        untrained=sum(1 for row in in_post if not _trained(row, monday)),
    )


def suspension_reasons(
    prison: PrisonSettings,
    monday: dt.date,
    band3_staff_rows: Iterable[Band3StaffRow],
    benchmark: Decimal | None,
) -> list[str]:
    """Every reason key work is suspended at `prison` in the week of `monday`, in report order;
    empty when key work is on.

    `band3_staff_rows`: the prison's Band 3 staff (rows not in post on `monday` are ignored).
    `benchmark`: the Band 3 benchmark FTE effective on `monday` (latest effective_from <= monday),
    or None when there is none.
    """
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday: key work status is decided on the week's Monday")
    staffing = band3_staffing(monday, band3_staff_rows)
    reasons = []
    if prison.estate != Estate.MALE_CLOSED:
        reasons.append(NOT_MALE_CLOSED_ESTATE)
    if prison.key_work_start_date is None or prison.key_work_start_date > monday:
        reasons.append(NOT_ROLLED_OUT)
    if benchmark is None:
        # Without a benchmark there is nothing to be below: reported once, as no_benchmark.
        reasons.append(NO_BENCHMARK)
    elif staffing.in_post_fte < Decimal(benchmark):
        # The circular says "above the benchmark"; our rule reads it as ">=".
        reasons.append(BELOW_BENCHMARK)
    if staffing.untrained:
        reasons.append(UNTRAINED_BAND3)
    return reasons


def key_work_enabled(
    prison: PrisonSettings,
    monday: dt.date,
    band3_staff_rows: Iterable[Band3StaffRow],
    benchmark: Decimal | None,
) -> bool:
    return not suspension_reasons(prison, monday, band3_staff_rows, benchmark)
