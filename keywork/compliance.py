"""The weekly entitlement and TSF compliance engine (keywork.md "Entitlement and delivery").

Set-based SQL over the estate; no Python loop per prisoner or session. Entitlement is kept
exact as integer sevenths of a minute (45 × custody days) and rounded only on output.

Three paths, one set of SQL fragments:
- a prisoner's few rows (a session or allocation write) and
- a few weeks of every prison (nightly reconciliation, a loaded file): compute them, compare
  with what is stored and write only the rows that changed (new, different or gone), then
  re-aggregate the prison-weeks from the materialised rows;
- many weeks (the full-year rebuild), or any estate-wide range while nothing has been
  computed yet (a first load): keywork_prisoner_week is hash-partitioned by prison,
  and each partition is built afresh with CREATE TABLE AS, indexed, analysed and swapped in;
  the partitions are built at once on connections of their own (COMPLIANCE_REBUILD_WORKERS).
  Rows outside the range are carried across.

Concurrency: every path takes a per-prison transaction advisory lock (the rebuild takes a
global exclusive lock that the others share), so two recomputes never interleave and
running one twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from omic.dates import week_start

ENTITLED_MINUTES_PER_WEEK = 45
# Above this many weeks over the whole estate a fresh table beats deleting in place.
REBUILD_MIN_WEEKS = 8
_LOCK_NAMESPACE = 0x0A11C  # advisory lock namespace for the compliance tables
_GLOBAL_KEY = 0

SUSPENSION_REASONS = (
    "not_male_closed_estate",
    "not_rolled_out",
    "no_benchmark",
    "below_benchmark",
    "untrained_band3",
)


@dataclass(frozen=True)
class RecomputeResult:
    prison_weeks: int
    prisoner_weeks: int
    seconds: float
    mode: str


# --- SQL fragments ------------------------------------------------------------------
# Parameters: %(from)s and %(to)s are Mondays (inclusive); %(prisons)s a text[] or NULL
# for every prison; %(prisoners)s a text[] or NULL for every prisoner.

# MATERIALIZED: the staffing and benchmark look-ups run once per prison-week, not once per
# prisoner-week (inlined, the planner repeats them for millions of rows).
_STATUS = """
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
_PRISONER_WEEKS = """
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

_PRISONER_WEEK_SELECT = f"""
WITH {_STATUS},
{_PRISONER_WEEKS}
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

_PRISONER_WEEK_COLUMNS = (
    "prison_id, week_start, prisoner_id, custody_days, entitled_sevenths, delivered_minutes, "
    "sessions, at_week_end, key_worker_id"
)

_PRISON_WEEK_COLUMNS = (
    "prison_id, week_start, key_work_enabled, suspension_reasons, band3_in_post, band3_in_post_fte, "
    "band3_untrained, band3_benchmark_fte, prisoners, custody_days, entitled_sevenths, delivered_minutes, "
    "sessions, prisoners_seen, prisoners_met_entitlement, prisoners_at_week_end, prisoners_with_key_worker, "
    "not_held_prisoner_refused, not_held_prisoner_unavailable, not_held_staff_redeployed, not_held_other, "
    "computed_at"
)

# The prison figures come from exact sums of the materialised prisoner rows (never from
# rounded figures) plus every session recorded at the prison that week.
_PRISON_WEEK_SELECT = f"""
WITH {_STATUS},
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

_PRISON_WEEK_ON_CONFLICT = "ON CONFLICT (prison_id, week_start) DO UPDATE SET " + ", ".join(
    f"{col} = EXCLUDED.{col}"
    for col in (c.strip() for c in _PRISON_WEEK_COLUMNS.split(","))
    if col not in ("prison_id", "week_start")
)

_PRISON_WEEK_UPSERT = "\n".join(
    (
        f"INSERT INTO keywork_prison_week ({_PRISON_WEEK_COLUMNS})",
        _PRISON_WEEK_SELECT,
        _PRISON_WEEK_ON_CONFLICT,
    )
)


# For the estate-wide paths (not a prisoner's few rows): an estate's weeks hash and index in
# memory rather than spilling to disk. The prison-week staffing is a materialised CTE the
# planner cannot estimate, so joining it makes every later row estimate far too low, and
# the planner would then sort millions of rows on their text keys to merge-join, or probe
# an index once per row; hashing is the better plan at this scale every time. (The status
# CTE's lateral look-ups still run as nested loops, the only plan they have.)
_ESTATE_SETTINGS = (
    "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'; "
    "SET LOCAL enable_mergejoin = off; SET LOCAL enable_nestloop = off"
)


def _params(prison_ids, week_from, week_to, prisoner_ids) -> dict:
    return {
        "from": week_from,
        "to": week_to,
        "last_week": (week_to - week_from).days // 7,
        "prisons": sorted(prison_ids) if prison_ids is not None else None,
        "prisoners": sorted(prisoner_ids) if prisoner_ids is not None else None,
    }


def _lock(cursor, prison_ids: list[str] | None) -> None:
    """Serialise recomputes: per prison (sorted, so no deadlock), or everything for a rebuild."""
    if prison_ids is None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, _GLOBAL_KEY])
        return
    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [_LOCK_NAMESPACE, _GLOBAL_KEY])
    for code in sorted(set(prison_ids)):
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_NAMESPACE, code])


def recompute(
    *,
    week_from: dt.date,
    week_to: dt.date,
    prison_ids: list[str] | None = None,
    prisoner_ids: list[str] | None = None,
) -> RecomputeResult:
    """Recompute the weeks whose Mondays fall in [week_start(week_from), week_start(week_to)].

    prison_ids=None means every prison; prisoner_ids narrows the prisoner rows rewritten
    (the prison-week figures are always re-aggregated in full)."""
    started = time.perf_counter()
    week_from, week_to = week_start(week_from), week_start(week_to)
    if week_to < week_from:
        raise ValueError("week_to is before week_from")
    weeks = (week_to - week_from).days // 7 + 1
    params = _params(prison_ids, week_from, week_to, prisoner_ids)
    in_callers_transaction = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        rebuild = (
            prison_ids is None
            and prisoner_ids is None
            and (weeks >= REBUILD_MIN_WEEKS or _none_computed(cursor))
        )
        # JIT compilation costs more than it saves on these plans, small or large.
        cursor.execute("SET LOCAL jit = off")
        if prisoner_ids is None:
            cursor.execute(_ESTATE_SETTINGS)
        _lock(
            cursor, None if rebuild else list(_all_prison_codes(cursor) if prison_ids is None else prison_ids)
        )
        if rebuild:
            # Connections of their own see only committed rows: in a caller's transaction
            # (a test's, say) the partitions are built here, one after another.
            prisoner_rows, prison_rows = _rebuild(cursor, params, parallel=not in_callers_transaction)
        else:
            prisoner_rows = _replace_prisoner_weeks(cursor, params)
            cursor.execute(_PRISON_WEEK_UPSERT.format(prisoner_week_table="keywork_prisoner_week"), params)
            prison_rows = cursor.rowcount
    return RecomputeResult(
        prison_weeks=prison_rows,
        prisoner_weeks=prisoner_rows,
        seconds=time.perf_counter() - started,
        mode="rebuild" if rebuild else ("prisoner" if prisoner_ids is not None else "replace"),
    )


def _none_computed(cursor) -> bool:
    """No prisoner-week computed yet (a first load): then a rebuild has nothing to carry
    across or compare with, and writing fresh tables beats inserting row by row into the
    indexed ones (a first national load's open weeks, 165,000 rows: 1.8 s against 3.7 s).
    Either path gives the same rows; this only picks the quicker."""
    cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM keywork_prisoner_week)")
    return cursor.fetchone()[0]


def _all_prison_codes(cursor) -> list[str]:
    cursor.execute("SELECT code FROM omic_prison ORDER BY code")
    return [row[0] for row in cursor.fetchall()]


def _replace_prisoner_weeks(cursor, params: dict) -> int:
    """Bring the range's rows up to date, writing only what changed: most nightly runs
    change little, and an unchanged row then costs a comparison, not a write (an upsert
    that finds nothing to change still locks, and so writes, every row it meets). Returns
    the prisoner-weeks computed."""
    columns = [c.strip() for c in _PRISONER_WEEK_COLUMNS.split(",")]
    key, values = columns[:3], columns[3:]
    old, new = (", ".join(f"{side}.{c}" for c in values) for side in ("e", "f"))
    differs = f"({old}) IS DISTINCT FROM ({new})"
    cursor.execute(
        f"""
        WITH fresh AS MATERIALIZED ({_PRISONER_WEEK_SELECT}),
        existing AS MATERIALIZED (
            SELECT {_PRISONER_WEEK_COLUMNS} FROM keywork_prisoner_week
            WHERE week_start BETWEEN %(from)s::date AND %(to)s::date
              AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
              AND (%(prisoners)s::text[] IS NULL OR prisoner_id = ANY(%(prisoners)s::text[]))
        ),
        changed AS MATERIALIZED (
            -- new rows, rows whose figures differ, and rows that no longer apply (a spell or
            -- session corrected or deleted): the rest are left alone
            SELECT {", ".join(f"f.{c}" for c in columns)}, {", ".join(f"e.{c} AS old_{c}" for c in key)}
            FROM fresh f FULL JOIN existing e ON {" AND ".join(f"e.{c} = f.{c}" for c in key)}
            WHERE f.prison_id IS NULL OR e.prison_id IS NULL OR {differs}
        ),
        gone AS (
            DELETE FROM keywork_prisoner_week t USING changed c
            WHERE c.prison_id IS NULL AND {" AND ".join(f"t.{k} = c.old_{k}" for k in key)}
        ),
        written AS (
            INSERT INTO keywork_prisoner_week AS t ({_PRISONER_WEEK_COLUMNS})
            SELECT {_PRISONER_WEEK_COLUMNS} FROM changed WHERE prison_id IS NOT NULL
            ON CONFLICT (prison_id, week_start, prisoner_id) DO UPDATE
            SET {", ".join(f"{c} = EXCLUDED.{c}" for c in values)}
        )
        -- (data-modifying CTEs run whether or not the final SELECT reads them)
        SELECT count(*) FROM fresh
        """,
        params,
    )
    (computed,) = cursor.fetchone()
    return computed


# keywork_prisoner_week is partitioned by hash of prison_id into this many partitions
# (migration 0004); a rebuild writes each partition afresh, several at once.
PARTITIONS = 4
PARTITION = "keywork_prisoner_week_p{}"


def _partition_prisons(cursor) -> list[list[str]]:
    """The prison codes whose rows each partition holds."""
    cursor.execute(
        f"""
        SELECT r, coalesce(array_agg(p.code ORDER BY p.code) FILTER (WHERE p.code IS NOT NULL), '{{}}')
        FROM generate_series(0, {PARTITIONS - 1}) AS r
        LEFT JOIN omic_prison p
          ON satisfies_hash_partition('keywork_prisoner_week'::regclass, {PARTITIONS}, r, p.code::varchar)
        GROUP BY r ORDER BY r
        """
    )
    return [list(codes) for _, codes in cursor.fetchall()]


def _rebuild(cursor, params: dict, *, parallel: bool) -> tuple[int, int]:
    """Write each partition afresh as a new table, with its prisons' prison-week figures
    beside it, then swap the new tables in: far cheaper than rewriting millions of rows in
    place. With `parallel`, the partitions are built at once on connections of their own
    (committed as unattached tables, invisible to readers) while this transaction holds the
    rebuild lock; the swap is in this transaction, so readers see the old weeks or the new,
    never a mixture. Returns the prisoner-weeks and prison-weeks computed."""
    prisons = _partition_prisons(cursor)
    # largest first, so that the last to finish is a small one
    jobs = sorted(
        ((part, {**params, "prisons": prisons[part]}) for part in range(PARTITIONS)),
        key=lambda job: -len(job[1]["prisons"]),
    )
    if parallel:
        with ThreadPoolExecutor(max_workers=settings.COMPLIANCE_REBUILD_WORKERS) as pool:
            rows = sum(pool.map(lambda job: _build_partition_apart(*job), jobs))
    else:
        rows = sum(_build_partition(cursor, part, part_params) for part, part_params in jobs)
    prison_rows = 0
    for part in range(PARTITIONS):
        name = PARTITION.format(part)
        cursor.execute(f"ALTER TABLE keywork_prisoner_week DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
        cursor.execute(f"ALTER TABLE {name}_new RENAME TO {name}")
        cursor.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {name}_new_pkey TO {name}_pkey")
        cursor.execute(f"ALTER INDEX {name}_new_by_prisoner RENAME TO {name}_by_prisoner")
        cursor.execute(
            f"ALTER TABLE keywork_prisoner_week ATTACH PARTITION {name} "
            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {part})"
        )
        cursor.execute(
            f"INSERT INTO keywork_prison_week ({_PRISON_WEEK_COLUMNS}) "
            f"SELECT {_PRISON_WEEK_COLUMNS} FROM {name}_new_prison_week {_PRISON_WEEK_ON_CONFLICT}"
        )
        prison_rows += cursor.rowcount
        cursor.execute(f"DROP TABLE {name}_new_prison_week")
    return rows, prison_rows


def _build_partition_apart(part: int, params: dict) -> int:
    """_build_partition in a thread, on a connection of its own."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The partitions are the parallelism: PostgreSQL's own workers on top would only
            # contend for the same cores.
            cursor.execute(
                "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
                "SET LOCAL max_parallel_maintenance_workers = 0"
            )
            cursor.execute(_ESTATE_SETTINGS)
            return _build_partition(cursor, part, params)
    finally:
        connection.close()


def _build_partition(cursor, part: int, params: dict) -> int:
    """One partition's prisons: the range's weeks computed, other weeks carried across,
    then its primary key, index and statistics, and its prisons' prison-week figures."""
    name = PARTITION.format(part)
    # a rebuild that failed part-way may have left its new table behind
    cursor.execute(f"DROP TABLE IF EXISTS {name}_new")
    cursor.execute(
        f"""
        CREATE TABLE {name}_new AS
        {_PRISONER_WEEK_SELECT}
        """,
        params,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {name}_new ({_PRISONER_WEEK_COLUMNS})
        SELECT {_PRISONER_WEEK_COLUMNS} FROM {name}
        WHERE week_start NOT BETWEEN %(from)s::date AND %(to)s::date
        """,
        params,
    )
    cursor.execute(
        f"""
        ALTER TABLE {name}_new
            ALTER COLUMN custody_days SET NOT NULL,
            ALTER COLUMN entitled_sevenths SET NOT NULL,
            ALTER COLUMN delivered_minutes SET NOT NULL,
            ALTER COLUMN sessions SET NOT NULL,
            ALTER COLUMN at_week_end SET NOT NULL,
            ADD CONSTRAINT {name}_new_pkey PRIMARY KEY (prison_id, week_start, prisoner_id)
        """
    )
    cursor.execute(f"CREATE INDEX {name}_new_by_prisoner ON {name}_new (prisoner_id, week_start)")
    # Aggregating straight after a bulk write needs fresh statistics.
    cursor.execute(f"ANALYZE {name}_new")
    cursor.execute(f"DROP TABLE IF EXISTS {name}_new_prison_week")
    cursor.execute(
        f"CREATE TABLE {name}_new_prison_week AS "
        + _PRISON_WEEK_SELECT.format(prisoner_week_table=f"{name}_new"),
        params,
    )
    return rows


def computed_weeks(
    *, prison_ids: list[str] | None, week_from: dt.date, week_to: dt.date
) -> set[tuple[str, dt.date]]:
    """Prison-weeks in the range that have been computed (for report gap-filling)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT prison_id, week_start FROM keywork_prison_week
            WHERE week_start BETWEEN %(from)s AND %(to)s
              AND (%(prisons)s::text[] IS NULL OR prison_id = ANY(%(prisons)s::text[]))
            """,
            _params(prison_ids, week_start(week_from), week_start(week_to), None),
        )
        return set(cursor.fetchall())
