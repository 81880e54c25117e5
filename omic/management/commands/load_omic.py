"""python manage.py load_omic DIR: load an extract folder (formats.md, "Loading")."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from omic.loading import CONTRACT_ORDER, FileResult, Progress, load_extract, registered_kinds

# Above this size (about 100,000 rows) a file's progress is shown without --verbosity 2.
LARGE_FILE_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Load the CSV files of an extract folder (prisons.csv, wings.csv, benchmarks.csv, staff.csv, "
        "prisoners.csv, sentences.csv, allocations.csv, sessions.csv, in that order). A file with any bad "
        "row loads nothing; every bad row is reported as FILE:LINE: column: message, and the command "
        "then exits with status 1."
    )
    # The site's checks (URLs, templates, admin) say nothing about a data load, and cost
    # about 0.2 s of each run; `manage.py check`, migrate and every server start run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the folder that holds the extract's CSV files")

    def handle(self, *args, directory: str, verbosity: int = 1, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(
                f"{directory} is not a folder; give the folder that holds the extract's CSV files"
            )
        names = [kind.name for kind in registered_kinds()]
        if not any((folder / name).is_file() for name in names):
            raise CommandError(
                f"{directory} holds none of the files load_omic reads: {', '.join(_ordered(names))}"
            )

        for name in CONTRACT_ORDER:
            if name not in names and (folder / name).is_file():
                self.stderr.write(f"{name}: skipped; no installed app loads this file yet")
        report = load_extract(
            directory=folder, actor=None, actor_name=_os_user(), progress=_Printed(self.stderr, verbosity)
        )
        for result in report.files:
            if result.ok:
                if verbosity >= 1:
                    self.stdout.write(result.summary())
            else:
                self.stderr.write(result.summary())
                for error in result.errors:
                    self.stderr.write(str(error))
        if not report.ok:
            raise SystemExit(1)


def _ordered(names: list[str]) -> list[str]:
    return sorted(
        names, key=lambda n: (CONTRACT_ORDER.index(n) if n in CONTRACT_ORDER else len(CONTRACT_ORDER), n)
    )


def _os_user() -> str:
    """Loads from the command line are audited under the operating system's user name."""
    try:
        return f"{getpass.getuser()} (load_omic)"
    except (OSError, KeyError):
        return "system (load_omic)"


class _Printed(Progress):
    """Phase lines (and a byte bar while COPY reads) on standard error, for large files or
    at --verbosity 2; silent otherwise."""

    def __init__(self, stderr: OutputWrapper, verbosity: int):
        self.stderr = stderr
        self.verbosity = verbosity
        self.shown: set[str] = set()
        self.bar: tqdm | None = None

    def file_started(self, name: str, size: int) -> None:
        if self.verbosity >= 2 or (self.verbosity >= 1 and size >= LARGE_FILE_BYTES):
            self.shown.add(name)
            self.bar = tqdm(
                total=size,
                desc=f"{name}: reading",
                unit="B",
                unit_scale=True,
                leave=False,
                file=_Unterminated(self.stderr),
                disable=not _is_terminal(self.stderr),
            )

    def bytes_read(self, name: str, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def phase(self, name: str, phase: str, seconds: float, rows: int | None = None) -> None:
        if name not in self.shown:
            return
        self._close_bar()
        counted = {"read": f"{rows:,} rows", "check": f"{rows:,} bad rows", "write": f"{rows:,} rows"}
        self.stderr.write(f"{name}: {phase} done in {seconds:.1f} s ({counted.get(phase, '')})")

    def file_finished(self, result: FileResult) -> None:
        self._close_bar()
        if result.name in self.shown:
            self.stderr.write(f"{result.name}: finished in {result.seconds:.1f} s")

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _Unterminated:
    """tqdm writes carriage returns; Django's OutputWrapper would add a newline to each."""

    def __init__(self, stream: OutputWrapper):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text, ending="")

    def flush(self) -> None:
        self.stream.flush()


def _is_terminal(stream: OutputWrapper) -> bool:
    try:
        return stream.isatty()
    except AttributeError:
        return sys.stderr.isatty()
