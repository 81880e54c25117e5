"""Reads for the key work pages and panels (prison, wing, prisoner): fixed query counts.

Views and the panel tags call these after omic.access has decided scope; figures are kept
exact here (minutes, sevenths of a minute) and rounded with keywork.reports' helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import QuerySet

from keywork import eligibility, reports, selectors
from keywork.compliance import ENTITLED_MINUTES_PER_WEEK
from keywork.models import KeyWorkerAllocation, PrisonWeek, Session
from keywork.status import SUSPENSION_LABELS, SUSPENSION_REASONS
from omic import access, dates
from omic.dates import WEEK, week_start
from omic.models import CustodySpell, Prison, Prisoner, StaffMember, User, Wing

PANEL_WEEKS = 8
CSV_DEFAULT_WEEKS = 12
BEHIND_COMPLETE_WEEKS = 4


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
    """The prison's weekly rows for the Mondays of [week_from, week_to], computing any missing."""
    first, last = week_start(week_from), week_start(week_to)
    expected = (last - first).days // 7 + 1
    reports.ensure_computed(prison_ids=[prison.pk], week_from=first, week_to=last, expected=expected)
    return PrisonWeek.objects.filter(prison_id=prison.pk, week_start__range=(first, last)).order_by(
        "week_start"
    )


# ---------------------------------------------------------------------------------------------
# Behind (keywork.md): the wing manager's at-risk list.


@dataclass(frozen=True)
class BehindRow:
    prisoner_id: str
    first_name: str
    last_name: str
    entitled_minutes: Decimal
    delivered_minutes: Decimal
    deficit_minutes: Decimal
    last_session: dt.date | None
    days_since_last_session: int | None
    key_worker_id: str | None
    key_worker_name: str


_BEHIND_SQL = f"""
WITH on_wing AS (
    SELECT DISTINCT s.prisoner_id
    FROM omic_custodyspell s
    WHERE s.wing_id = %(wing)s AND s.prison_id = %(prison)s
      AND s.reception_date <= %(today)s AND (s.release_date IS NULL OR s.release_date > %(today)s)
),
custody_days AS (
    -- Custody days at the prison from the window's first Monday up to and including today,
    -- in weeks when key work was on (a spell is [reception_date, release_date)).
    SELECT s.prisoner_id, count(*) AS days
    FROM omic_custodyspell s
    JOIN on_wing w ON w.prisoner_id = s.prisoner_id
    CROSS JOIN LATERAL generate_series(
        GREATEST(s.reception_date, %(from)s::date),
        LEAST(COALESCE(s.release_date - 1, %(today)s::date), %(today)s::date),
        interval '1 day') AS d
    WHERE s.prison_id = %(prison)s
      AND date_trunc('week', d)::date = ANY(%(weeks_on)s::date[])
    GROUP BY s.prisoner_id
),
delivered AS (
    SELECT se.prisoner_id, sum(se.duration_minutes) AS minutes
    FROM keywork_session se
    JOIN on_wing w ON w.prisoner_id = se.prisoner_id
    WHERE se.prison_id = %(prison)s AND se.deleted_at IS NULL
      AND se.date BETWEEN %(from)s::date AND %(today)s::date
    GROUP BY se.prisoner_id
),
last_session AS (
    SELECT se.prisoner_id, max(se.date) AS date
    FROM keywork_session se
    JOIN on_wing w ON w.prisoner_id = se.prisoner_id
    WHERE se.deleted_at IS NULL AND se.date <= %(today)s::date
    GROUP BY se.prisoner_id
)
SELECT p.prison_number, p.first_name, p.last_name,
       {ENTITLED_MINUTES_PER_WEEK} * cd.days AS entitled_sevenths,
       COALESCE(dl.minutes, 0) AS delivered_minutes,
       ls.date AS last_session,
       a.key_worker_id, sm.first_name AS kw_first_name, sm.last_name AS kw_last_name
FROM custody_days cd
JOIN omic_prisoner p ON p.prison_number = cd.prisoner_id
LEFT JOIN delivered dl ON dl.prisoner_id = cd.prisoner_id
LEFT JOIN last_session ls ON ls.prisoner_id = cd.prisoner_id
LEFT JOIN keywork_keyworkerallocation a
       ON a.prisoner_id = cd.prisoner_id AND a.prison_id = %(prison)s AND a.deleted_at IS NULL
      AND a.start_date <= %(today)s AND (a.end_date IS NULL OR a.end_date > %(today)s)
LEFT JOIN omic_staffmember sm ON sm.staff_id = a.key_worker_id
WHERE 7 * COALESCE(dl.minutes, 0) < {ENTITLED_MINUTES_PER_WEEK} * cd.days
ORDER BY 7 * COALESCE(dl.minutes, 0) - {ENTITLED_MINUTES_PER_WEEK} * cd.days, p.last_name, p.first_name
"""


def behind_window(today: dt.date) -> list[dt.date]:
    """The Mondays of the last four complete weeks and of the current week, oldest first."""
    monday = week_start(today)
    return [monday - WEEK * i for i in range(BEHIND_COMPLETE_WEEKS, -1, -1)]


def weeks_key_work_on(prison: Prison, mondays: list[dt.date]) -> list[dt.date]:
    """Which of the Mondays' weeks key work was on at the prison (two queries a week)."""
    return [monday for monday in mondays if not selectors.suspension_reasons_for_week(prison, monday)]


def behind(wing: Wing, today: dt.date) -> list[BehindRow]:
    """Prisoners on the wing today who are behind: Σ delivered < Σ entitled over the last four
    complete weeks and the current week to date (entitlement only in weeks key work is on).
    A fixed number of queries whatever the number of prisoners."""
    mondays = behind_window(today)
    weeks_on = weeks_key_work_on(wing.prison, mondays)
    if not weeks_on:
        return []
    params = {
        "wing": wing.pk,
        "prison": wing.prison_id,
        "today": today,
        "from": mondays[0],
        "weeks_on": weeks_on,
    }
    with connection.cursor() as cursor:
        cursor.execute(_BEHIND_SQL, params)
        rows = cursor.fetchall()
    result = []
    for number, first, last, entitled, delivered, last_date, kw_id, kw_first, kw_last in rows:
        result.append(
            BehindRow(
                prisoner_id=number,
                first_name=first,
                last_name=last,
                entitled_minutes=reports.minutes_from_sevenths(entitled),
                delivered_minutes=reports.minutes(delivered),
                deficit_minutes=reports.minutes_from_sevenths(entitled - 7 * delivered),
                last_session=last_date,
                days_since_last_session=None if last_date is None else (today - last_date).days,
                key_worker_id=kw_id,
                key_worker_name=f"{kw_first} {kw_last}".strip() if kw_id else "",
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# Prisoner profile and the session form.


def session_prison(user: User, prisoner: Prisoner, today: dt.date) -> Prison | None:
    """The prison at which the user would log a session with the prisoner: that of the prisoner's
    current spell in the user's scope, else of their latest spell in it (logged late)."""
    spell = (
        access.visible_spells(user, today=today)
        .filter(prisoner=prisoner, reception_date__lte=today)
        .select_related("prison")
        .order_by("-reception_date")
        .first()
    )
    return spell.prison if spell else None


def current_spell(prisoner: Prisoner, today: dt.date) -> CustodySpell | None:
    return (
        CustodySpell.objects.filter(dates.in_custody_on(today), prisoner=prisoner)
        .select_related("prison")
        .first()
    )


def current_allocation(prisoner: Prisoner, today: dt.date) -> KeyWorkerAllocation | None:
    return (
        KeyWorkerAllocation.objects.filter(eligibility.allocation_active_q(today), prisoner=prisoner)
        .select_related("key_worker", "prison")
        .first()
    )


def recent_sessions(prisoner: Prisoner, *, limit: int = 10) -> list[Session]:
    return list(
        Session.objects.filter(prisoner=prisoner, deleted_at__isnull=True)
        .select_related("key_worker", "prison")
        .order_by("-date", "-id")[:limit]
    )


def deliverers(prison: Prison, on: dt.date) -> QuerySet[StaffMember]:
    return eligibility.session_deliverers(prison, on).order_by("last_name", "first_name", "staff_id")
