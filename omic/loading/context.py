"""What a kind's writer and checks work with: the cursor inside the file's transaction,
the staged rows' table and which columns the file had."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from omic.loading.registry import FileKind


@dataclass(frozen=True)
class Staging:
    """Where a file's cells are staged: `raw` (the text as read) and `rows` (typed, with
    each cell's problem code).

    By default they are temporary tables of the loading connection, dropped when the file's
    transaction ends. `shared` tables are unlogged tables instead, made and committed by a
    second connection that stages a file while the loading connection writes the files
    before it (read_ahead.py); whoever made them drops them."""

    raw: str = "omic_load_raw"
    rows: str = "omic_load_rows"
    shared: bool = False

    def create(self, cursor: CursorWrapper, name: str, columns: str) -> None:
        """CREATE the table `name` with `columns` ("(a text, b text)")."""
        table, on_commit = self._kind()
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE {table} {name} {columns}{on_commit}")

    def create_as(self, cursor: CursorWrapper, name: str, select: str) -> int:
        """CREATE the table `name` AS `select`, analysed so that joins are planned on its
        real size; returns its number of rows."""
        table, on_commit = self._kind()
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE {table} {name}{on_commit} AS {select}")
        rowcount = cursor.rowcount
        cursor.execute(f"ANALYZE {name}")
        return rowcount

    def _kind(self) -> tuple[str, str]:
        return ("UNLOGGED TABLE", "") if self.shared else ("TEMP TABLE", " ON COMMIT DROP")


@dataclass
class LoadContext:
    kind: FileKind
    cursor: CursorWrapper
    path: Path
    present: frozenset[str]
    rows: str = Staging.rows
    staged_rows: int = 0
    # the rows of the kind's `summary` over the staged rows (None: the kind has none)
    summary: list[tuple] | None = None

    def has(self, column: str) -> bool:
        """Was the column in the file's header? An absent optional column leaves existing
        rows' values alone; an empty cell in a present column means "no value"."""
        return column in self.present

    def sql(self, text: str) -> str:
        return text.replace("{rows}", self.rows)

    def execute(self, text: str, params: Any = None) -> int:
        self.cursor.execute(self.sql(text), params)
        return self.cursor.rowcount

    def fetchall(self, text: str, params: Any = None) -> list[tuple]:
        self.cursor.execute(self.sql(text), params)
        return self.cursor.fetchall()

    def fetchone(self, text: str, params: Any = None) -> tuple:
        self.cursor.execute(self.sql(text), params)
        return self.cursor.fetchone()

    def temp_table(self, name: str, select: str) -> int:
        """CREATE TEMP TABLE name AS select (dropped at the end of the file's transaction)."""
        return Staging().create_as(self.cursor, name, self.sql(select))
