"""The weekly compliance report (formats.md): rows, rounding and CSV/JSON output.

Figures are kept exact (minutes and sevenths of a minute) and rounded here, once, half up:
minutes and FTE to 2 decimal places, percentages to 1."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from keywork.models import PrisonerWeek, PrisonWeek
from omic.downloads import ONE_PLACE, TWO_PLACES, two_places

PRISON_COLUMNS = (
    "prison_code",
    "week_start",
    "key_work_enabled",
    "suspension_reasons",
    "band3_in_post",
    "band3_in_post_fte",
    "band3_untrained",
    "band3_benchmark_fte",
    "prisoners",
    "custody_days",
    "entitled_minutes",
    "delivered_minutes",
    "sessions",
    "prisoners_seen",
    "prisoners_met_entitlement",
    "prisoners_at_week_end",
    "prisoners_with_key_worker",
    "compliance_pct",
)
PRISONER_COLUMNS = (
    "prison_code",
    "week_start",
    "prison_number",
    "custody_days",
    "entitled_minutes",
    "delivered_minutes",
    "sessions",
    "met_entitlement",
    "key_worker_staff_id",
)


def minutes_from_sevenths(sevenths: int) -> Decimal:
    return (Decimal(sevenths) / 7).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def minutes(value: int) -> Decimal:
    return two_places(value)


fte = two_places


def compliance_pct(delivered_minutes: int, entitled_sevenths: int) -> Decimal | None:
    """100 × delivered ÷ entitled; empty when nothing was entitled. Over 100 is fine."""
    if not entitled_sevenths:
        return None
    return (Decimal(700 * delivered_minutes) / entitled_sevenths).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def prison_rows(weeks: Iterable[PrisonWeek]) -> Iterator[dict]:
    for w in weeks:
        yield {
            "prison_code": w.prison_id,
            "week_start": w.week_start,
            "key_work_enabled": w.key_work_enabled,
            "suspension_reasons": list(w.suspension_reasons),
            "band3_in_post": w.band3_in_post,
            "band3_in_post_fte": fte(w.band3_in_post_fte),
            "band3_untrained": w.band3_untrained,
            "band3_benchmark_fte": fte(w.band3_benchmark_fte),
            "prisoners": w.prisoners,
            "custody_days": w.custody_days,
            "entitled_minutes": minutes_from_sevenths(w.entitled_sevenths),
            "delivered_minutes": minutes(w.delivered_minutes),
            "sessions": w.sessions,
            "prisoners_seen": w.prisoners_seen,
            "prisoners_met_entitlement": w.prisoners_met_entitlement,
            "prisoners_at_week_end": w.prisoners_at_week_end,
            "prisoners_with_key_worker": w.prisoners_with_key_worker,
            "compliance_pct": compliance_pct(w.delivered_minutes, w.entitled_sevenths),
        }


def prisoner_rows(weeks: Iterable[PrisonerWeek]) -> Iterator[dict]:
    for w in weeks:
        yield {
            "prison_code": w.prison_id,
            "week_start": w.week_start,
            "prison_number": w.prisoner_id,
            "custody_days": w.custody_days,
            "entitled_minutes": minutes_from_sevenths(w.entitled_sevenths),
            "delivered_minutes": minutes(w.delivered_minutes),
            "sessions": w.sessions,
            "met_entitlement": w.met_entitlement,
            "key_worker_staff_id": w.key_worker_id,
        }
