"""The weekly entitlement and TSF compliance engine (keywork.md "Entitlement and delivery").

Set-based SQL over the estate; no Python loop per prisoner or session. Entitlement is kept
exact as integer sevenths of a minute (45 × custody days) and rounded only on output.

Three paths, one set of SQL fragments (keywork.compliance.sql):
- a prisoner's few rows (a session or allocation write) and
- a few weeks of every prison (nightly reconciliation, a loaded file): compute them, compare
  with what is stored and write only the rows that changed (new, different or gone), then
  re-aggregate the prison-weeks from the materialised rows;
- many weeks (the full-year rebuild), or any estate-wide range while nothing has been
  computed yet (a first load): each partition of keywork_prisoner_week built afresh and
  swapped in (keywork.compliance.rebuild).

Concurrency: every path takes a per-prison transaction advisory lock (the rebuild takes a
global exclusive lock that the others share), so two recomputes never interleave and
running one twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction

from keywork.compliance.rebuild import rebuild_partitions
from keywork.compliance.sql import (
    ESTATE_SETTINGS,
    PRISON_WEEK_UPSERT,
    PRISONER_WEEK_COLUMNS,
    PRISONER_WEEK_SELECT,
)
from omic.dates import week_start

# Above this many weeks over the whole estate a fresh table beats deleting in place.
REBUILD_MIN_WEEKS = 8
_LOCK_NAMESPACE = 0x0A11C  # advisory lock namespace for the compliance tables
_GLOBAL_KEY = 0


@dataclass(frozen=True)
class RecomputeResult:
    prison_weeks: int
    prisoner_weeks: int
    seconds: float
    mode: str


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
    # Decided before the transaction: a read of the figures inside it would hold their tables
    # while waiting for the lock below, and deadlock with a rebuild that holds the lock and
    # waits to swap those tables (tests/keywork/compliance/test_recompute_faults.py). Either
    # path gives the same rows, so a decision made a moment early is still right.
    rebuild = (
        prison_ids is None and prisoner_ids is None and (weeks >= REBUILD_MIN_WEEKS or _none_computed())
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compilation costs more than it saves on these plans, small or large.
        cursor.execute("SET LOCAL jit = off")
        if prisoner_ids is None:
            cursor.execute(ESTATE_SETTINGS)
        _lock(
            cursor, None if rebuild else list(_all_prison_codes(cursor) if prison_ids is None else prison_ids)
        )
        if rebuild:
            # Connections of their own see only committed rows: in a caller's transaction
            # (a test's, say) the partitions are built here, one after another.
            parallel = not in_callers_transaction
            prisoner_rows, prison_rows = rebuild_partitions(cursor, params, parallel=parallel)
        else:
            prisoner_rows = _replace_prisoner_weeks(cursor, params)
            cursor.execute(PRISON_WEEK_UPSERT.format(prisoner_week_table="keywork_prisoner_week"), params)
            prison_rows = cursor.rowcount
    return RecomputeResult(
        prison_weeks=prison_rows,
        prisoner_weeks=prisoner_rows,
        seconds=time.perf_counter() - started,
        mode="rebuild" if rebuild else ("prisoner" if prisoner_ids is not None else "replace"),
    )


def _none_computed() -> bool:
    """No prisoner-week computed yet (a first load): then a rebuild has nothing to carry
    across or compare with, and writing fresh tables beats inserting row by row into the
    indexed ones (a first national load's open weeks, 165,000 rows: 1.8 s against 3.7 s).
    Either path gives the same rows; this only picks the quicker."""
    with connection.cursor() as cursor:
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
    columns = [c.strip() for c in PRISONER_WEEK_COLUMNS.split(",")]
    key, values = columns[:3], columns[3:]
    old, new = (", ".join(f"{side}.{c}" for c in values) for side in ("e", "f"))
    differs = f"({old}) IS DISTINCT FROM ({new})"
    cursor.execute(
        f"""
        WITH fresh AS MATERIALIZED ({PRISONER_WEEK_SELECT}),
        existing AS MATERIALIZED (
            SELECT {PRISONER_WEEK_COLUMNS} FROM keywork_prisoner_week
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
            INSERT INTO keywork_prisoner_week AS t ({PRISONER_WEEK_COLUMNS})
            SELECT {PRISONER_WEEK_COLUMNS} FROM changed WHERE prison_id IS NOT NULL
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
