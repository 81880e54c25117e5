"""The checks both keywork files make: each row against the rules as they stood on its
date (keywork.md "Sessions: what the form accepts", "Allocation of key workers")."""

from __future__ import annotations

from omic.loading.registry import Check
from omic.loading.sql import ident, literal
from omic.models import Band3, CustodySpell, Prison, Prisoner, StaffMember

SPELL = CustodySpell._meta.db_table
PRISON = Prison._meta.db_table
PRISONER = Prisoner._meta.db_table
STAFF = StaffMember._meta.db_table
BAND = Band3.KEY_WORKER_BAND

# A subquery, so that it is evaluated once per statement rather than once per row.
LONDON_TODAY = "(SELECT (now() AT TIME ZONE 'Europe/London')::date)"


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
