"""A file's first half: staged, typed and checked on its own, consulting no other table's
rows (its cells, and its keys repeated within it). The loading connection does this in the
file's transaction, or a second connection does it ahead of time (read_ahead.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import DataError, transaction

from omic.loading import checks as shared_checks
from omic.loading.columns import Column, Text
from omic.loading.context import LoadContext, Staging
from omic.loading.report import RowError
from omic.loading.sql import ident, trimmed
from omic.loading.staging import Staged, stage

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from omic.loading.progress import Progress
    from omic.loading.registry import FileKind

# For the file's transaction only (SET LOCAL).
SETTINGS = {
    # dates print as YYYY-MM-DD in messages
    "datestyle": "'ISO, YMD'",
    # the checks are short queries over big estimates: compiling them costs more than it saves
    "jit": "off",
    "work_mem": "'256MB'",
    # a bulk write rebuilds indexes (bulk.py): sorted in memory rather than on disk
    "maintenance_work_mem": "'256MB'",
    # staged rows join tables on text keys: hashing beats sorting text under the database's
    # collation (merge joins' sorts took most of a check's time)
    "enable_mergejoin": "off",
    # staged tables are analysed so that joins are planned on real sizes; a small sample does
    "default_statistics_target": "10",
}


@dataclass
class Prepared:
    """A file staged, typed and checked on its own: everything about it that needs no
    other table (its cells, and its keys repeated within it)."""

    kind: FileKind
    path: Path
    tables: Staging
    staged: Staged
    errors: list[RowError]
    read_seconds: float = 0.0
    check_seconds: float = 0.0
    summary: list[tuple] | None = None

    def context(self, cursor: CursorWrapper) -> LoadContext:
        """What the kind's checks and writer work with, over the typed rows, on `cursor`."""
        return LoadContext(
            kind=self.kind,
            cursor=cursor,
            path=self.path,
            present=self.staged.present,
            rows=self.tables.rows,
            staged_rows=self.staged.rows,
            summary=self.summary,
        )


def prepare(
    *,
    kind: FileKind,
    path: Path,
    cursor: CursorWrapper,
    progress: Progress,
    tables: Staging | None = None,
) -> Prepared:
    """COPY the file into `tables.raw`, type its cells into `tables.rows` and report the
    cells that fail their own checks and the repeated keys. Into `tables` that are shared
    (read_ahead.py), the cells' rules consult no other table (see _typed_rows)."""
    tables = tables or Staging()
    clock = time.perf_counter()
    staged = stage(kind=kind, path=path, cursor=cursor, progress=progress, tables=tables)
    prepared = Prepared(
        kind, path, tables, staged, list(staged.errors), read_seconds=time.perf_counter() - clock
    )
    if not staged.header_ok:
        return prepared

    clock = time.perf_counter()
    ctx = prepared.context(cursor)
    checked = _type_and_check_cells(prepared, ctx)
    prepared.errors.extend(_cell_errors(prepared, ctx, checked))
    if _may_repeat(ctx):
        prepared.errors.extend(
            RowError(kind.name, line, column, message)
            for line, column, message in ctx.fetchall(shared_checks.duplicate_key(kind.key).sql)
        )
    if kind.summary is not None and not prepared.errors:
        prepared.summary = ctx.fetchall(kind.summary)
    prepared.check_seconds = time.perf_counter() - clock
    return prepared


def _may_repeat(ctx: LoadContext) -> bool:
    """False when the file's key surely repeats nowhere. A single text key is counted
    distinct by sorting its bytes, which a file in key order (as extracts usually are)
    passes in one comparison per row: a national sessions file in 0.3 s, where grouping
    831,000 keys to find the repeats took 0.9 s (and still runs when they may exist)."""
    key = ctx.kind.key
    if len(key) != 1 or not isinstance(ctx.kind.column(key[0]), Text):
        return True
    column = ident(key[0])
    (unique,) = ctx.fetchone(f'SELECT count({column}) = count(DISTINCT {column} COLLATE "C") FROM {{rows}}')
    return not unique


def _type_and_check_cells(prepared: Prepared, ctx: LoadContext) -> list[Column]:
    """One pass over the staging table: each cell trimmed once (if the file has blanks at
    all), cast once, then typed (NULL when unreadable) and checked; a cell's problem is kept
    as a small code in `_error_<i>`. Returns the columns whose codes were stored, in order.

    The quick pass casts every cell, which raises on an unreadable one; then the pass runs
    again with the careful checks, which cast only what they have found readable (only a
    file with bad cells pays for them)."""
    try:
        with transaction.atomic():
            return _typed_rows(prepared, ctx, quick=True)
    except DataError:
        return _typed_rows(prepared, ctx, quick=False)


def _typed_rows(prepared: Prepared, ctx: LoadContext, *, quick: bool) -> list[Column]:
    tables = prepared.tables
    # Shared tables are staged by the second connection while the loading connection
    # writes other files: a rule that consults their tables (only ever a shortcut, see
    # Column.rules) would wait for those writes' locks.
    lookups = not tables.shared
    # A file with no space or tab anywhere has no cell to trim (staging.py found out).
    blanks = prepared.staged.blanks
    columns = ctx.kind.columns
    checked = [c for c in columns if ctx.has(c.name) and c.check_sql("x") is not None]
    trimmed_cells = ", ".join(f"{trimmed(c.name, blanks=blanks)} AS {ident(c.name)}" for c in columns)
    # Each derived cell is computed in a level of its own (OFFSET 0 keeps the planner from
    # folding the levels back together, which would repeat the costly part per use).
    cast = [c for c in columns if c.readable("x") is not None]
    value = {c.name: ident("_value_" + c.name) for c in cast}
    readable = {c.name: ident("_readable_" + c.name) for c in cast}

    def value_sql(c: Column) -> str:  # the careful pass casts only what is readable
        cast_sql = c.cast(ident(c.name))
        return cast_sql if quick else f"(CASE WHEN {readable[c.name]} THEN {cast_sql} END)"

    def readable_sql(c: Column) -> str | None:
        return c.quick_readable(ident(c.name), value[c.name]) if quick else c.readable(ident(c.name))

    values = "".join(f", {value_sql(c)} AS {value[c.name]}" for c in cast)
    checks = "".join(f", {readable_sql(c)} AS {readable[c.name]}" for c in cast)
    first, second = (values, checks) if quick else (checks, values)
    typed = ", ".join(
        f"{c.typed_sql(ident(c.name), readable.get(c.name), value.get(c.name))} AS {ident(c.name)}"
        for c in columns
    )
    codes = "".join(
        f", {c.check_sql(ident(c.name), readable.get(c.name), value.get(c.name), lookups=lookups)}"
        f" AS _error_{i}"
        for i, c in enumerate(checked)
    )
    tables.create_as(
        ctx.cursor,
        tables.rows,
        f"""
        SELECT line, {typed}{codes}
        FROM (SELECT *{second}
              FROM (SELECT *{first}
                    FROM (SELECT line, {trimmed_cells} FROM {tables.raw} OFFSET 0) cells
                    OFFSET 0) cells
              OFFSET 0) cells
        """,
    )
    return checked


def _cell_errors(prepared: Prepared, ctx: LoadContext, checked: list[Column]) -> list[RowError]:
    """The messages for the cells that failed their own checks (the raw text is fetched
    only for those rows)."""
    if not checked:
        return []
    any_code = " OR ".join(f"_error_{i} IS NOT NULL" for i in range(len(checked)))
    codes = ", ".join(f"_error_{i}" for i in range(len(checked)))
    failed = ctx.fetchall(f"SELECT line, {codes} FROM {{rows}} WHERE {any_code} ORDER BY line")
    if not failed:
        return []
    cells = ", ".join(trimmed(c.name) for c in checked)
    ctx.cursor.execute(
        f"SELECT line, {cells} FROM {prepared.tables.raw} WHERE line = ANY(%s)", [[row[0] for row in failed]]
    )
    texts = {row[0]: row[1:] for row in ctx.cursor.fetchall()}
    errors = []
    for line, *found in failed:
        for column, code, value in zip(checked, found, texts[line], strict=True):
            if code is not None:
                errors.append(RowError(ctx.kind.name, line, column.name, column.message(code, value)))
    return errors


def set_local_settings(cursor: CursorWrapper) -> None:
    """SETTINGS for the current transaction only."""
    cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in SETTINGS.items()))
