"""What a load tells its caller: per file, the row counts or the bad rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class RowError:
    """One bad row, printed as `FILE:LINE: column: message` (the header is line 1)."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class LoadCounts:
    """What a kind's writer did. Rows neither inserted, updated nor skipped are unchanged."""

    inserted: int = 0
    updated: int = 0
    skipped: int = 0


@dataclass
class FileResult:
    name: str
    path: Path
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated - self.skipped if self.ok else 0

    @property
    def bad_lines(self) -> int:
        return len({e.line for e in self.errors})

    def audit_counts(self) -> dict[str, int]:
        counts = {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.rows,
        }
        if self.skipped:
            counts["skipped"] = self.skipped
        return counts

    def summary(self) -> str:
        if not self.ok:
            bad = self.bad_lines
            of = f" of {self.rows}" if self.rows else ""
            return f"{self.name}: {bad} bad row{'' if bad == 1 else 's'}{of}; nothing loaded from this file"
        text = (
            f"{self.name}: {self.rows} rows; {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        return text + (f", {self.skipped} skipped" if self.skipped else "")


@dataclass
class LoadReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    @property
    def errors(self) -> list[RowError]:
        return [e for f in self.files for e in f.errors]

    def __getitem__(self, name: str) -> FileResult:
        for result in self.files:
            if result.name == name:
                return result
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.files)
