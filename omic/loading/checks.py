"""Set-based checks that several file kinds share. Each is a SELECT over the staged rows
returning (line, column, message); see registry.Check."""

from __future__ import annotations

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


def _known(column: str, table: str, key: str, message: str, name: str) -> Check:
    """Rows whose `column` names no row of `table` (matched on `key`); message takes the value."""
    return Check(
        f"""
        SELECT r.line, {literal(column)}, format({literal(message)}, r.{ident(column)})
        FROM {{rows}} r
        WHERE r.{ident(column)} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{ident(key)} = r.{ident(column)})
        """,
        name,
    )


def known_prison(column: str = "prison_code") -> Check:
    """The prison is in the database (prisons.csv loads first, so a new prison in the same
    folder is there by now)."""
    return _known(
        column,
        Prison._meta.db_table,
        "code",
        "prison %s is not known; add it to prisons.csv or correct the code",
        "unknown prison",
    )


def known_prisoner(column: str = "prison_number") -> Check:
    """The prisoner is in the database (prisoners.csv loads before the files that name them)."""
    return _known(
        column,
        Prisoner._meta.db_table,
        "prison_number",
        "prisoner %s is not known; add them to prisoners.csv or correct the prison number",
        "unknown prisoner",
    )


def known_staff(column: str = "staff_id") -> Check:
    """The staff member is in the database (staff.csv loads before the files that name them)."""
    return _known(
        column,
        StaffMember._meta.db_table,
        "staff_id",
        "staff member %s is not known; add them to staff.csv or correct the staff_id",
        "unknown staff member",
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
