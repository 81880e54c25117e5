"""prisoners.csv: one row per custody spell, keyed by (prison_number, prison_code,
reception_date). Each row also carries the prisoner's details; when a prisoner's rows
differ, the row of their latest spell wins.

Spells are half-open, [reception_date, release_date); one prisoner's spells must not
overlap, within the file or against the spells already loaded that the file does not
replace (a row with the same key replaces the loaded spell)."""

from __future__ import annotations

from omic.loading import bulk, checks
from omic.loading.bulk import bulk_write
from omic.loading.columns import Date, Text
from omic.loading.context import LoadContext
from omic.loading.kinds.prisons import PRISON_CODE
from omic.loading.registry import FileKind, register
from omic.loading.report import LoadCounts
from omic.loading.upsert import Upsert, cell
from omic.models import CustodySpell, Prison, Prisoner, Wing

PRISON_NUMBER = Text(
    name="prison_number",
    required=True,
    pattern=r"^[A-Z][0-9]{4}[A-Z]{2}$",
    pattern_known_in=(Prisoner._meta.db_table, "prison_number"),
    pattern_message=(
        "{value} is not a prison number; use a capital letter, 4 digits and 2 capitals, e.g. A1234BC"
    ),
)

SPELL = CustodySpell._meta.db_table
PRISON = Prison._meta.db_table
PRISONER = Prisoner._meta.db_table
PLAN = "omic_load_spell_plan"

OVERLAPPING_SPELLS = checks.no_overlap(
    what="spell",
    table=SPELL,
    key=("prison_number", "prison_code", "reception_date"),
    period=("reception_date", "release_date"),
    in_file=(
        "spell overlaps the spell at %s from %s (line %s); "
        "a transfer must start on or after the previous release date"
    ),
    loaded=(
        "spell overlaps the spell at %s from %s already loaded (%s); "
        "a transfer must start on or after the previous release date, so give that spell "
        "its release_date in this file or correct this reception_date"
    ),
    still_open="still in custody",
    ended="released",
    loaded_later=(
        "spell overlaps the spell at %s from %s already loaded; "
        "this spell needs a release_date on or before %s"
    ),
    # a row at an unknown prison is reported as such; it cannot replace a loaded spell
    rows_where=f"prison_code IN (SELECT code FROM {PRISON})",
    name="overlapping custody spells",
)

PRISONER_DETAILS = Upsert(
    model=Prisoner,
    key=("prison_number",),
    source=f"{{rows}} r JOIN {PLAN} p ON p.line = r.line AND p.details_row",
    values={
        "prison_number": cell("prison_number"),
        "first_name": cell("first_name"),
        "last_name": cell("last_name"),
        "date_of_birth": cell("date_of_birth"),
    },
)


def write_prisoners(ctx: LoadContext) -> LoadCounts:
    """Upsert prisoners, then spells. The exclusion constraint is checked row by row, so
    spells that end earlier are updated first, then those that end later, then new spells
    are inserted: every intermediate state is then free of overlaps too."""
    wing = ctx.has("wing_code")
    release = ctx.has("release_date")
    changes = [
        c
        for c, present in (
            ("s.wing_id IS DISTINCT FROM w.id", wing),
            ("s.release_date IS DISTINCT FROM r.release_date", release),
        )
        if present
    ]
    ends_earlier = (
        "r.release_date IS NOT NULL AND (s.release_date IS NULL OR r.release_date < s.release_date)"
        if release
        else "FALSE"
    )
    ctx.temp_table(
        PLAN,
        f"""
        SELECT r.line, r.prison_number, r.prison_code, r.reception_date, r.release_date, w.id AS wing_id,
               s.id AS spell_id,
               CASE WHEN s.id IS NULL THEN 'insert'
                    WHEN NOT ({" OR ".join(changes) or "FALSE"}) THEN 'unchanged'
                    WHEN {ends_earlier} THEN 'shorten'
                    ELSE 'update' END AS action,
               -- a valid file has one spell per prisoner and reception date
               r.reception_date = latest.reception_date AS details_row
        FROM {{rows}} r
        JOIN (SELECT prison_number, max(reception_date) AS reception_date
              FROM {{rows}} GROUP BY prison_number) latest
          ON latest.prison_number = r.prison_number
        LEFT JOIN {Wing._meta.db_table} w ON w.prison_id = r.prison_code AND w.code = r.wing_code
        LEFT JOIN {SPELL} s ON s.prisoner_id = r.prison_number AND s.prison_id = r.prison_code
                           AND s.reception_date = r.reception_date
        """,
    )
    (known,) = ctx.fetchone(
        f"SELECT EXISTS (SELECT 1 FROM {PLAN} p JOIN {PRISONER} q ON q.prison_number = p.prison_number)"
    )
    if known:
        (details_only,) = ctx.fetchone(
            f"""
            WITH written AS ({PRISONER_DETAILS.statement(ctx, "t.prison_number, (t.xmax = 0) AS inserted")})
            SELECT count(*) FROM written
            JOIN {PLAN} p ON p.prison_number = written.prison_number AND p.details_row
            WHERE NOT written.inserted AND p.action = 'unchanged'
            """
        )
    else:
        # none of the file's prisoners is loaded yet: every spell is new, so is every prisoner
        ctx.execute(PRISONER_DETAILS.insert_statement(ctx))
        details_only = 0
        if ctx.staged_rows >= bulk.BULK_MIN_ROWS:
            # As bulk mode does for the tables it rebuilds: the pages that join prisoners plan
            # on their real number, not on an empty table's guess (autovacuum may be off or late).
            ctx.execute(f"ANALYZE {PRISONER}")
    assignments = [
        a
        for a, present in (("wing_id = p.wing_id", wing), ("release_date = p.release_date", release))
        if present
    ]
    updated = 0
    if assignments:
        for action in ("shorten", "update"):
            updated += ctx.execute(
                f"UPDATE {SPELL} s SET {', '.join(assignments)} FROM {PLAN} p "
                f"WHERE s.id = p.spell_id AND p.action = '{action}'"
            )
    with bulk_write(ctx.cursor, SPELL, ctx.staged_rows):
        inserted = ctx.execute(
            f"""
            INSERT INTO {SPELL} (prisoner_id, prison_id, wing_id, reception_date, release_date)
            SELECT prison_number, prison_code, wing_id, reception_date, release_date FROM {PLAN}
            WHERE action = 'insert'
            ORDER BY prison_number, reception_date
            """
        )
    return LoadCounts(inserted=inserted, updated=updated + details_only)


PRISONERS = register(
    FileKind(
        name="prisoners.csv",
        key=("prison_number", "prison_code", "reception_date"),
        columns=(
            PRISON_NUMBER,
            Text(name="first_name", max_length=100, default=""),
            Text(name="last_name", max_length=100, default=""),
            Date(name="date_of_birth"),
            PRISON_CODE,
            Text(name="wing_code", max_length=10),
            Date(name="reception_date", required=True),
            Date(name="release_date"),
        ),
        checks=(
            checks.known_prison(),
            checks.known_wing(),
            checks.after(
                "release_date",
                "reception_date",
                "a spell must end after it starts (leave release_date empty while in custody)",
            ),
            OVERLAPPING_SPELLS,
        ),
        write=write_prisoners,
    )
)
