"""allocations.csv: key worker allocations, keyed by (prison_number, start_date) among
those not deleted (formats.md "Loading"); one prisoner's allocations must not overlap."""

from __future__ import annotations

from keywork import recompute
from keywork.loading.checks import LONDON_TODAY, in_custody_on, key_worker_on
from keywork.models import KeyWorkerAllocation, Source
from omic.loading import checks
from omic.loading.bulk import bulk_write
from omic.loading.columns import Date
from omic.loading.context import LoadContext
from omic.loading.kinds import PRISON_CODE, PRISON_NUMBER, STAFF_ID
from omic.loading.registry import Check, FileKind, register
from omic.loading.report import LoadCounts
from omic.loading.sql import literal

ALLOCATION = KeyWorkerAllocation._meta.db_table
EXTRACT = literal(Source.EXTRACT.value)
ALLOCATION_PLAN = "keywork_load_allocation_plan"

# Of the file's rows, those that would be written (not those matching only a deleted allocation).
_WRITTEN_ROW = (
    f"(EXISTS (SELECT 1 FROM {ALLOCATION} a WHERE a.prisoner_id = f.prison_number "
    f"AND a.start_date = f.start_date AND a.deleted_at IS NULL) "
    f"OR NOT EXISTS (SELECT 1 FROM {ALLOCATION} a WHERE a.prisoner_id = f.prison_number "
    f"AND a.start_date = f.start_date AND a.deleted_at IS NOT NULL))"
)

OVERLAPPING_ALLOCATIONS = Check(
    f"""
    WITH file_allocations AS (
        SELECT line, prison_number, prison_code, start_date, end_date
        FROM {{rows}}
        JOIN (SELECT min(line) AS line FROM {{rows}} GROUP BY prison_number, start_date) first USING (line)
        WHERE prison_number IS NOT NULL AND start_date IS NOT NULL
          AND (end_date IS NULL OR end_date > start_date)
    ),
    kept AS (
        SELECT NULL::integer AS line, a.prisoner_id AS prison_number, a.prison_id AS prison_code,
               a.start_date, a.end_date
        FROM {ALLOCATION} a
        WHERE a.deleted_at IS NULL AND a.prisoner_id IN (SELECT prison_number FROM file_allocations)
          AND NOT EXISTS (SELECT 1 FROM file_allocations f
                          WHERE f.prison_number = a.prisoner_id AND f.start_date = a.start_date)
    ),
    pairs AS (
        SELECT f.line, o.line AS other_line, o.prison_code AS other_prison, o.start_date AS other_start,
               o.end_date AS other_end
        FROM file_allocations f
        JOIN (SELECT * FROM file_allocations UNION ALL SELECT * FROM kept) o
          ON o.prison_number = f.prison_number AND o.line IS DISTINCT FROM f.line
         AND o.start_date < coalesce(f.end_date, 'infinity')
         AND f.start_date < coalesce(o.end_date, 'infinity')
         -- of two rows of the file, the later one is reported
         AND (o.line IS NULL OR o.start_date < f.start_date
              OR (o.start_date = f.start_date AND o.line < f.line))
        WHERE o.line IS NOT NULL OR {_WRITTEN_ROW}
    )
    SELECT DISTINCT ON (line) line, 'start_date',
           CASE WHEN other_line IS NOT NULL THEN format(
               'allocation overlaps the allocation at %s from %s (line %s); a prisoner has one key worker '
               'at a time, so end that allocation (end_date) on or before this start_date',
               other_prison, to_char(other_start, 'YYYY-MM-DD'), other_line)
           ELSE format(
               'allocation overlaps the allocation at %s from %s already loaded (%s); a prisoner has one '
               'key worker at a time, so give that allocation its end_date in this file or correct this row',
               other_prison, to_char(other_start, 'YYYY-MM-DD'),
               CASE WHEN other_end IS NULL THEN 'still open'
                    ELSE 'ending ' || to_char(other_end, 'YYYY-MM-DD') END)
           END
    FROM pairs
    ORDER BY line, other_line NULLS LAST, other_start
    """,
    "overlapping allocations",
)


def write_allocations(ctx: LoadContext) -> LoadCounts:
    """Upsert by (prison_number, start_date) among allocations that are not deleted. A row
    whose key matches only a deleted allocation is skipped. The exclusion constraint is
    checked row by row, so allocations that get shorter are updated first, then the others,
    then new ones are inserted: every intermediate state lies within the final one."""
    end_given = ctx.has("end_date")
    changed = "a.prison_id <> r.prison_code OR a.key_worker_id <> r.staff_id" + (
        " OR a.end_date IS DISTINCT FROM r.end_date" if end_given else ""
    )
    shorter = (
        "r.end_date IS NOT NULL AND (a.end_date IS NULL OR r.end_date < a.end_date)" if end_given else "FALSE"
    )
    ctx.temp_table(
        ALLOCATION_PLAN,
        f"""
        SELECT r.line, r.prison_number, r.prison_code, r.staff_id, r.start_date, r.end_date,
               a.id AS allocation_id,
               a.prison_id AS old_prison_id, a.start_date AS old_start_date,
               CASE WHEN a.id IS NULL AND EXISTS (
                        SELECT 1 FROM {ALLOCATION} x WHERE x.prisoner_id = r.prison_number
                        AND x.start_date = r.start_date AND x.deleted_at IS NOT NULL) THEN 'skip'
                    WHEN a.id IS NULL THEN 'insert'
                    WHEN NOT ({changed}) THEN 'unchanged'
                    WHEN {shorter} THEN 'shorten'
                    ELSE 'update' END AS action
        FROM {{rows}} r
        LEFT JOIN {ALLOCATION} a ON a.prisoner_id = r.prison_number AND a.start_date = r.start_date
                                AND a.deleted_at IS NULL
        """,
    )
    counts = dict(ctx.fetchall(f"SELECT action, count(*) FROM {ALLOCATION_PLAN} GROUP BY action"))
    assignments = ["prison_id = p.prison_code", "key_worker_id = p.staff_id"]
    if end_given:
        assignments.append("end_date = p.end_date")
    for action in ("shorten", "update"):
        if counts.get(action):
            ctx.execute(
                f"UPDATE {ALLOCATION} a SET {', '.join(assignments)} FROM {ALLOCATION_PLAN} p "
                f"WHERE a.id = p.allocation_id AND p.action = '{action}'"
            )
    if counts.get("insert"):
        with bulk_write(ctx.cursor, ALLOCATION, counts["insert"]):
            ctx.execute(
                f"""
                INSERT INTO {ALLOCATION} (prisoner_id, prison_id, key_worker_id, start_date, end_date,
                                          source, reason, created_at, end_reason, deleted_reason)
                SELECT prison_number, prison_code, staff_id, start_date, end_date, {EXTRACT}, '', now(),
                       '', ''
                FROM {ALLOCATION_PLAN} WHERE action = 'insert'
                ORDER BY prison_number, start_date
                """
            )
    inserted = counts.get("insert", 0)
    updated = counts.get("shorten", 0) + counts.get("update", 0)
    if inserted or updated:
        # An allocation changes the weeks from its start to today (whose key worker a
        # prisoner had); an updated one also those of the prison it was at before.
        recompute.schedule_recompute_ranges(
            ctx.fetchall(
                f"""
                SELECT prison_id, min(day), greatest(max(day), {LONDON_TODAY}) FROM (
                    SELECT p.prison_code AS prison_id, p.start_date AS day FROM {ALLOCATION_PLAN} p
                    WHERE p.action IN ('insert', 'shorten', 'update')
                    UNION ALL
                    SELECT p.old_prison_id, p.old_start_date FROM {ALLOCATION_PLAN} p
                    WHERE p.action IN ('shorten', 'update')
                ) touched GROUP BY prison_id ORDER BY prison_id
                """
            )
        )
    return LoadCounts(inserted=inserted, updated=updated, skipped=counts.get("skip", 0))


ALLOCATIONS = register(
    FileKind(
        name="allocations.csv",
        key=("prison_number", "start_date"),
        columns=(
            PRISON_NUMBER,
            STAFF_ID,
            PRISON_CODE,
            Date(name="start_date", required=True),
            Date(name="end_date"),
        ),
        checks=(
            checks.known_prison(),
            checks.known_prisoner(),
            checks.known_staff(),
            checks.after(
                "end_date",
                "start_date",
                "an allocation must end after it starts (leave end_date empty while it continues)",
            ),
            in_custody_on("start_date", "been allocated a key worker there"),
            key_worker_on("start_date", "a key worker"),
            OVERLAPPING_ALLOCATIONS,
        ),
        write=write_allocations,
        description="key worker allocations",
    )
)
