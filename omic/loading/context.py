"""What a kind's writer and checks work with: the cursor inside the file's transaction,
the staged rows' table and which columns the file had."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from omic.loading.registry import FileKind

# Temporary tables, one set per file; dropped when the file's transaction ends.
RAW_TABLE = "omic_load_raw"
ROWS_TABLE = "omic_load_rows"


@dataclass
class LoadContext:
    kind: FileKind
    cursor: CursorWrapper
    path: Path
    present: frozenset[str]
    rows: str = ROWS_TABLE
    staged_rows: int = 0

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
        self.cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.cursor.execute(self.sql(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}"))
        rowcount = self.cursor.rowcount
        self.cursor.execute(f"ANALYZE {name}")
        return rowcount
