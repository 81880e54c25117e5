"""The file kinds `load_omic` knows, registered by the apps that own them.

omic registers prisons, wings, benchmarks, staff and prisoners (importing this package
does it); keywork and allocation register theirs in `AppConfig.ready()`, so omic never
imports them. A kind is a specification: its columns (typed, with the checks each cell
must pass), its natural key (duplicates in one file are refused), set-based checks (SQL
over the staged rows), and a writer that upserts the staged rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from omic.loading.columns import Column
from omic.loading.report import LoadCounts

if TYPE_CHECKING:
    from omic.loading.context import LoadContext

# formats.md: files load in this order, so a file may refer to rows of the files before it.
CONTRACT_ORDER = (
    "prisons.csv",
    "wings.csv",
    "benchmarks.csv",
    "staff.csv",
    "prisoners.csv",
    "sentences.csv",
    "allocations.csv",
    "sessions.csv",
)


@dataclass(frozen=True)
class Check:
    """A set-based check: `sql` is a SELECT returning (line, column, message) for each bad
    row of the staged, typed rows, written `{rows}` (the only placeholder). Typed columns are
    NULL where the cell was empty or unreadable (that cell has already been reported), so
    a check should skip NULLs it cannot judge."""

    sql: str
    description: str = ""


Writer = Callable[["LoadContext"], LoadCounts]


@dataclass(frozen=True, kw_only=True)
class FileKind:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    write: Writer
    checks: tuple[Check, ...] = ()
    # A SELECT over `{rows}` alone, run as the file is staged (so, when reading ahead, on
    # the staging connection, off the loading connection's path); its rows reach the
    # writer as `LoadContext.summary`.
    summary: str | None = None
    order: int = field(default=-1)
    description: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ImproperlyConfigured(f"{self.name}: a column is specified twice")
        if any(n == "line" or n.startswith("_") or n != n.lower() for n in names):
            raise ImproperlyConfigured(f"{self.name}: column names are lower case, not 'line' nor '_…'")
        for column in self.key:
            if column not in names or not self.column(column).required:
                raise ImproperlyConfigured(f"{self.name}: key column {column} must be a required column")
        if self.order < 0:
            if self.name not in CONTRACT_ORDER:
                raise ImproperlyConfigured(f"{self.name} is not in formats.md's order; give it an order")
            object.__setattr__(self, "order", (CONTRACT_ORDER.index(self.name) + 1) * 10)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


_kinds: dict[str, FileKind] = {}


def register(kind: FileKind) -> FileKind:
    """Add a file kind (call from AppConfig.ready()). Registering an equal kind again is a
    no-op, so a second ready() is harmless; a different kind under a taken name is an error."""
    existing = _kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"{kind.name} is already registered by another specification")
    _kinds[kind.name] = kind
    return kind


def registered_kinds() -> list[FileKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.name))


def kind_named(name: str) -> FileKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"{name} is not a file load_omic knows") from None
