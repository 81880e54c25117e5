"""Bulk mode: a write that at least doubles a big table (a first national load) builds the
table's secondary indexes and checks its foreign keys once, afterwards, instead of row by row.

Row by row, 3.5 million sessions cost an index insertion per secondary index and a deferred
foreign-key trigger call per foreign key at commit (minutes). Dropped before the write and
recreated after it, each index is one sort and each foreign key one join. Everything stays
inside the file's transaction, which holds the table's lock throughout (readers of that table
wait for the load, as they would for any first load), and the constraints are validated before
commit: nothing unchecked is ever visible. Unique and exclusion constraints are rebuilt the
same way, except those the write's ON CONFLICT names; the primary key stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from omic.loading.sql import ident

# Below this many rows the per-row path is quick enough and leaves other readers alone.
BULK_MIN_ROWS = 50_000


def _is_bulk(cursor, table: str, incoming: int) -> bool:
    """Will the write at least double the table? Counts at most `incoming` existing rows."""
    if incoming < BULK_MIN_ROWS:
        return False
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {ident(table)} LIMIT %s) existing", [incoming])
    (existing,) = cursor.fetchone()
    return existing < incoming


@contextmanager
def bulk_write(cursor, table: str, incoming: int, *, arbiters: tuple[str, ...] = ()) -> Iterator[bool]:
    """Around a write of about `incoming` rows into `table`; yields whether bulk mode is on.

    In bulk mode the table's foreign keys, unique and exclusion constraints (except
    `arbiters`, those an ON CONFLICT names) and plain indexes are dropped, then recreated
    and so validated after the write, before the transaction can commit."""
    if not _is_bulk(cursor, table, incoming):
        yield False
        return
    cursor.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u', 'x') AND c.conname <> ALL(%s)
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
        ORDER BY 1
        """,
        [table],
    )
    indexes = cursor.fetchall()
    # ALTER TABLE refuses while deferred foreign-key checks are queued (earlier writes in
    # this transaction): run them now. Django's foreign keys are all deferrable, initially
    # deferred, which SET CONSTRAINTS ALL DEFERRED restores afterwards.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _ in reversed(constraints):
        cursor.execute(f"ALTER TABLE {ident(table)} DROP CONSTRAINT {ident(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield True
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        # Builds the constraint's index, or checks every row in one join, before commit.
        cursor.execute(f"ALTER TABLE {ident(table)} ADD CONSTRAINT {ident(name)} {definition}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The recompute that follows a load plans on the table's new size.
    cursor.execute(f"ANALYZE {ident(table)}")
