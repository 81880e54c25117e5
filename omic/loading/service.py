"""The extract loader as a service: `load_extract` for a folder, `load_file` for one file.

Per file, in one transaction: COPY into a staging table, type every cell in one SQL pass,
run the checks as set-based SQL, and only when no row is bad, upsert and write one audit
record. A file with any bad row writes nothing; the other files load independently."""

from __future__ import annotations

import math
import time
from pathlib import Path

from django.db import DatabaseError, DataError, IntegrityError, connection, transaction

from omic import audit, followups
from omic.loading import checks as shared_checks
from omic.loading.columns import Column
from omic.loading.context import RAW_TABLE, ROWS_TABLE, LoadContext
from omic.loading.progress import Progress
from omic.loading.registry import FileKind, kind_named, registered_kinds
from omic.loading.report import FileResult, LoadReport, RowError
from omic.loading.signals import file_loaded
from omic.loading.sql import ident, trimmed
from omic.loading.staging import stage
from omic.models import User

# For the file's transaction only (SET LOCAL).
SETTINGS = {
    # dates print as YYYY-MM-DD in messages
    "datestyle": "'ISO, YMD'",
    # the checks are short queries over big estimates: compiling them costs more than it saves
    "jit": "off",
    "work_mem": "'256MB'",
    # a bulk write rebuilds indexes (bulk.py): sorted in memory rather than on disk
    "maintenance_work_mem": "'256MB'",
    # staged rows join tables on text keys: hashing beats sorting text under the database's
    # collation (merge joins' sorts took most of a check's time)
    "enable_mergejoin": "off",
    # staged tables are analysed so that joins are planned on real sizes; a small sample does
    "default_statistics_target": "10",
}


def load_extract(
    *,
    directory: Path | str,
    actor: User | None = None,
    actor_name: str | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load whichever registered files exist in `directory`, in formats.md's order. The
    follow-up work the files ask for (the weekly figures recomputed) runs once, after the
    last file, rather than after each."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder")
    report = LoadReport()
    paths = [(kind, directory / kind.name) for kind in registered_kinds()]
    paths = [(kind, path) for kind, path in paths if path.is_file()]
    _room_for_staging(max((path.stat().st_size for _, path in paths), default=0))
    with followups.batch():
        for kind, path in paths:
            report.files.append(
                load_file(path=path, kind=kind, actor=actor, actor_name=actor_name, progress=progress)
            )
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
    progress = progress or Progress()
    progress.file_started(kind.name, path.stat().st_size)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = _load(kind, path, actor, actor_name, progress)
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
    result.seconds = time.perf_counter() - started
    progress.file_finished(result)
    return result


def _load(
    kind: FileKind, path: Path, actor: User | None, actor_name: str | None, progress: Progress
) -> FileResult:
    result = FileResult(kind.name, path)
    with connection.cursor() as cursor:
        # Two loads of the same kind at once would each check against the other's
        # half-written state; the second waits for the first.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"omic.load_omic:{kind.name}"])
        cursor.execute("; ".join(f"SET LOCAL {name} = {value}" for name, value in SETTINGS.items()))

        clock = time.perf_counter()
        staged = stage(kind=kind, path=path, cursor=cursor, progress=progress)
        result.rows = staged.rows
        result.errors.extend(staged.errors)
        if not staged.header_ok:
            return result
        progress.phase(kind.name, "read", time.perf_counter() - clock, staged.rows)

        clock = time.perf_counter()
        ctx = LoadContext(
            kind=kind, cursor=cursor, path=path, present=staged.present, staged_rows=staged.rows
        )
        checked = _type_and_check_cells(ctx)
        result.errors.extend(_cell_errors(ctx, checked))
        for check in (shared_checks.duplicate_key(kind.key), *kind.checks):
            result.errors.extend(
                RowError(kind.name, line, column, message)
                for line, column, message in ctx.fetchall(check.sql)
            )
        result.errors = _first_per_cell(result.errors)
        progress.phase(kind.name, "check", time.perf_counter() - clock, result.bad_lines)
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
        cursor.execute(f"DROP TABLE IF EXISTS {ROWS_TABLE}, {RAW_TABLE}")
        progress.phase(kind.name, "write", time.perf_counter() - clock, result.rows)
    return result


def _type_and_check_cells(ctx: LoadContext) -> list[Column]:
    """One pass over the staging table: each cell trimmed once, then typed (NULL when
    unreadable) and checked; a cell's problem is kept as a small code in `_error_<i>`.
    Returns the columns whose codes were stored, in order.

    The quick checks may raise on an unreadable cell; then the pass runs again with the
    careful ones, which never raise (only a file with bad cells pays for them)."""
    try:
        with transaction.atomic():
            return _typed_rows(ctx, quick=True)
    except DataError:
        return _typed_rows(ctx, quick=False)


def _typed_rows(ctx: LoadContext, *, quick: bool) -> list[Column]:
    checked = [c for c in ctx.kind.columns if ctx.has(c.name) and c.check_sql("x") is not None]
    trimmed_cells = ", ".join(f"{trimmed(c.name)} AS {ident(c.name)}" for c in ctx.kind.columns)
    readable = "".join(
        f", {c.quick_readable(ident(c.name)) if quick else c.readable(ident(c.name))}"
        f" AS {ident('_readable_' + c.name)}"
        for c in ctx.kind.columns
        if c.readable("x") is not None
    )
    typed = ", ".join(
        f"{c.typed_sql(ident(c.name), _readable(c))} AS {ident(c.name)}" for c in ctx.kind.columns
    )
    codes = "".join(
        f", {c.check_sql(ident(c.name), _readable(c))} AS _error_{i}" for i, c in enumerate(checked)
    )
    ctx.temp_table(
        ROWS_TABLE,
        f"""
        SELECT line, {typed}{codes}
        FROM (SELECT *{readable}
              FROM (SELECT line, {trimmed_cells} FROM {RAW_TABLE} OFFSET 0) cells OFFSET 0) cells
        """,
    )
    return checked


def _readable(column: Column) -> str | None:
    return ident("_readable_" + column.name) if column.readable("x") is not None else None


def _cell_errors(ctx: LoadContext, checked: list[Column]) -> list[RowError]:
    """The messages for the cells that failed their own checks (the raw text is fetched
    only for those rows)."""
    if not checked:
        return []
    any_code = " OR ".join(f"_error_{i} IS NOT NULL" for i in range(len(checked)))
    codes = ", ".join(f"_error_{i}" for i in range(len(checked)))
    failed = ctx.fetchall(f"SELECT line, {codes} FROM {{rows}} WHERE {any_code} ORDER BY line")
    if not failed:
        return []
    cells = ", ".join(trimmed(c.name) for c in checked)
    ctx.cursor.execute(
        f"SELECT line, {cells} FROM {RAW_TABLE} WHERE line = ANY(%s)", [[row[0] for row in failed]]
    )
    texts = {row[0]: row[1:] for row in ctx.cursor.fetchall()}
    errors = []
    for line, *found in failed:
        for column, code, value in zip(checked, found, texts[line], strict=True):
            if code is not None:
                errors.append(RowError(ctx.kind.name, line, column.name, column.message(code, value)))
    return errors


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
