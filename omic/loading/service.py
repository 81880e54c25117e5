"""The extract loader as a service: `load_extract` for a folder, `load_file` for one file.

Per file, in one transaction: COPY into a staging table, type every cell in one SQL pass,
run the checks as set-based SQL, and only when no row is bad, upsert and write one audit
record. A file with any bad row writes nothing; the other files load independently. The
first half (prepare.py: staging, typing, the file's own checks) may run ahead of time on a
second connection (read_ahead.py)."""

from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path

from django.db import DatabaseError, DataError, IntegrityError, connection, transaction

from omic import audit, followups
from omic.loading.prepare import SETTINGS, Prepared, prepare, set_local_settings
from omic.loading.progress import Progress
from omic.loading.read_ahead import ReadAhead
from omic.loading.registry import FileKind, kind_named, registered_kinds
from omic.loading.report import FileResult, LoadReport, RowError
from omic.loading.signals import file_loaded
from omic.models import User


def load_extract(
    *,
    directory: Path | str,
    actor: User | None = None,
    actor_name: str | None = None,
    progress: Progress | None = None,
    read_ahead: bool = True,
) -> LoadReport:
    """Load whichever registered files exist in `directory`, in formats.md's order. The
    follow-up work the files ask for (the weekly figures recomputed) runs once, after the
    last file, rather than after each.

    With `read_ahead` (and no caller's transaction around the load, so that each file
    commits on its own), a second connection stages, types and checks each big file on its
    own while this one writes the files before it (read_ahead.py): the two halves of a load
    run side by side on two cores."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder")
    report = LoadReport()
    paths = [(kind, directory / kind.name) for kind in registered_kinds()]
    paths = [(kind, path) for kind, path in paths if path.is_file()]
    ahead_paths = ReadAhead.worth(paths) if read_ahead else []
    ahead = ReadAhead.start(ahead_paths) if ahead_paths else None
    # the files not read ahead are staged here, and the writers' own working tables too
    _room_for_staging(max((path.stat().st_size for _, path in paths), default=0))
    with followups.batch(), ahead or contextlib.nullcontext():
        for kind, path in paths:
            report.files.append(_load_file(kind, path, actor, actor_name, progress or Progress(), ahead))
    return report


# Staged rows take about three times the file's bytes (raw cells, then typed cells); four
# leaves room for a kind's own working tables.
STAGING_BYTES_PER_FILE_BYTE = 4
STAGING_MEMORY_MAX = 1024**3


def _room_for_staging(file_bytes: int) -> None:
    """Let this connection keep the biggest file's staging tables in memory (temp_buffers),
    rather than write and read them back through the kernel 8 kB at a time (a national
    sessions file: 8 s of 70). PostgreSQL allocates the buffers only as they fill, and fixes
    their number at the connection's first temporary table; after that this changes nothing."""
    wanted = math.ceil(min(STAGING_MEMORY_MAX, file_bytes * STAGING_BYTES_PER_FILE_BYTE) / 8192)  # blocks
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting::bigint FROM pg_settings WHERE name = 'temp_buffers'")
        if wanted <= cursor.fetchone()[0]:
            return
        try:
            with transaction.atomic():
                cursor.execute(f"SET temp_buffers = {wanted}")
        except DatabaseError:
            pass  # the connection has used temporary tables already: its buffers are fixed


def load_file(
    *,
    path: Path | str,
    kind: FileKind | None = None,
    actor: User | None = None,
    actor_name: str | None = None,
    progress: Progress | None = None,
) -> FileResult:
    """Load one file (its kind from its name unless given): all of it, or none of it."""
    path = Path(path)
    kind = kind or kind_named(path.name)
    _room_for_staging(path.stat().st_size)
    return _load_file(kind, path, actor, actor_name, progress or Progress(), None)


def _load_file(
    kind: FileKind,
    path: Path,
    actor: User | None,
    actor_name: str | None,
    progress: Progress,
    ahead: ReadAhead | None,
) -> FileResult:
    progress.file_started(kind.name, path.stat().st_size)
    started = time.perf_counter()
    try:
        prepared = ahead.take(kind, progress) if ahead is not None else None
        with transaction.atomic():
            result = _load(kind, path, actor, actor_name, progress, prepared, ahead)
        with connection.cursor() as cursor:
            # SET LOCAL lasts to the end of the outermost transaction, which may be a caller's.
            cursor.execute("; ".join(f"RESET {name}" for name in SETTINGS))
    except (IntegrityError, DataError) as exc:
        # A check we do not make (or a concurrent writer) broke a constraint: nothing was
        # written, and the file is reported rather than the run stopped.
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result = FileResult(kind.name, path)
        result.errors.append(
            RowError(
                kind.name, 1, kind.key[0], f"the database refused the file ({problem}); nothing was loaded"
            )
        )
    finally:
        if ahead is not None:
            ahead.release(kind)
    result.seconds = time.perf_counter() - started
    progress.file_finished(result)
    return result


def _load(
    kind: FileKind,
    path: Path,
    actor: User | None,
    actor_name: str | None,
    progress: Progress,
    prepared: Prepared | None,
    ahead: ReadAhead | None,
) -> FileResult:
    result = FileResult(kind.name, path)
    with connection.cursor() as cursor:
        # Two loads of the same kind at once would each check against the other's
        # half-written state; the second waits for the first.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"omic.load_omic:{kind.name}"])
        set_local_settings(cursor)
        prepared = prepared or prepare(kind=kind, path=path, cursor=cursor, progress=progress)
        result.rows = prepared.staged.rows
        result.errors.extend(prepared.errors)
        if not prepared.staged.header_ok:
            return result
        progress.phase(kind.name, "read", prepared.read_seconds, prepared.staged.rows)

        clock = time.perf_counter()
        ctx = prepared.context(cursor)
        # the read-ahead may run some of the checks on its connection meanwhile
        found = ahead.check(prepared, ctx) if ahead else [ctx.fetchall(check.sql) for check in kind.checks]
        for rows in found:  # in the kind's order: the first per cell is kept
            result.errors.extend(RowError(kind.name, *row) for row in rows)
        result.errors = _first_per_cell(result.errors)
        checking = prepared.check_seconds + time.perf_counter() - clock
        progress.phase(kind.name, "check", checking, result.bad_lines)
        if result.errors:
            return result

        clock = time.perf_counter()
        counts = kind.write(ctx)
        result.inserted, result.updated, result.skipped = counts.inserted, counts.updated, counts.skipped
        file_loaded.send(sender=kind.name, ctx=ctx, counts=counts)
        audit.record(
            actor=actor,
            actor_name=actor_name,
            action="load_file",
            object_type=kind.name,
            after=result.audit_counts(),
            reason=f"extract file {path}",
        )
        if not prepared.tables.shared:
            cursor.execute(f"DROP TABLE IF EXISTS {prepared.tables.rows}, {prepared.tables.raw}")
        progress.phase(kind.name, "write", time.perf_counter() - clock, result.rows)
    return result


def _first_per_cell(errors: list[RowError]) -> list[RowError]:
    """One message per (line, column): the first found (a cell's own check before a
    cross-row one, so a malformed code is not also reported as unknown)."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for error in errors:
        if (error.line, error.column) not in seen:
            seen.add((error.line, error.column))
            kept.append(error)
    return sorted(kept, key=lambda e: e.line)
