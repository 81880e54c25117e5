"""The usual writer: one INSERT … SELECT … ON CONFLICT over the staged rows.

Unchanged rows are not rewritten (`WHERE (…) IS DISTINCT FROM (EXCLUDED.…)`), so loading
the same file twice writes nothing and counts nothing as updated. A target column whose
source columns were missing from the file's header keeps its value on existing rows and
takes its default on new ones.

A few options serve a kind with columns of its own (sessions): values written on insert
only, a stamp set with every change, a condition on the rows an update may touch, the
order of the rows written, and ids reserved in one step in bulk mode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models

from omic.loading.bulk import bulk_write
from omic.loading.context import LoadContext
from omic.loading.report import LoadCounts
from omic.loading.sql import ident, literal


@dataclass(frozen=True)
class Value:
    """An SQL expression over the source (staged rows are `r`) and the file columns it needs."""

    sql: str
    columns: tuple[str, ...] = ()


def cell(name: str) -> Value:
    """The staged, typed value of a file column (its default already applied)."""
    return Value(f"r.{ident(name)}", (name,))


def cells(*names: str) -> dict[str, Value]:
    """Each named file column written to the model field of the same name, in this order."""
    return {name: cell(name) for name in names}


@dataclass(frozen=True, kw_only=True)
class Upsert:
    model: type[models.Model]
    key: tuple[str, ...]
    values: Mapping[str, Value]
    source: str = "{rows} r"
    where: str = "TRUE"
    # The predicate of a partial unique index that `key` names (e.g. "deleted_at IS NULL").
    conflict_where: str = ""
    # Targets written when a row is inserted and never updated or compared (e.g. its source,
    # when it was recorded).
    insert_only: tuple[str, ...] = ()
    # Targets set again whenever a row is updated, but not compared: a row that differs only
    # in them is unchanged (e.g. updated_at = now()).
    stamped: tuple[str, ...] = ()
    # A condition on the existing row `t` for it to be updated (e.g. "t.deleted_at IS NULL":
    # a row deleted in the app is left alone).
    update_where: str = ""
    # The upsert writes its rows in key order (one order of row locks and index entries).
    key_ordered: bool = False
    # The plain insert's order, by targets (default the key).
    insert_order: tuple[str, ...] = ()
    # The source's file line (e.g. "s.line"): with it, insert_statement can take ids reserved
    # by reserve_ids rather than drawing them from the sequence row by row.
    ids_by_line: str = ""

    def __call__(self, ctx: LoadContext) -> LoadCounts:
        with bulk_write(ctx.cursor, self.model._meta.db_table, ctx.staged_rows, conflict_on=self.key):
            return self.run(ctx)

    def run(self, ctx: LoadContext) -> LoadCounts:
        """Runs the statement; counts the rows it inserted and updated."""
        inserted, updated = ctx.fetchone(
            f"""
                WITH written AS ({self.statement(ctx)})
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
                """
        )
        return LoadCounts(inserted=inserted, updated=updated)

    def statement(self, ctx: LoadContext, returning: str = "(t.xmax = 0) AS inserted") -> str:
        """The INSERT … ON CONFLICT, returning `returning` for each row written (not for
        unchanged rows); the target table is `t`."""
        table = self.model._meta.db_table
        targets = list(self.values)
        exprs = ", ".join(self.values[t].sql for t in targets)
        stamped = [t for t in targets if t in self.stamped]
        updatable = [
            t
            for t in targets
            if t not in (*self.key, *self.insert_only, *self.stamped)
            and all(ctx.has(c) for c in self.values[t].columns)
        ]
        # Rows already as the file has them are left out before the INSERT: ON CONFLICT
        # would otherwise lock (and so write to) every one of them.
        same = " AND ".join(f"t0.{ident(k)} = {self.values[k].sql}" for k in self.key)
        if self.conflict_where:
            same += f" AND ({self.conflict_where})"
        if updatable:
            same += (
                f" AND ({', '.join(f't0.{ident(t)}' for t in updatable)}) "
                f"IS NOT DISTINCT FROM ({', '.join(self.values[t].sql for t in updatable)})"
            )
        if updatable:
            allowed = f"({self.update_where}) AND " if self.update_where else ""
            assigned = updatable + stamped
            conflict = (
                f"DO UPDATE SET {', '.join(f'{ident(t)} = EXCLUDED.{ident(t)}' for t in assigned)} "
                f"WHERE {allowed}({', '.join(f't.{ident(t)}' for t in updatable)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{ident(t)}' for t in updatable)})"
            )
        else:
            conflict = "DO NOTHING"
        arbiter = f" WHERE {self.conflict_where}" if self.conflict_where else ""
        order = f" ORDER BY {self._order_by(self.key)}" if self.key_ordered else ""
        return ctx.sql(
            f"""
            INSERT INTO {ident(table)} AS t ({", ".join(ident(t) for t in targets)})
            SELECT {exprs} FROM {self.source}
            WHERE ({self.where}) AND NOT EXISTS (SELECT 1 FROM {ident(table)} t0 WHERE {same}){order}
            ON CONFLICT ({", ".join(ident(k) for k in self.key)}){arbiter} {conflict}
            RETURNING {returning}
            """
        )

    def insert_statement(self, ctx: LoadContext, *, first_id: int | None = None) -> str:
        """A plain INSERT … SELECT in key order (or `insert_order`), for when no row of the
        source's keys is in the table yet (a first load): there is no conflict to look for,
        so none of ON CONFLICT's per-row work (85,000 prisoners: 0.4 s rather than 0.8 s).
        With `first_id` (from reserve_ids), each row's id follows from its file line."""
        targets = list(self.values)
        columns = ", ".join(ident(t) for t in targets)
        exprs = ", ".join(self.values[t].sql for t in targets)
        if first_id is not None:
            # line 2 is the first row after the header
            columns = f"{ident(self.model._meta.pk.column)}, {columns}"
            exprs = f"{int(first_id)} + {self.ids_by_line} - 2, {exprs}"
        return ctx.sql(
            f"""
            INSERT INTO {ident(self.model._meta.db_table)} ({columns})
            SELECT {exprs} FROM {self.source}
            WHERE {self.where}
            ORDER BY {self._order_by(self.insert_order or self.key)}
            """
        )

    def reserve_ids(self, ctx: LoadContext) -> int:
        """Reserves the ids of the staged rows, one per file line, in one step, and returns
        the first, for insert_statement: drawn from the sequence row by row, 831,000 sessions
        took about 0.5 s of nextval calls. Only in bulk mode, whose ALTERs hold the table's
        lock until commit, so that no one else draws an id meanwhile."""
        if not self.ids_by_line:
            raise ValueError(f"{self.model.__name__}'s upsert has no ids_by_line to number its rows by")
        table, pk = literal(self.model._meta.db_table), literal(self.model._meta.pk.column)
        (first,) = ctx.fetchone(
            f"""
            SELECT setval(seq, nextval(seq) + span - 1) - span + 1
            FROM (SELECT pg_get_serial_sequence({table}, {pk}) AS seq,
                         greatest(max(line) - 1, 1) AS span FROM {{rows}}) lines
            """
        )
        return first

    def _order_by(self, targets: tuple[str, ...]) -> str:
        return ", ".join(self.values[t].sql for t in targets)
