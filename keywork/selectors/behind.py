"""Behind (keywork.md): the wing manager's at-risk list of prisoners whose delivered minutes
fall short of their entitlement over the last four complete weeks and the current week to date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from keywork import reports
from keywork.compliance import ENTITLED_MINUTES_PER_WEEK
from keywork.selectors import weekly
from omic.dates import WEEK, week_start
from omic.models import Prison, Wing

BEHIND_COMPLETE_WEEKS = 4


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
    """Which of the Mondays' weeks key work was on at the prison (two queries in all)."""
    return [monday for monday, why in weekly.suspension_reasons_by_week(prison, mondays).items() if not why]


@dataclass(frozen=True)
class WingSummary:
    """The top of the wing page (issue 16): who is here, who has a key worker, who is behind,
    and whether key work is on this week (with every reason it is not, in words)."""

    in_custody: int
    with_key_worker: int
    behind: list[BehindRow]
    suspended_because: list[str]

    @property
    def without_key_worker(self) -> int:
        return self.in_custody - self.with_key_worker

    @property
    def key_work_on(self) -> bool:
        return not self.suspended_because


_ON_WING_SQL = """
SELECT count(DISTINCT s.prisoner_id),
       count(DISTINCT a.prisoner_id)
FROM omic_custodyspell s
LEFT JOIN keywork_keyworkerallocation a
       ON a.prisoner_id = s.prisoner_id AND a.prison_id = s.prison_id AND a.deleted_at IS NULL
      AND a.start_date <= %(today)s AND (a.end_date IS NULL OR a.end_date > %(today)s)
WHERE s.wing_id = %(wing)s AND s.prison_id = %(prison)s
  AND s.reception_date <= %(today)s AND (s.release_date IS NULL OR s.release_date > %(today)s)
"""


def wing_summary(wing: Wing, today: dt.date) -> WingSummary:
    """The wing page's summary and behind list: a fixed number of queries (the behind list's,
    plus one count), whatever the number of prisoners."""
    # This week is the window's last: its reasons are read once, with the others'.
    reasons = weekly.suspension_reasons_by_week(wing.prison, behind_window(today))
    weeks_on = [monday for monday, why in reasons.items() if not why]
    with connection.cursor() as cursor:
        cursor.execute(_ON_WING_SQL, {"wing": wing.pk, "prison": wing.prison_id, "today": today})
        in_custody, with_key_worker = cursor.fetchone()
    return WingSummary(
        in_custody=in_custody,
        with_key_worker=with_key_worker,
        behind=behind(wing, today, weeks_on=weeks_on),
        suspended_because=weekly.suspension_words(reasons[week_start(today)]),
    )


def behind(wing: Wing, today: dt.date, *, weeks_on: list[dt.date] | None = None) -> list[BehindRow]:
    """Prisoners on the wing today who are behind: Σ delivered < Σ entitled over the last four
    complete weeks and the current week to date (entitlement only in weeks key work is on).
    A fixed number of queries whatever the number of prisoners."""
    mondays = behind_window(today)
    if weeks_on is None:
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
