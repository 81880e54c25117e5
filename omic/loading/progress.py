"""How a load says what it is doing. The base class is silent (tests, pages); the command
subclasses it to print to standard error."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omic.loading.report import FileResult


class Progress:
    def file_started(self, name: str, size: int) -> None:
        """A file of `size` bytes is about to be read."""

    def bytes_read(self, name: str, count: int) -> None:
        """COPY has read `count` more bytes of the file."""

    def phase(self, name: str, phase: str, seconds: float, rows: int | None = None) -> None:
        """A phase (read, check, write) finished."""

    def file_finished(self, result: FileResult) -> None:
        """The file loaded, or was refused with its errors."""
