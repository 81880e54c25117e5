"""Weekly figures (keywork.md "Entitlement and delivery", formats.md): a prison's computed
weeks for its panel and the compliance report, is key work on in a week (the inputs of
keywork.status) and the words for why it is suspended. Reads only: a report computes its
never-computed weeks first (keywork.services.weeks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from keywork import eligibility, reports, status
from keywork.models import NotHeldReason, PrisonerWeek, PrisonWeek, SessionNotHeld
from keywork.status import SUSPENSION_LABELS, SUSPENSION_REASONS
from omic import dates
from omic.dates import WEEK, week_start
from omic.models import Benchmark, Prison

PANEL_WEEKS = 8
CSV_DEFAULT_WEEKS = 12


def suspension_words(codes) -> list[str]:
    return [SUSPENSION_REASONS.get(code, code) for code in codes]


@dataclass(frozen=True)
class Suspension:
    label: str  # short, for a table cell
    words: str  # in full


def suspensions(codes) -> list[Suspension]:
    return [Suspension(SUSPENSION_LABELS.get(c, c), SUSPENSION_REASONS.get(c, c)) for c in codes]


def suspensions_in(weeks: list[WeekRow]) -> list[Suspension]:
    """Every reason the weeks were suspended for, once each, in the rule's order."""
    seen = {s for week in weeks for s in week.suspensions}
    return [s for s in suspensions(SUSPENSION_REASONS) if s in seen]


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(reports.ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeekRow:
    week_start: dt.date
    key_work_enabled: bool
    suspensions: list[Suspension]
    entitled_minutes: Decimal
    delivered_minutes: Decimal
    compliance_pct: Decimal | None
    seen_pct: Decimal | None
    with_key_worker_pct: Decimal | None
    tsf_gap: Decimal | None
    not_held_staff_redeployed: int


def prison_weeks(prison: Prison, *, weeks: int = PANEL_WEEKS) -> list[WeekRow]:
    """The prison's last `weeks` computed weeks, newest first: one query."""
    rows = PrisonWeek.objects.filter(prison_id=prison.pk).order_by("-week_start")[:weeks]
    return [
        WeekRow(
            week_start=w.week_start,
            key_work_enabled=w.key_work_enabled,
            suspensions=suspensions(w.suspension_reasons),
            entitled_minutes=reports.minutes_from_sevenths(w.entitled_sevenths),
            delivered_minutes=reports.minutes(w.delivered_minutes),
            compliance_pct=reports.compliance_pct(w.delivered_minutes, w.entitled_sevenths),
            seen_pct=_pct(w.prisoners_seen, w.prisoners),
            with_key_worker_pct=_pct(w.prisoners_with_key_worker, w.prisoners_at_week_end),
            tsf_gap=(
                None
                if w.band3_benchmark_fte is None
                else reports.fte(w.band3_in_post_fte - w.band3_benchmark_fte)
            ),
            not_held_staff_redeployed=w.not_held_staff_redeployed,
        )
        for w in rows
    ]


def default_csv_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last CSV_DEFAULT_WEEKS weeks, the current one included."""
    return week_start(today) - (CSV_DEFAULT_WEEKS - 1) * WEEK, today


def compliance_weeks(prison: Prison, week_from: dt.date, week_to: dt.date) -> QuerySet[PrisonWeek]:
    """The prison's computed weekly rows for the Mondays of [week_from, week_to] (compute any
    never-computed ones first: keywork.services.ensure_weeks_computed)."""
    first, last = week_start(week_from), week_start(week_to)
    return PrisonWeek.objects.filter(prison_id=prison.pk, week_start__range=(first, last)).order_by(
        "week_start"
    )


def report_weeks(*, by: str, week_from: dt.date, week_to: dt.date, prison_id: str | None = None) -> QuerySet:
    """The compliance report's rows (formats.md) for the Mondays of [week_from, week_to]: one per
    prison-week (`by="prison"`) or per prisoner-week (`by="prisoner"`), of one prison or all."""
    if by == "prison":
        qs = PrisonWeek.objects.filter(week_start__range=(week_from, week_to)).order_by(
            "prison_id", "week_start"
        )
    else:
        qs = PrisonerWeek.objects.filter(week_start__range=(week_from, week_to)).order_by(
            "prison_id", "week_start", "prisoner_id"
        )
    if prison_id:
        qs = qs.filter(prison_id=prison_id)
    return qs


def week_status_inputs(
    prison: Prison, mondays: list[dt.date]
) -> tuple[list[status.Band3StaffRow], dict[dt.date, Decimal | None]]:
    """The inputs of keywork.status.suspension_reasons for the prison's weeks of `mondays`, in
    two queries whatever their number: the Band 3 staff in post on any of the Mondays (as plain
    rows: the rule leaves out those not in post on a given Monday), and the benchmark FTE
    effective on each Monday (the latest effective_from on or before it; None if none)."""
    first, last = min(mondays), max(mondays)
    staff = list(
        eligibility.band3_in_post(prison, first, until=last).values_list(
            "fte", "in_post_from", "in_post_to", "key_worker_trained_on", named=True
        )
    )
    history = Benchmark.objects.filter(prison=prison, effective_from__lte=last).order_by("effective_from")
    history = list(history.values_list("effective_from", "band3_benchmark_fte"))
    benchmarks = {}
    for monday in mondays:
        effective = [fte for since, fte in history if since <= monday]
        benchmarks[monday] = effective[-1] if effective else None
    return staff, benchmarks


def suspension_reasons_by_week(prison: Prison, mondays: list[dt.date]) -> dict[dt.date, list[str]]:
    """Why key work was suspended at the prison in each of the Mondays' weeks (empty: it was
    on); two queries in all."""
    staff, benchmarks = week_status_inputs(prison, mondays)
    return {m: status.suspension_reasons(prison, m, staff, benchmarks[m]) for m in mondays}


def suspension_reasons_for_week(prison: Prison, day: dt.date) -> list[str]:
    """Why key work is suspended at `prison` in the week containing `day` (empty: it is on)."""
    monday = dates.week_start(day)
    return suspension_reasons_by_week(prison, [monday])[monday]


def not_held_by_week(prison: Prison, today: dt.date | None = None, *, weeks: int = PANEL_WEEKS) -> dict:
    """Sessions not held at `prison` by reason in each of the last `weeks` weeks, this week so
    far first (keywork.md, "Sessions that did not happen"), read live so a record shows at
    once: one aggregate query. Weeks with none are listed with zeros."""
    today = today or dates.today()
    monday = week_start(today)
    mondays = [monday - WEEK * i for i in range(weeks)]
    counted = (
        SessionNotHeld.objects.filter(
            prison=prison, date__gte=mondays[-1], date__lte=today, deleted_at__isnull=True
        )
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(**{reason: Count("pk", filter=Q(reason=reason)) for reason in NotHeldReason.values})
    )
    by_week = {row["week"]: row for row in counted}
    rows = []
    for week in mondays:
        found = by_week.get(week, {})
        counts = [found.get(reason, 0) for reason in NotHeldReason.values]
        rows.append({"week_start": week, "counts": counts, "total": sum(counts)})
    return {"reasons": NotHeldReason.labels, "weeks": rows, "this_week": rows[0]}
