"""Set-based checks that several file kinds share. Each is a SELECT over the staged rows
returning (line, column, message); see registry.Check."""

from __future__ import annotations

from django.db.models import Model

from omic.loading.registry import Check
from omic.loading.sql import ident, literal
from omic.models import Prison, Prisoner, StaffMember, Wing


def duplicate_key(key: tuple[str, ...]) -> Check:
    """The natural key may appear once in a file; every later repeat is reported."""
    columns = ", ".join(ident(c) for c in key)
    shown = key[0] if len(key) == 1 else "(" + ", ".join(key) + ")"
    shown_values = ", ".join(f"r.{ident(c)}" for c in key)
    message = f"%s appears again (first on line %s); each {shown} may appear once in the file"
    return Check(
        f"""
        WITH repeated AS (
            SELECT {columns}, min(line) AS first_line FROM {{rows}}
            WHERE {" AND ".join(f"{ident(c)} IS NOT NULL" for c in key)}
            GROUP BY {columns} HAVING count(*) > 1
        )
        SELECT r.line, {literal(key[0])},
               format({literal(message)}, concat_ws(', ', {shown_values}), d.first_line)
        FROM {{rows}} r JOIN repeated d USING ({columns})
        WHERE r.line > d.first_line
        """,
        "duplicate natural key",
    )


def _known(column: str, model: type[Model], key: str, what: str, *, add: str, correct: str) -> Check:
    """Rows whose `column` names no `what` in the table of `model` (matched on `key`)."""
    message = f"{what} %s is not known; add {add} or correct the {correct}"
    return Check(
        f"""
        SELECT r.line, {literal(column)}, format({literal(message)}, r.{ident(column)})
        FROM {{rows}} r
        WHERE r.{ident(column)} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {model._meta.db_table} t WHERE t.{ident(key)} = r.{ident(column)})
        """,
        f"unknown {what}",
    )


def known_prison(column: str = "prison_code") -> Check:
    """The prison is in the database (prisons.csv loads first, so a new prison in the same
    folder is there by now)."""
    return _known(column, Prison, "code", "prison", add="it to prisons.csv", correct="code")


def known_prisoner(column: str = "prison_number") -> Check:
    """The prisoner is in the database (prisoners.csv loads before the files that name them)."""
    return _known(
        column, Prisoner, "prison_number", "prisoner", add="them to prisoners.csv", correct="prison number"
    )


def known_staff(column: str = "staff_id") -> Check:
    """The staff member is in the database (staff.csv loads before the files that name them)."""
    return _known(
        column, StaffMember, "staff_id", "staff member", add="them to staff.csv", correct="staff_id"
    )


def known_wing(prison_column: str = "prison_code", wing_column: str = "wing_code") -> Check:
    """The wing is one of that prison's wings (an unknown prison is reported on its own)."""
    prison, wing = ident(prison_column), ident(wing_column)
    return Check(
        f"""
        SELECT r.line, {literal(wing_column)},
               format('wing %s is not a wing of %s; add it to wings.csv or correct the code',
                      r.{wing}, r.{prison})
        FROM {{rows}} r
        WHERE r.{wing} IS NOT NULL
          AND EXISTS (SELECT 1 FROM {Prison._meta.db_table} p WHERE p.code = r.{prison})
          AND NOT EXISTS (SELECT 1 FROM {Wing._meta.db_table} w
                          WHERE w.prison_id = r.{prison} AND w.code = r.{wing})
        """,
        "unknown wing",
    )


def after(column: str, than: str, fix: str) -> Check:
    """A closing date (half-open intervals) must be after the opening date."""
    message = f"%s is not after {than} %s; " + fix.replace("%", "%%")
    return Check(
        f"""
        SELECT line, {literal(column)},
               format({literal(message)},
                      to_char(r.{ident(column)}, 'YYYY-MM-DD'), to_char(r.{ident(than)}, 'YYYY-MM-DD'))
        FROM {{rows}} r WHERE r.{ident(column)} <= r.{ident(than)}
        """,
        f"{column} after {than}",
    )


# The file's columns for a prisoner and a prison are the loaded table's foreign keys.
_LOADED_AS = {"prison_number": "prisoner_id", "prison_code": "prison_id"}


def no_overlap(
    *,
    what: str,
    table: str,
    key: tuple[str, ...],
    period: tuple[str, str],
    in_file: str,
    loaded: str,
    still_open: str,
    ended: str,
    loaded_later: str = "",
    rows_where: str = "",
    loaded_where: str = "",
    written: str = "",
    reported_first: str = "other_first DESC, CASE WHEN other_first THEN other_start END DESC, other_start",
    name: str,
) -> Check:
    """One prisoner's half-open periods, [start, end) with an empty end open, must not
    overlap: not within the file, nor with those in `table` (prisoner_id, prison_id and the
    period's columns) that no row of the file replaces (a row with the same `key` does).

    Each overlapping row is reported once, at its start column. Of two overlapping rows of
    the file the later is reported, with `in_file` (the other's prison, start and line); a
    row overlapping a loaded period with `loaded` (its prison, start, and `still_open` or
    `ended` and its end), or, given `loaded_later`, with that when the loaded period starts
    after the row (its prison and start twice). When a row overlaps several, the first by
    `reported_first` (over other_line, other_first, other_start) is the one named.

    A kind's own rules: `rows_where`, which of the file's rows are periods (over the staged
    columns); `loaded_where`, which loaded rows count (named by `what`'s initial, `a` for
    allocations); `written`, whether the file's row `f` is written at all (one that is not
    overlaps nothing loaded)."""
    start, end = (ident(c) for c in period)
    periods = f"file_{what}s"
    t = what[0]  # the loaded rows: s for spells, a for allocations
    columns = ", ".join(ident(c) for c in key)
    first_rows = f"\n      AND {rows_where}" if rows_where else ""
    counted = f"{loaded_where} AND " if loaded_where else ""
    replaced = " AND ".join(f"f.{ident(c)} = {t}.{ident(_LOADED_AS.get(c, c))}" for c in key)
    against_loaded = f"\n        WHERE o.line IS NOT NULL OR {written}" if written else ""
    later = (
        f"""
           WHEN NOT other_first THEN format({literal(loaded_later)},
               other_prison, to_char(other_start, 'YYYY-MM-DD'), to_char(other_start, 'YYYY-MM-DD'))"""
        if loaded_later
        else ""
    )
    return Check(
        f"""
    WITH {periods} AS (
        SELECT line, prison_number, prison_code, {start}, {end}
        FROM {{rows}}
        -- a repeated key is reported as a duplicate; its repeats are not periods of their own
        JOIN (SELECT min(line) AS line FROM {{rows}} GROUP BY {columns}) first USING (line)
        WHERE {" AND ".join(f"{ident(c)} IS NOT NULL" for c in key)}
          AND ({end} IS NULL OR {end} > {start}){first_rows}
    ),
    kept AS (
        SELECT NULL::integer AS line, {t}.prisoner_id AS prison_number, {t}.prison_id AS prison_code,
               {t}.{start}, {t}.{end}
        FROM {table} {t}
        WHERE {counted}{t}.prisoner_id IN (SELECT prison_number FROM {periods})
          AND NOT EXISTS (SELECT 1 FROM {periods} f WHERE {replaced})
    ),
    pairs AS (
        SELECT f.line, o.line AS other_line, o.prison_code AS other_prison,
               o.{start} AS other_start, o.{end} AS other_end,
               (o.{start} < f.{start} OR (o.{start} = f.{start} AND (o.line IS NULL OR o.line < f.line)))
               AS other_first
        FROM {periods} f
        JOIN (SELECT * FROM {periods} UNION ALL SELECT * FROM kept) o
          ON o.prison_number = f.prison_number AND o.line IS DISTINCT FROM f.line
         -- [a, b) and [c, d) overlap when a < d and c < b (an empty end is open)
         AND o.{start} < coalesce(f.{end}, 'infinity')
         AND f.{start} < coalesce(o.{end}, 'infinity'){against_loaded}
    )
    SELECT DISTINCT ON (line) line, {literal(period[0])},
           CASE
           WHEN other_line IS NOT NULL THEN format({literal(in_file)},
               other_prison, to_char(other_start, 'YYYY-MM-DD'), other_line){later}
           ELSE format({literal(loaded)},
               other_prison, to_char(other_start, 'YYYY-MM-DD'),
               CASE WHEN other_end IS NULL THEN {literal(still_open)}
                    ELSE {literal(ended + " ")} || to_char(other_end, 'YYYY-MM-DD') END)
           END
    FROM pairs
    -- of two overlapping rows of the file, the later one is reported
    WHERE other_first OR other_line IS NULL
    ORDER BY line, {reported_first}
    """,
        name,
    )
