"""The handover report (pom.md "Report"): rows calculated for the day asked (not read from
the nightly store), overrides applied, written as CSV or JSON by omic.downloads (formats.md's
"Output conventions": booleans true/false, dates YYYY-MM-DD, nothing → empty cell / null)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from allocation import handover, selectors

COLUMNS = (
    "prison_code",
    "prison_number",
    "in_scope",
    "sentence_type",
    *handover.CALCULATED_COLUMNS,
    "upcoming_handover",
    "com_allocation_overdue",
    "primary_pom_staff_id",
)


def handover_rows(*, on: dt.date, prison_code: str | None = None) -> Iterator[dict]:
    """One row per prisoner in custody on `on`, in scope or not, sorted by prison_code,
    prison_number (the selector's order). sentence_type is the record's, so it is shown for
    a sentenced prisoner under 18; the calculated columns are empty out of scope."""
    for item in selectors.handover_inputs(on=on, prison_code=prison_code, with_primary_pom=True):
        f = handover.calculate_input(item, on)
        yield {
            "prison_code": item.prison_code,
            "prison_number": item.prison_number,
            "in_scope": f.in_scope,
            "sentence_type": item.sentence.sentence_type if item.sentence else None,
            "earliest_release_date": f.earliest_release_date,
            "handover_date": f.handover_date,
            "com_allocated_date": f.com_allocated_date,
            "responsibility": f.responsibility,
            "reason": f.reason,
            "recommended_pom_type": f.recommended_pom_type,
            "upcoming_handover": f.upcoming_handover,
            "com_allocation_overdue": f.com_allocation_overdue,
            "primary_pom_staff_id": item.primary_pom_staff_id,
        }
