"""Reading ahead: while the loading connection writes one file, a second connection stages
the next big one (COPY, typing, the file's own checks: prepare.py), so that a load keeps
two cores busy. A national sessions file is read and typed while prisoners.csv and
allocations.csv, which it must wait for, are written; the small files are staged by the
loading connection itself meanwhile.

The second connection cannot hand over temporary tables, so it stages each file into a
pair of unlogged tables named after the loading connection's backend pid, and commits them;
the loading connection reads them in the file's transaction, and drops them as soon as the
file is done (loaded or refused). Tables left by a loader that died are dropped by the next
load. Staging into these shared tables consults no other table's rows (prepare.py), so it
never waits for the locks of the files being written.

Which work runs on which connection is decided here: staging the big files after the
first (`worth`), and half of a file's cross-table checks once nothing is left to stage
(`check`); everything else runs on the loading connection."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, connections, transaction

from omic.loading.context import LoadContext, Staging
from omic.loading.prepare import Prepared, prepare, set_local_settings
from omic.loading.progress import Progress
from omic.loading.sql import ident

if TYPE_CHECKING:
    from omic.loading.registry import Check, FileKind

PREFIX = "omic_stage_"
# A file smaller than this (a national staff.csv, 1.5 MB, stages in 0.3 s) is staged by
# the loading connection itself, in its own transaction: so the second connection starts
# at once on the first big file, rather than the loading connection waiting for it to get
# through the small ones first.
MIN_BYTES = 2 * 1024 * 1024
# How often the loading connection, waiting for a file, shows how far its reading has got.
PROGRESS_SECONDS = 0.2


class ReadAhead:
    """The files of one load, staged in order on a second connection. Use as a context
    manager; `take` a file's staged tables when it is its turn, `release` them after."""

    @staticmethod
    def worth(paths: list[tuple[FileKind, Path]]) -> list[tuple[FileKind, Path]]:
        """The files of a load worth staging ahead: the big ones after its first file, and
        none inside a caller's transaction (the staged tables are dropped as each file
        commits, which a caller's open transaction would delay)."""
        if connection.in_atomic_block:
            return []
        return [(kind, path) for kind, path in paths[1:] if path.stat().st_size >= MIN_BYTES]

    @classmethod
    def start(cls, paths: list[tuple[FileKind, Path]]) -> ReadAhead:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        drop_abandoned()
        return cls(paths, pid)

    def __init__(self, paths: list[tuple[FileKind, Path]], pid: int):
        self._tally = _Tally()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="omic-read-ahead"
        )
        self._jobs: dict[str, tuple[Staging, concurrent.futures.Future[Prepared]]] = {}
        for number, (kind, path) in enumerate(paths):
            name = f"{PREFIX}{pid}_{number}"
            tables = Staging(raw=f"{name}_raw", rows=f"{name}_rows", shared=True)
            self._jobs[kind.name] = (tables, self._executor.submit(self._prepare, kind, path, tables))

    def _prepare(self, kind: FileKind, path: Path, tables: Staging) -> Prepared:
        """On the staging thread, whose connection is its own."""
        with transaction.atomic(), connection.cursor() as cursor:
            set_local_settings(cursor)
            return prepare(kind=kind, path=path, cursor=cursor, progress=self._tally, tables=tables)

    def take(self, kind: FileKind, progress: Progress) -> Prepared | None:
        """The file's staged tables, once ready (raising what staging raised); meanwhile the
        bytes read so far are passed on to `progress`. None for a file not read ahead."""
        if kind.name not in self._jobs:
            return None
        _, job = self._jobs[kind.name]
        shown = 0
        while True:
            try:
                prepared = job.result(timeout=PROGRESS_SECONDS)
            except TimeoutError:
                prepared = None
            read = self._tally.read.get(kind.name, 0)
            if read > shown:
                progress.bytes_read(kind.name, read - shown)
                shown = read
            if prepared is not None:
                return prepared

    def check(self, prepared: Prepared, ctx: LoadContext) -> list[list[tuple]]:
        """The rows each of the file's checks finds, in the kind's order.

        Every other check (the second, the fourth…) runs on the staging connection while the
        loading connection (`ctx`) runs the rest, when the staging connection staged this
        file and has no file left to stage. They may: the checks only read what earlier
        files committed, and the file's transaction has written nothing yet. A file the
        loading connection staged itself is in its temporary tables, which the staging
        connection cannot see; and while files are left to stage, the staging connection
        had better stage them (the loading connection would wait for them next)."""
        checks = prepared.kind.checks
        idle = prepared.tables.shared and all(job.done() for _, job in self._jobs.values())
        if len(checks) < 2 or not idle:
            return [ctx.fetchall(check.sql) for check in checks]
        there = self._executor.submit(self._check, prepared, checks[1::2])
        found: list[list[tuple]] = [[] for _ in checks]
        found[0::2] = [ctx.fetchall(check.sql) for check in checks[0::2]]
        found[1::2] = there.result()
        return found

    def _check(self, prepared: Prepared, checks: Sequence[Check]) -> list[list[tuple]]:
        with transaction.atomic(), connection.cursor() as cursor:
            set_local_settings(cursor)
            ctx = prepared.context(cursor)
            return [ctx.fetchall(check.sql) for check in checks]

    def release(self, kind: FileKind) -> None:
        """Drop the file's staged tables (after its transaction: they were committed)."""
        if kind.name not in self._jobs:
            return
        tables, job = self._jobs.pop(kind.name)
        if not job.cancel():
            concurrent.futures.wait([job])
            _drop([tables])

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for _, job in self._jobs.values():
            job.cancel()
        # the staging thread closes its own connection, after whatever it is doing
        self._executor.submit(connections.close_all).result()
        self._executor.shutdown()
        _drop([tables for tables, _ in self._jobs.values()])
        self._jobs.clear()


class _Tally(Progress):
    """The staging thread's progress: bytes read per file, for the loading thread to show."""

    def __init__(self) -> None:
        self.read: dict[str, int] = {}

    def bytes_read(self, name: str, count: int) -> None:
        self.read[name] = self.read.get(name, 0) + count


def _drop(staged: list[Staging]) -> None:
    names = [ident(name) for tables in staged for name in (tables.rows, tables.raw)]
    if names:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(names)}")


def drop_abandoned() -> list[str]:
    """Drop staged tables whose loading connection has gone (a load that was killed);
    returns their names."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            WHERE c.relkind = 'r' AND c.relpersistence = 'u'
              AND c.relnamespace = current_schema()::regnamespace
              AND c.relname ~ %s
              AND substring(c.relname FROM %s)::int NOT IN (SELECT pid FROM pg_stat_activity)
            ORDER BY 1
            """,
            [f"^{PREFIX}[0-9]+_", f"^{PREFIX}([0-9]+)_"],
        )
        names = [name for (name,) in cursor.fetchall()]
        if names:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(ident(n) for n in names)}")
    return names
