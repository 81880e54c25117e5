"""keywork's extract files (formats.md "Loading"): allocations.csv and sessions.csv.

Loaded rows are checked against the rules as they stood on their own dates (keywork.md
"Sessions: what the form accepts", "Allocation of key workers"): in post, trained, in
custody. Capacity and status have no history, so they are not checked here. A row deleted
in the app (soft delete) is never brought back by a load: it is counted as skipped.

After a file is written, the prison-weeks its rows touch are recomputed on commit."""

from __future__ import annotations

import datetime as dt

from keywork import recompute
from keywork.models import KeyWorkerAllocation, Session, SessionKind, Source
from omic.loading import checks
from omic.loading.bulk import bulk_write
from omic.loading.columns import Date, Integer, Rule, Text
from omic.loading.context import LoadContext
from omic.loading.prisoners import PRISON_NUMBER
from omic.loading.prisons import PRISON_CODE
from omic.loading.registry import Check, FileKind, register
from omic.loading.report import LoadCounts
from omic.loading.sql import ident, literal
from omic.loading.staff import STAFF_ID
from omic.models import Band3, CustodySpell, Prison, Prisoner, StaffMember

SESSION = Session._meta.db_table
ALLOCATION = KeyWorkerAllocation._meta.db_table
SPELL = CustodySpell._meta.db_table
PRISON = Prison._meta.db_table
PRISONER = Prisoner._meta.db_table
STAFF = StaffMember._meta.db_table
BAND = Band3.KEY_WORKER_BAND
EXTRACT = literal(Source.EXTRACT.value)
ALLOCATION_PLAN = "keywork_load_allocation_plan"

# A subquery, so that it is evaluated once per statement rather than once per row.
LONDON_TODAY = "(SELECT (now() AT TIME ZONE 'Europe/London')::date)"

BCST_REASON = (
    "BCST belongs to the Band 4 job description; Band 3 key workers must not complete it. "
    "Remove this row, or correct the kind"
)


def _known_rows(date_column: str) -> str:
    """Rows whose prisoner, prison and date are all known (otherwise those are reported)."""
    d = ident(date_column)
    return (
        f"r.{d} IS NOT NULL AND r.prison_code IS NOT NULL AND r.prison_number IS NOT NULL "
        f"AND EXISTS (SELECT 1 FROM {PRISON} p WHERE p.code = r.prison_code) "
        f"AND EXISTS (SELECT 1 FROM {PRISONER} q WHERE q.prison_number = r.prison_number)"
    )


def in_custody_on(date_column: str, what: str) -> Check:
    """The prisoner was in custody at the prison on the date: a spell there with
    reception_date <= date < release_date (an empty release_date is still in custody)."""
    d = ident(date_column)
    message = (
        "prisoner %s was not in custody at %s on %s, so cannot have "
        + what
        + "; correct the "
        + date_column
        + ", prison_code or prison_number, or load the custody spell in prisoners.csv"
    )
    return Check(
        f"""
        SELECT r.line, {literal(date_column)},
               format({literal(message)}, r.prison_number, r.prison_code, to_char(r.{d}, 'YYYY-MM-DD'))
        FROM {{rows}} r
        WHERE {_known_rows(date_column)}
          AND NOT EXISTS (
              SELECT 1 FROM {SPELL} s
              WHERE s.prisoner_id = r.prison_number AND s.prison_id = r.prison_code
                AND s.reception_date <= r.{d} AND (s.release_date IS NULL OR s.release_date > r.{d}))
        """,
        "prisoner in custody on the date",
    )


def key_worker_on(date_column: str, what: str) -> Check:
    """The staff member was a Band 3 in post at the prison on the date ([in_post_from,
    in_post_to)) and trained by then. Each failing condition is named."""
    d = ident(date_column)
    not_band3 = f"s.band <> {BAND}"
    not_in_post = (
        f"s.prison_id <> r.prison_code OR s.in_post_from > r.{d} "
        f"OR (s.in_post_to IS NOT NULL AND s.in_post_to <= r.{d})"
    )
    untrained = f"s.key_worker_trained_on IS NULL OR s.key_worker_trained_on > r.{d}"
    message = (
        "key worker %s on %s: %s; " + what + " must be a Band 3 in post at the prison and trained "
        "by that date, so correct the staff_id or the "
        + date_column
        + ", or correct their record in staff.csv"
    )
    return Check(
        f"""
        SELECT r.line, 'staff_id',
               format({literal(message)}, r.staff_id, to_char(r.{d}, 'YYYY-MM-DD'), concat_ws(', ',
                   CASE WHEN {not_band3} THEN format('is Band %s, not Band {BAND}', s.band) END,
                   CASE WHEN {not_in_post} THEN format('was not in post at %s', r.prison_code) END,
                   CASE WHEN {untrained} THEN 'had not completed key worker training' END))
        FROM {{rows}} r
        JOIN {STAFF} s ON s.staff_id = r.staff_id
        WHERE r.{d} IS NOT NULL AND r.prison_code IS NOT NULL
          AND EXISTS (SELECT 1 FROM {PRISON} p WHERE p.code = r.prison_code)
          AND (({not_band3}) OR ({not_in_post}) OR ({untrained}))
        """,
        "key worker eligible on the date",
    )


# A cell's own rule, checked in the pass that types the cells (no scan of its own).
NOT_IN_FUTURE = Rule(
    f"{{v}} > {LONDON_TODAY}",
    "{raw} is in the future (today is {today}); a session is recorded once it has taken place, "
    "so correct the date",
)


def _schedule(ranges: list[tuple[str, dt.date, dt.date]]) -> None:
    recompute.schedule_recompute_ranges(ranges)


# --- sessions.csv ------------------------------------------------------------------------

SESSION_FIELDS = (
    "prisoner_id",
    "prison_id",
    "key_worker_id",
    "allocated_key_worker_id",
    "date",
    "duration_minutes",
    "kind",
)


# An extract's sessions have no recorder: this partial index never takes one of them.
APP_ONLY = ("session_recorded_by",)

# Each prison's first and last session date in the file: the weeks its rows go to.
SESSION_WEEKS = """
    SELECT prison_code, min(date), max(date) FROM {rows}
    WHERE prison_code IS NOT NULL AND date IS NOT NULL
    GROUP BY prison_code ORDER BY prison_code
"""


def write_sessions(ctx: LoadContext) -> LoadCounts:
    """Upsert by session_id (source 'extract'); a soft-deleted session is skipped, and an
    unchanged one is not rewritten."""
    fields = ", ".join(SESSION_FIELDS)
    (known,) = ctx.fetchone(
        f"SELECT EXISTS (SELECT 1 FROM {{rows}} r JOIN {SESSION} t ON t.session_id = r.session_id)"
    )
    if known:
        deleted = (
            f"EXISTS (SELECT 1 FROM {SESSION} x WHERE x.session_id = r.session_id "
            "AND x.deleted_at IS NOT NULL)"
        )
        (skipped,) = ctx.fetchone(f"SELECT count(*) FROM {{rows}} r WHERE {deleted}")
        # Weeks to recompute: where the rows go, and where updated sessions were before.
        ranges = ctx.fetchall(
            f"""
            SELECT prison_id, min(day), max(day) FROM (
                SELECT r.prison_code AS prison_id, r.date AS day FROM {{rows}} r WHERE NOT {deleted}
                UNION ALL
                SELECT t.prison_id, t.date FROM {SESSION} t
                WHERE t.deleted_at IS NULL AND t.session_id IN (SELECT session_id FROM {{rows}})
            ) touched GROUP BY prison_id ORDER BY prison_id
            """
        )
        with bulk_write(
            ctx.cursor, SESSION, ctx.staged_rows, conflict_on=("session_id",), untouched=APP_ONLY
        ):
            inserted, updated = _upsert_sessions(ctx, deleted, fields)
    else:
        # Every row is new (a first load, or a week's new extract): none is a deleted
        # session, so the weeks to recompute are where the rows go, as summarised when the
        # file was staged. A plain insert, with no conflicts to look for, in date order so
        # that the engine's scans of recent weeks read few pages (session_date_brin).
        skipped = 0
        ranges = ctx.summary
        with bulk_write(ctx.cursor, SESSION, ctx.staged_rows, untouched=APP_ONLY) as bulk:
            inserted, updated = _insert_sessions(ctx, fields, ids_reserved=bulk), 0
    if inserted or updated:
        _schedule(ranges)
    return LoadCounts(inserted=inserted, updated=updated, skipped=skipped)


# The staged sessions with the key worker allocated that day: allocations never overlap (an
# exclusion constraint), so the join finds at most one, and may hash rather than probe per row.
_SESSION_SOURCE = f"""
    SELECT r.line, r.session_id, r.prison_number AS prisoner_id, r.prison_code AS prison_id,
           r.staff_id AS key_worker_id, a.key_worker_id AS allocated_key_worker_id, r.date,
           r.duration_minutes, r.kind
    FROM {{rows}} r
    LEFT JOIN {ALLOCATION} a
      ON a.prisoner_id = r.prison_number AND a.prison_id = r.prison_code AND a.deleted_at IS NULL
     AND a.start_date <= r.date AND (a.end_date IS NULL OR a.end_date > r.date)
"""


def _insert_sessions(ctx: LoadContext, fields: str, *, ids_reserved: bool) -> int:
    """With `ids_reserved` (bulk mode, whose ALTERs hold the table's lock until commit, so
    that no one else draws a session id meanwhile), the file's ids are reserved in one step,
    one per line, rather than drawn from the sequence row by row (831,000 nextval calls
    took about 0.5 s)."""
    id_column = id_value = ""
    if ids_reserved:
        (first,) = ctx.fetchone(
            f"""
            SELECT setval(seq, nextval(seq) + span - 1) - span + 1
            FROM (SELECT pg_get_serial_sequence({literal(SESSION)}, 'id') AS seq,
                         greatest(max(line) - 1, 1) AS span FROM {{rows}}) lines
            """
        )
        id_column, id_value = "id, ", f"{int(first)} + s.line - 2, "
    return ctx.execute(
        f"""
        INSERT INTO {SESSION} ({id_column}source, session_id, {fields}, notes, recorded_at, updated_at,
                               deleted_reason)
        SELECT {id_value}{EXTRACT}, s.session_id, {", ".join(f"s.{f}" for f in SESSION_FIELDS)},
               '', now(), now(), ''
        FROM ({_SESSION_SOURCE}) s
        ORDER BY s.date
        """
    )


def _upsert_sessions(ctx: LoadContext, deleted: str, fields: str) -> tuple[int, int]:
    return ctx.fetchone(
        f"""
        WITH source AS ({_SESSION_SOURCE} WHERE NOT {deleted}),
        written AS (
            INSERT INTO {SESSION} AS t (source, session_id, {fields}, notes, recorded_at, updated_at,
                                        deleted_reason)
            SELECT {EXTRACT}, s.session_id, {", ".join(f"s.{f}" for f in SESSION_FIELDS)},
                   '', now(), now(), ''
            FROM source s
            WHERE NOT EXISTS (
                SELECT 1 FROM {SESSION} t0 WHERE t0.session_id = s.session_id
                AND ({", ".join(f"t0.{f}" for f in SESSION_FIELDS)})
                    IS NOT DISTINCT FROM ({", ".join(f"s.{f}" for f in SESSION_FIELDS)}))
            ORDER BY s.session_id
            ON CONFLICT (session_id) DO UPDATE
            SET {", ".join(f"{f} = EXCLUDED.{f}" for f in SESSION_FIELDS)}, updated_at = EXCLUDED.updated_at
            WHERE t.deleted_at IS NULL
              AND ({", ".join(f"t.{f}" for f in SESSION_FIELDS)})
                  IS DISTINCT FROM ({", ".join(f"EXCLUDED.{f}" for f in SESSION_FIELDS)})
            RETURNING (t.xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
        """
    )


SESSIONS = register(
    FileKind(
        name="sessions.csv",
        key=("session_id",),
        columns=(
            Text(name="session_id", required=True, max_length=40),
            PRISON_NUMBER,
            STAFF_ID,
            PRISON_CODE,
            Date(name="date", required=True, extra_rules=(NOT_IN_FUTURE,)),
            Integer(name="duration_minutes", required=True, min=1, max=240),
            Text(
                name="kind",
                required=True,
                choices=tuple(SessionKind.values),
                # the length first: it spares almost every cell the lower-casing
                extra_rules=(Rule("length({v}) = 4 AND lower({v}) = 'bcst'", BCST_REASON),),
            ),
        ),
        checks=(
            checks.known_prison(),
            checks.known_prisoner(),
            checks.known_staff(),
            in_custody_on("date", "had a key work session there"),
            key_worker_on("date", "the key worker who held a session"),
        ),
        write=write_sessions,
        summary=SESSION_WEEKS,
        description="key work sessions that took place",
    )
)


# --- allocations.csv ---------------------------------------------------------------------

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

ALLOCATION_FIELDS = ("prison_id", "key_worker_id", "end_date")


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
        _schedule(
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
