"""Bulk mode: a write that at least doubles a big table (a first national load) builds the
table's indexes and checks its constraints once, afterwards, instead of row by row.

Row by row, 3.5 million sessions cost an index insertion per index, an evaluation of every
check constraint and a deferred foreign-key trigger call per foreign key at commit (minutes).
Dropped before the write and recreated after it, each index is one sort, each foreign key one
join, and the check constraints together one scan (on this machine, 831,000 sessions: 5.1 s
written with their primary key and checks in place, 3.4 s written bare then both rebuilt).
Everything stays inside the file's transaction, which holds the table's lock throughout
(readers of that table wait for the load, as they would for any first load), and the
constraints are validated before commit: nothing unchecked is ever visible. The constraints
the write's ON CONFLICT names stay, and so does a primary key that a foreign key stands on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db.models import CheckConstraint

from omic.loading.sql import ident

# Below this many rows the per-row path is quick enough and leaves other readers alone
# (a national staff.csv, 21,000 rows, is above it: its foreign keys checked row by row at
# commit took 0.4 s of a first load).
BULK_MIN_ROWS = 10_000


def _is_bulk(cursor, table: str, incoming: int) -> bool:
    """Will the write at least double the table? Counts at most `incoming` existing rows."""
    if incoming < BULK_MIN_ROWS:
        return False
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {ident(table)} LIMIT %s) existing", [incoming])
    (existing,) = cursor.fetchone()
    return existing < incoming


@contextmanager
def bulk_write(
    cursor, table: str, incoming: int, *, conflict_on: tuple[str, ...] = (), untouched: tuple[str, ...] = ()
) -> Iterator[bool]:
    """Around a write of about `incoming` rows into `table`; yields whether bulk mode is on.

    In bulk mode the table's constraints (except the arbiters of an ON CONFLICT over the
    columns `conflict_on`, and a primary key that another table's foreign key references)
    and plain indexes are dropped, then recreated and so validated after the write, before
    the transaction can commit: the checks together in one statement, then the keys, the
    foreign keys last. `untouched` names partial indexes that no written row enters (its
    predicate is never true of them): they stay, since rebuilding one would scan the whole
    table for nothing."""
    if not _is_bulk(cursor, table, incoming):
        yield False
        return
    arbiters = unique_on(cursor, table, conflict_on) if conflict_on else ()
    cursor.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'c', 'f', 'u', 'x') AND c.conname <> ALL(%s)
          AND NOT (c.contype = 'p' AND EXISTS (
              SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid))
        -- foreign keys last, after the keys they may stand on
        ORDER BY c.contype = 'f', c.conname
        """,
        [table, list(arbiters)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          AND i.indexrelid::regclass::text <> ALL(%s)
        ORDER BY 1
        """,
        [table, [*arbiters, *untouched]],
    )
    indexes = cursor.fetchall()
    # ALTER TABLE refuses while deferred foreign-key checks are queued (earlier writes in
    # this transaction): run them now. Django's foreign keys are all deferrable, initially
    # deferred, which SET CONSTRAINTS ALL DEFERRED restores afterwards.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _, _ in reversed(constraints):
        cursor.execute(f"ALTER TABLE {ident(table)} DROP CONSTRAINT {ident(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield True
    for _, definition in indexes:
        cursor.execute(definition)
    checks = [(name, definition) for name, definition, kind in constraints if kind == "c"]
    if checks:
        as_migrated = _checks_as_migrated(cursor, table)
        adds = [as_migrated.get(name, f"CONSTRAINT {ident(name)} {sql}") for name, sql in checks]
        # one statement, so one scan checks them all
        cursor.execute(f"ALTER TABLE {ident(table)} " + ", ".join(f"ADD {add}" for add in adds))
    for name, definition, kind in constraints:
        if kind != "c":
            # Builds the constraint's index, or checks every row in one join, before commit.
            cursor.execute(f"ALTER TABLE {ident(table)} ADD CONSTRAINT {ident(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The recompute that follows a load plans on the table's new size.
    cursor.execute(f"ANALYZE {ident(table)}")


def unique_on(cursor, table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The unique constraints and indexes of `table` over exactly `columns` (an ON
    CONFLICT's arbiters, which bulk mode keeps), by constraint name or else index name."""
    cursor.execute(
        """
        SELECT coalesce(c.conname, i.indexrelid::regclass::text)
        FROM pg_index i
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE i.indrelid = %s::regclass AND i.indisunique
          AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
               WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = %s::text[]
        """,
        [table, sorted(columns)],
    )
    return tuple(name for (name,) in cursor.fetchall())


def _checks_as_migrated(cursor, table: str) -> dict[str, str]:
    """The table's model's check constraints, by name, in the SQL its migrations ran.
    PostgreSQL prints an IN list back differently from the text it was given (the same
    test, other words): re-added from that print, the schema would drift from a freshly
    migrated one. A field's own check (a positive integer's) prints back as it was."""
    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        return {}
    editor = cursor.db.schema_editor()
    return {
        c.name: str(c.constraint_sql(model, editor))
        for c in model._meta.constraints
        if isinstance(c, CheckConstraint)
    }
