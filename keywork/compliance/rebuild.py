"""The full rebuild (keywork.md "Entitlement and delivery", many weeks at once):
keywork_prisoner_week is hash-partitioned by prison, and each partition is built afresh with
CREATE TABLE AS, indexed, analysed and swapped in; the partitions are built at once on
connections of their own (COMPLIANCE_REBUILD_WORKERS). Rows outside the range are carried
across. The caller (keywork.compliance.engine.recompute) holds the global rebuild lock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, transaction

from keywork.compliance.sql import (
    ESTATE_SETTINGS,
    PRISON_WEEK_COLUMNS,
    PRISON_WEEK_ON_CONFLICT,
    PRISON_WEEK_SELECT,
    PRISONER_WEEK_COLUMNS,
    PRISONER_WEEK_SELECT,
)

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


def rebuild_partitions(cursor, params: dict, *, parallel: bool) -> tuple[int, int]:
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
            f"INSERT INTO keywork_prison_week ({PRISON_WEEK_COLUMNS}) "
            f"SELECT {PRISON_WEEK_COLUMNS} FROM {name}_new_prison_week {PRISON_WEEK_ON_CONFLICT}"
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
            cursor.execute(ESTATE_SETTINGS)
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
        {PRISONER_WEEK_SELECT}
        """,
        params,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {name}_new ({PRISONER_WEEK_COLUMNS})
        SELECT {PRISONER_WEEK_COLUMNS} FROM {name}
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
        + PRISON_WEEK_SELECT.format(prisoner_week_table=f"{name}_new"),
        params,
    )
    return rows
