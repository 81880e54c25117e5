"""sessions.csv: key work sessions that took place, keyed by session_id (formats.md
"Loading"). Upserted with source 'extract'; a session deleted in the app is skipped, not
brought back."""

from __future__ import annotations

from dataclasses import replace

from keywork import recompute
from keywork.loading.checks import LONDON_TODAY, in_custody_on, key_worker_on
from keywork.models import KeyWorkerAllocation, Session, SessionKind, Source
from omic.loading import checks
from omic.loading.bulk import bulk_write
from omic.loading.columns import Date, Integer, Rule, Text
from omic.loading.context import LoadContext
from omic.loading.kinds import PRISON_CODE, PRISON_NUMBER, STAFF_ID
from omic.loading.registry import FileKind, register
from omic.loading.report import LoadCounts
from omic.loading.sql import literal
from omic.loading.upsert import Upsert, Value

SESSION = Session._meta.db_table
ALLOCATION = KeyWorkerAllocation._meta.db_table
EXTRACT = literal(Source.EXTRACT.value)

BCST_REASON = (
    "BCST belongs to the Band 4 job description; Band 3 key workers must not complete it. "
    "Remove this row, or correct the kind"
)


# A cell's own rule, checked in the pass that types the cells (no scan of its own).
NOT_IN_FUTURE = Rule(
    f"{{v}} > {LONDON_TODAY}",
    "{raw} is in the future (today is {today}); a session is recorded once it has taken place, "
    "so correct the date",
)

# An extract's sessions have no recorder: this partial index never takes one of them.
APP_ONLY = ("session_recorded_by",)

# Each prison's first and last session date in the file: the weeks its rows go to.
SESSION_WEEKS = """
    SELECT prison_code, min(date), max(date) FROM {rows}
    WHERE prison_code IS NOT NULL AND date IS NOT NULL
    GROUP BY prison_code ORDER BY prison_code
"""


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

SESSION_ROWS = Upsert(
    model=Session,
    key=("session_id",),
    source=f"({_SESSION_SOURCE}) s",
    values={
        "source": Value(EXTRACT),
        "session_id": Value("s.session_id", ("session_id",)),
        "prisoner_id": Value("s.prisoner_id", ("prison_number",)),
        "prison_id": Value("s.prison_id", ("prison_code",)),
        "key_worker_id": Value("s.key_worker_id", ("staff_id",)),
        "allocated_key_worker_id": Value("s.allocated_key_worker_id"),
        "date": Value("s.date", ("date",)),
        "duration_minutes": Value("s.duration_minutes", ("duration_minutes",)),
        "kind": Value("s.kind", ("kind",)),
        "notes": Value("''"),
        "recorded_at": Value("now()"),
        "updated_at": Value("now()"),
        "deleted_reason": Value("''"),
    },
    insert_only=("source", "notes", "recorded_at", "deleted_reason"),
    stamped=("updated_at",),
    # a session deleted in the app is not brought back (formats.md)
    update_where="t.deleted_at IS NULL",
    key_ordered=True,
    # date order, so that the engine's scans of recent weeks read few pages (session_date_brin)
    insert_order=("date",),
    ids_by_line="s.line",
)


def write_sessions(ctx: LoadContext) -> LoadCounts:
    """Upsert by session_id (source 'extract'); a soft-deleted session is skipped, and an
    unchanged one is not rewritten."""
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
        # A deleted session is left out of the source, so that its row is not even locked.
        upsert = replace(SESSION_ROWS, source=f"({_SESSION_SOURCE} WHERE NOT {deleted}) s")
        with bulk_write(
            ctx.cursor, SESSION, ctx.staged_rows, conflict_on=SESSION_ROWS.key, untouched=APP_ONLY
        ):
            counts = upsert.run(ctx)
        inserted, updated = counts.inserted, counts.updated
    else:
        # Every row is new (a first load, or a week's new extract): none is a deleted
        # session, so the weeks to recompute are where the rows go, as summarised when the
        # file was staged. A plain insert, with no conflicts to look for.
        skipped = 0
        ranges = ctx.summary
        with bulk_write(ctx.cursor, SESSION, ctx.staged_rows, untouched=APP_ONLY) as bulk:
            # bulk mode's ALTERs hold the table's lock until commit: the ids may be reserved
            first_id = SESSION_ROWS.reserve_ids(ctx) if bulk else None
            inserted, updated = ctx.execute(SESSION_ROWS.insert_statement(ctx, first_id=first_id)), 0
    if inserted or updated:
        recompute.schedule_recompute_ranges(ranges)
    return LoadCounts(inserted=inserted, updated=updated, skipped=skipped)


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
