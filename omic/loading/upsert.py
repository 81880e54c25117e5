"""The usual writer: one INSERT … SELECT … ON CONFLICT over the staged rows.

Unchanged rows are not rewritten (`WHERE (…) IS DISTINCT FROM (EXCLUDED.…)`), so loading
the same file twice writes nothing and counts nothing as updated. A target column whose
source columns were missing from the file's header keeps its value on existing rows and
takes its default on new ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models

from omic.loading.bulk import bulk_write
from omic.loading.context import LoadContext
from omic.loading.report import LoadCounts
from omic.loading.sql import ident


@dataclass(frozen=True)
class Value:
    """An SQL expression over the source (staged rows are `r`) and the file columns it needs."""

    sql: str
    columns: tuple[str, ...] = ()


def cell(name: str) -> Value:
    """The staged, typed value of a file column (its default already applied)."""
    return Value(f"r.{ident(name)}", (name,))


@dataclass(frozen=True, kw_only=True)
class Upsert:
    model: type[models.Model]
    key: tuple[str, ...]
    values: Mapping[str, Value]
    source: str = "{rows} r"
    where: str = "TRUE"
    # The predicate of a partial unique index that `key` names (e.g. "deleted_at IS NULL").
    conflict_where: str = ""

    def __call__(self, ctx: LoadContext) -> LoadCounts:
        with bulk_write(ctx.cursor, self.model._meta.db_table, ctx.staged_rows, conflict_on=self.key):
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
        updatable = [
            t for t in targets if t not in self.key and all(ctx.has(c) for c in self.values[t].columns)
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
            conflict = (
                f"DO UPDATE SET {', '.join(f'{ident(t)} = EXCLUDED.{ident(t)}' for t in updatable)} "
                f"WHERE ({', '.join(f't.{ident(t)}' for t in updatable)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{ident(t)}' for t in updatable)})"
            )
        else:
            conflict = "DO NOTHING"
        arbiter = f" WHERE {self.conflict_where}" if self.conflict_where else ""
        return ctx.sql(
            f"""
            INSERT INTO {ident(table)} AS t ({", ".join(ident(t) for t in targets)})
            SELECT {exprs} FROM {self.source}
            WHERE ({self.where}) AND NOT EXISTS (SELECT 1 FROM {ident(table)} t0 WHERE {same})
            ON CONFLICT ({", ".join(ident(k) for k in self.key)}){arbiter} {conflict}
            RETURNING {returning}
            """
        )

    def insert_statement(self, ctx: LoadContext) -> str:
        """A plain INSERT … SELECT in key order, for when no row of the source's keys is
        in the table yet (a first load): there is no conflict to look for, so none of ON
        CONFLICT's per-row work (85,000 prisoners: 0.4 s rather than 0.8 s)."""
        targets = list(self.values)
        return ctx.sql(
            f"""
            INSERT INTO {ident(self.model._meta.db_table)} ({", ".join(ident(t) for t in targets)})
            SELECT {", ".join(self.values[t].sql for t in targets)} FROM {self.source}
            WHERE {self.where}
            ORDER BY {", ".join(self.values[k].sql for k in self.key)}
            """
        )
