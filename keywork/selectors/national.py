"""The national view (formats.md "National view export"): one row per prison the user may see
for one week, from the weekly figures — the weekly report's own numbers, with the
percentages and the TSF gap — plus national totals and a 12-week national trend.

Our reading of "percentages from the sums": national compliance is 100 × Σ delivered ÷
Σ entitled over the rows shown, so minutes delivered in a suspended prison-week count in the
delivered total but entitle nobody (as each prison's own row counts them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from keywork import reports
from keywork.models import PrisonWeek
from omic import access, dates, downloads
from omic.models import Country, Estate, User

COLUMNS = (
    "prison_code", "name", "estate", "country", "week_start", "key_work_enabled", "suspension_reasons",
    "prisoners", "entitled_minutes", "delivered_minutes", "compliance_pct", "prisoners_seen_pct",
    "prisoners_with_key_worker_pct", "band3_in_post_fte", "band3_benchmark_fte", "tsf_gap_fte",
    "sessions_not_held", "sessions_not_held_staff_redeployed",
)  # fmt: skip
SORTS = {c: c for c in COLUMNS if c not in ("suspension_reasons", "week_start")}
NOT_HELD = (
    "not_held_prisoner_refused",
    "not_held_prisoner_unavailable",
    "not_held_staff_redeployed",
    "not_held_other",
)
TREND_WEEKS = 12


def last_complete_week(today: dt.date) -> dt.date:
    return dates.week_start(today) - dates.WEEK


def _pct(part: int, whole: int) -> Decimal | None:
    return None if not whole else downloads.one_place(100 * Decimal(part) / whole)


def row(w: PrisonWeek) -> dict:
    """One prison-week in the export's columns, rounded as formats.md says."""
    benchmark = w.band3_benchmark_fte
    gap = None if benchmark is None else reports.fte(w.band3_in_post_fte - benchmark)
    return {
        "prison_code": w.prison_id, "name": w.prison.name,
        "estate": w.prison.estate, "country": w.prison.country,
        "week_start": w.week_start, "key_work_enabled": w.key_work_enabled,
        "suspension_reasons": list(w.suspension_reasons), "prisoners": w.prisoners,
        "entitled_minutes": reports.minutes_from_sevenths(w.entitled_sevenths),
        "delivered_minutes": reports.minutes(w.delivered_minutes),
        "compliance_pct": reports.compliance_pct(w.delivered_minutes, w.entitled_sevenths),
        "prisoners_seen_pct": _pct(w.prisoners_seen, w.prisoners),
        "prisoners_with_key_worker_pct": _pct(w.prisoners_with_key_worker, w.prisoners_at_week_end),
        "band3_in_post_fte": reports.fte(w.band3_in_post_fte),
        "band3_benchmark_fte": reports.fte(benchmark),
        "tsf_gap_fte": gap, "sessions_not_held": sum(getattr(w, n) for n in NOT_HELD),
        "sessions_not_held_staff_redeployed": w.not_held_staff_redeployed,
    }  # fmt: skip


@dataclass(frozen=True)
class Filters:
    estate: str = ""
    country: str = ""
    status: str = ""  # "on" | "suspended" | ""

    @classmethod
    def from_query(cls, query) -> Filters:
        estate, country, status = query.get("estate", ""), query.get("country", ""), query.get("status", "")
        return cls(
            estate if estate in Estate.values else "",
            country if country in Country.values else "",
            status if status in ("on", "suspended") else "",
        )


def national_rows(*, user: User, week: dt.date, filters: Filters = Filters()) -> list[dict]:
    """Rows for the week starting `week`, sorted by prison_code (one query)."""
    weeks = PrisonWeek.objects.filter(week_start=week, prison__in=access.visible_prisons(user))
    return [row(w) for w in _filtered(weeks, filters).select_related("prison").order_by("prison_id")]


def sort_rows(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """Server-side sort of at most one row per prison; empty values last either way."""
    if key not in SORTS:
        return rows
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: (r[key], r["prison_code"]), reverse=descending) + missing


def totals(rows: list[dict]) -> dict:
    """National totals: sums of minutes and counts, percentages from the sums."""
    entitled = sum(r["entitled_minutes"] for r in rows)
    delivered = sum(r["delivered_minutes"] for r in rows)
    return {
        "prisons": len(rows),
        "on": sum(1 for r in rows if r["key_work_enabled"]),
        "prisoners": sum(r["prisoners"] for r in rows),
        "entitled_minutes": entitled,
        "delivered_minutes": delivered,
        "compliance_pct": downloads.one_place(100 * delivered / entitled) if entitled else None,
        "sessions_not_held": sum(r["sessions_not_held"] for r in rows),
        "sessions_not_held_staff_redeployed": sum(r["sessions_not_held_staff_redeployed"] for r in rows),
    }


def _filtered(weeks, filters: Filters):
    if filters.estate:
        weeks = weeks.filter(prison__estate=filters.estate)
    if filters.country:
        weeks = weeks.filter(prison__country=filters.country)
    if filters.status:
        weeks = weeks.filter(key_work_enabled=filters.status == "on")
    return weeks


def national_trend(*, user: User, last_week: dt.date, filters: Filters = Filters()) -> list[dict]:
    """Compliance of the prisons shown (the same filters) for the TREND_WEEKS weeks ending
    `last_week` (one GROUP BY query)."""
    first = last_week - (TREND_WEEKS - 1) * dates.WEEK
    weeks = PrisonWeek.objects.filter(
        week_start__range=(first, last_week), prison__in=access.visible_prisons(user)
    )
    sums = (
        _filtered(weeks, filters)
        .values("week_start")
        .annotate(
            entitled=Sum("entitled_sevenths"),
            delivered=Sum("delivered_minutes"),
        )
        .order_by("week_start")
    )
    return [
        {
            "week_start": s["week_start"],
            "compliance_pct": reports.compliance_pct(s["delivered"], s["entitled"]),
        }
        for s in sums
    ]
