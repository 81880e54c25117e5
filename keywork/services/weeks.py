"""Weeks computed before they are reported (formats.md, the weekly compliance report): a week
in the asked range that has never been computed is computed first. A service, not a read:
the compliance CSV and the compliance_report command call it, then a read-only selector
(keywork.selectors.weekly)."""

from __future__ import annotations

import datetime as dt

from keywork import compliance
from omic.dates import week_start
from omic.models import Prison


def ensure_weeks_computed(*, prison_ids: list[str] | None, week_from: dt.date, week_to: dt.date) -> None:
    """Compute the weeks whose Mondays fall in [week_start(week_from), week_start(week_to)] for
    `prison_ids` (None: every prison) when any of those prison-weeks has never been computed."""
    first, last = week_start(week_from), week_start(week_to)
    weeks = (last - first).days // 7 + 1
    prisons = len(prison_ids) if prison_ids is not None else Prison.objects.count()
    done = compliance.computed_weeks(prison_ids=prison_ids, week_from=first, week_to=last)
    if len(done) < weeks * prisons:
        compliance.recompute(week_from=first, week_to=last, prison_ids=prison_ids)
