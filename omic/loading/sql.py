"""Quoting for the SQL the loader builds from its own specifications. Values from a file
never pass through here: they travel by COPY and are compared inside the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A constant from the code (a default, a choice, a bound) as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def trimmed(column: str, *, blanks: bool = True) -> str:
    """A raw staging cell with surrounding blanks removed; an empty cell is NULL.
    `blanks=False` for a file that holds no space or tab at all: nothing to remove."""
    cell = f"btrim({ident(column)}, E' \\t')" if blanks else ident(column)
    return f"NULLIF({cell}, '')"
