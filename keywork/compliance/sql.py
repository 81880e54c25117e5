"""The compliance engine's SQL (keywork.md "Entitlement and delivery"), one set of fragments
for every path: the prison-week status (is key work on), the prisoner-weeks (custody days,
entitlement, delivery, key worker at week end) and the prison-week aggregate.

The status fragment is the engine's copy of keywork.status (the readable rule); a property
test (tests/keywork/test_status.py) holds the two to the same answers on random staffing.
"""

from __future__ import annotations

ENTITLED_MINUTES_PER_WEEK = 45

# --- SQL fragments ------------------------------------------------------------------
# Parameters: %(from)s and %(to)s are Mondays (inclusive); %(prisons)s a text[] or NULL
# for every prison; %(prisoners)s a text[] or NULL for every prisoner.

# MATERIALIZED: the staffing and benchmark look-ups run once per prison-week, not once per
# prisoner-week (inlined, the planner repeats them for millions of rows).
STATUS = """
weeks AS (
    -- an integer series of constants, so that the planner knows how many weeks there are
    SELECT %(from)s::date + 7 * i AS week_start FROM generate_series(0, %(last_week)s) AS i
),
status AS MATERIALIZED (
    SELECT p.code AS prison_id, wk.week_start, p.estate, p.key_work_start_date,
           COALESCE(st.band3_in_post, 0) AS band3_in_post,
           COALESCE(st.band3_in_post_fte, 0) AS band3_in_post_fte,
           COALESCE(st.band3_untrained, 0) AS band3_untrained,
           bm.band3_benchmark_fte
    FROM omic_prison p
    CROSS JOIN weeks wk
    LEFT JOIN LATERAL (
        -- Band 3 means band 3 whatever the role or status; decided on the Monday.
        SELECT count(*) AS band3_in_post, sum(s.fte) AS band3_in_post_fte,
               count(*) FILTER (WHERE s.key_worker_trained_on IS NULL
                                   OR s.key_worker_trained_on > wk.week_start) AS band3_untrained
        FROM omic_staffmember s
        WHERE s.prison_id = p.code AND s.band = 3
          AND s.in_post_from <= wk.week_start
          AND (s.in_post_to IS NULL OR s.in_post_to > wk.week_start)
    ) st ON true
    LEFT JOIN LATERAL (
        SELECT b.band3_benchmark_fte FROM omic_benchmark b
        WHERE b.prison_id = p.code AND b.effective_from <= wk.week_start
        ORDER BY b.effective_from DESC LIMIT 1
    ) bm ON true
    WHERE (%(prisons)s::text[] IS NULL OR p.code = ANY(%(prisons)s::text[]))
),
prison_status AS MATERIALIZED (
    SELECT status.*,
           array_remove(ARRAY[
               CASE WHEN estate <> 'male_closed' THEN 'not_male_closed_estate' END,
               CASE WHEN key_work_start_date IS NULL OR key_work_start_date > week_start
                    THEN 'not_rolled_out' END,
               CASE WHEN band3_benchmark_fte IS NULL THEN 'no_benchmark' END,
               CASE WHEN band3_benchmark_fte IS NOT NULL AND band3_in_post_fte < band3_benchmark_fte
                    THEN 'below_benchmark' END,
               CASE WHEN band3_untrained > 0 THEN 'untrained_band3' END
           ]::varchar[], NULL) AS suspension_reasons
    FROM status
)"""

# One row per prisoner × prison × week with custody days > 0. A spell is
# [reception_date, release_date); a week is [Monday, Monday + 7).
PRISONER_WEEKS = """
spell_weeks AS (
    SELECT s.prison_id, s.prisoner_id, wk.week_start,
           LEAST(COALESCE(s.release_date, wk.week_start + 7), wk.week_start + 7)
             - GREATEST(s.reception_date, wk.week_start) AS days,
           LEAST(COALESCE(s.release_date, wk.week_start + 7), wk.week_start + 7) - 1 AS last_day
    FROM omic_custodyspell s
    JOIN weeks wk ON s.reception_date < wk.week_start + 7
                 AND (s.release_date IS NULL OR s.release_date > wk.week_start)
    WHERE s.reception_date < %(to)s::date + 7
      AND (s.release_date IS NULL OR s.release_date > %(from)s::date)
      AND (%(prisons)s::text[] IS NULL OR s.prison_id = ANY(%(prisons)s::text[]))
      AND (%(prisoners)s::text[] IS NULL OR s.prisoner_id = ANY(%(prisoners)s::text[]))
),
prisoner_weeks AS (
    -- Two spells at one prison in one week (released and received again) add up.
    SELECT prison_id, prisoner_id, week_start, sum(days) AS custody_days, max(last_day) AS last_day
    FROM spell_weeks GROUP BY prison_id, prisoner_id, week_start
),
prisoner_sessions AS (
    SELECT prison_id, prisoner_id, date_trunc('week', date)::date AS week_start,
           sum(duration_minutes) AS delivered_minutes, count(*) AS sessions
    FROM keywork_session
    WHERE deleted_at IS NULL AND date >= %(from)s::date AND date < %(to)s::date + 7
      AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
      AND (%(prisoners)s::text[] IS NULL OR prisoner_id = ANY(%(prisoners)s::text[]))
    GROUP BY 1, 2, 3
)"""

PRISONER_WEEK_SELECT = f"""
WITH {STATUS},
{PRISONER_WEEKS}
SELECT pw.prison_id::varchar(3) COLLATE "C" AS prison_id,
       pw.week_start,
       pw.prisoner_id::varchar(7) COLLATE "C" AS prisoner_id,
       pw.custody_days::smallint AS custody_days,
       (CASE WHEN cardinality(ps.suspension_reasons) = 0
             THEN {ENTITLED_MINUTES_PER_WEEK} * pw.custody_days ELSE 0 END)::integer AS entitled_sevenths,
       COALESCE(se.delivered_minutes, 0)::integer AS delivered_minutes,
       COALESCE(se.sessions, 0)::smallint AS sessions,
       (pw.last_day = pw.week_start + 6) AS at_week_end,
       -- The key worker shown is the one allocated on the last custody day of the week.
       a.key_worker_id::varchar(20) AS key_worker_id
FROM prisoner_weeks pw
JOIN prison_status ps ON ps.prison_id = pw.prison_id AND ps.week_start = pw.week_start
LEFT JOIN prisoner_sessions se
       ON se.prison_id = pw.prison_id AND se.prisoner_id = pw.prisoner_id AND se.week_start = pw.week_start
LEFT JOIN keywork_keyworkerallocation a
       ON a.prisoner_id = pw.prisoner_id AND a.prison_id = pw.prison_id AND a.deleted_at IS NULL
      AND a.start_date <= pw.last_day AND (a.end_date IS NULL OR a.end_date > pw.last_day)
"""

PRISONER_WEEK_COLUMNS = (
    "prison_id, week_start, prisoner_id, custody_days, entitled_sevenths, delivered_minutes, "
    "sessions, at_week_end, key_worker_id"
)

PRISON_WEEK_COLUMNS = (
    "prison_id, week_start, key_work_enabled, suspension_reasons, band3_in_post, band3_in_post_fte, "
    "band3_untrained, band3_benchmark_fte, prisoners, custody_days, entitled_sevenths, delivered_minutes, "
    "sessions, prisoners_seen, prisoners_met_entitlement, prisoners_at_week_end, prisoners_with_key_worker, "
    "not_held_prisoner_refused, not_held_prisoner_unavailable, not_held_staff_redeployed, not_held_other, "
    "computed_at"
)

# The prison figures come from exact sums of the materialised prisoner rows (never from
# rounded figures) plus every session recorded at the prison that week.
PRISON_WEEK_SELECT = f"""
WITH {STATUS},
pw AS (
    SELECT prison_id, week_start, count(*) AS prisoners, sum(custody_days) AS custody_days,
           sum(entitled_sevenths) AS entitled_sevenths,
           count(*) FILTER (WHERE entitled_sevenths > 0
                              AND delivered_minutes * 7 >= entitled_sevenths) AS met,
           count(*) FILTER (WHERE at_week_end) AS at_week_end,
           count(*) FILTER (WHERE at_week_end AND key_worker_id IS NOT NULL) AS with_key_worker
    FROM {{prisoner_week_table}}
    WHERE week_start BETWEEN %(from)s::date AND %(to)s::date
      AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
    GROUP BY prison_id, week_start
),
se AS (
    -- per prisoner first, then per prison: two hash aggregates instead of the sort that
    -- count(DISTINCT prisoner_id) would need over every session of the range
    SELECT prison_id, week_start, sum(delivered_minutes) AS delivered_minutes,
           sum(sessions) AS sessions, count(*) AS prisoners_seen
    FROM (
        SELECT prison_id, prisoner_id, date_trunc('week', date)::date AS week_start,
               sum(duration_minutes) AS delivered_minutes, count(*) AS sessions
        FROM keywork_session
        WHERE deleted_at IS NULL AND date >= %(from)s::date AND date < %(to)s::date + 7
          AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
        GROUP BY 1, 2, 3
    ) per_prisoner
    GROUP BY 1, 2
),
nh AS (
    SELECT prison_id, date_trunc('week', date)::date AS week_start,
           count(*) FILTER (WHERE reason = 'prisoner_refused') AS refused,
           count(*) FILTER (WHERE reason = 'prisoner_unavailable') AS unavailable,
           count(*) FILTER (WHERE reason = 'staff_redeployed') AS redeployed,
           count(*) FILTER (WHERE reason = 'other') AS other
    FROM keywork_sessionnotheld
    WHERE deleted_at IS NULL AND date >= %(from)s::date AND date < %(to)s::date + 7
      AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
    GROUP BY 1, 2
)
SELECT ps.prison_id, ps.week_start, cardinality(ps.suspension_reasons) = 0 AS key_work_enabled,
       ps.suspension_reasons, ps.band3_in_post, ps.band3_in_post_fte, ps.band3_untrained,
       ps.band3_benchmark_fte,
       COALESCE(pw.prisoners, 0) AS prisoners, COALESCE(pw.custody_days, 0) AS custody_days,
       COALESCE(pw.entitled_sevenths, 0) AS entitled_sevenths,
       COALESCE(se.delivered_minutes, 0) AS delivered_minutes, COALESCE(se.sessions, 0) AS sessions,
       COALESCE(se.prisoners_seen, 0) AS prisoners_seen, COALESCE(pw.met, 0) AS prisoners_met_entitlement,
       COALESCE(pw.at_week_end, 0) AS prisoners_at_week_end,
       COALESCE(pw.with_key_worker, 0) AS prisoners_with_key_worker,
       COALESCE(nh.refused, 0) AS not_held_prisoner_refused,
       COALESCE(nh.unavailable, 0) AS not_held_prisoner_unavailable,
       COALESCE(nh.redeployed, 0) AS not_held_staff_redeployed, COALESCE(nh.other, 0) AS not_held_other,
       now() AS computed_at
FROM prison_status ps
LEFT JOIN pw ON pw.prison_id = ps.prison_id AND pw.week_start = ps.week_start
LEFT JOIN se ON se.prison_id = ps.prison_id AND se.week_start = ps.week_start
LEFT JOIN nh ON nh.prison_id = ps.prison_id AND nh.week_start = ps.week_start
"""

PRISON_WEEK_ON_CONFLICT = "ON CONFLICT (prison_id, week_start) DO UPDATE SET " + ", ".join(
    f"{col} = EXCLUDED.{col}"
    for col in (c.strip() for c in PRISON_WEEK_COLUMNS.split(","))
    if col not in ("prison_id", "week_start")
)

PRISON_WEEK_UPSERT = "\n".join(
    (
        f"INSERT INTO keywork_prison_week ({PRISON_WEEK_COLUMNS})",
        PRISON_WEEK_SELECT,
        PRISON_WEEK_ON_CONFLICT,
    )
)


# For the estate-wide paths (not a prisoner's few rows): an estate's weeks hash and index in
# memory rather than spilling to disk. The prison-week staffing is a materialised CTE the
# planner cannot estimate, so joining it makes every later row estimate far too low, and
# the planner would then sort millions of rows on their text keys to merge-join, or probe
# an index once per row; hashing is the better plan at this scale every time. (The status
# CTE's lateral look-ups still run as nested loops, the only plan they have.)
ESTATE_SETTINGS = (
    "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'; "
    "SET LOCAL enable_mergejoin = off; SET LOCAL enable_nestloop = off"
)
