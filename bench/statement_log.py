"""Every SQL statement `load_omic` sends, for comparing two versions of the loader.

    python bench/statement_log.py --estate DIR --database NAME --out LOG [--all-ahead]

Run from a checkout's root (its code is the one imported). The database NAME (on the
server of DATABASE_URL) is dropped, created and migrated; then the estate in DIR (from
`generate_estate --out DIR`) is loaded twice (a first load, then the same files again,
which takes the loaders' upsert paths) while every statement is recorded at the driver:
psycopg2's cursor `execute`/`executemany` (mogrified, so with its parameters as sent),
COPY's statement, and the connection's commit and rollback, on every connection (the
read-ahead's second one too). `--all-ahead` reads every file after the first ahead, so that a small
estate takes the second connection's paths (see read_every_file_ahead).

What varies from run to run is normalised: backend pids in the read-ahead's table names,
Django's savepoint ids (they hold the thread id) and timestamps. The log holds one
statement per line (newlines escaped), prefixed by the connection's number in order of
first use; `sort LOG | diff` compares the multisets."""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omic.settings")

import psycopg2  # noqa: E402
import psycopg2.extensions  # noqa: E402

_lock = threading.Lock()
_recorded: list[tuple[int, str]] = []
_connections: dict[int, int] = {}
recording = False


def _record(conn: psycopg2.extensions.connection, text: str | bytes) -> None:
    if not recording:
        return
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    with _lock:
        number = _connections.setdefault(id(conn), len(_connections))
        _recorded.append((number, text))


class RecordedCursor(psycopg2.extensions.cursor):
    def execute(self, query, vars=None):  # noqa: A002  (psycopg2's name)
        _record(self.connection, self.mogrify(query, vars))
        return super().execute(query, vars)

    def executemany(self, query, vars_list):  # noqa: A002
        vars_list = list(vars_list)
        for params in vars_list:
            _record(self.connection, self.mogrify(query, params))
        return super().executemany(query, vars_list)

    def copy_expert(self, sql, file, size=8192):
        _record(self.connection, sql)
        return super().copy_expert(sql, file, size)


class RecordedConnection(psycopg2.extensions.connection):
    def commit(self):
        _record(self, "COMMIT")
        return super().commit()

    def rollback(self):
        _record(self, "ROLLBACK")
        return super().rollback()


NORMALISE = [
    (re.compile(r"omic_stage_\d+_"), "omic_stage_PID_"),
    (re.compile(r"\bs\d+_x\d+\b"), "sTHREAD_xN"),
    (
        re.compile(r"'\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+\d{2}:\d{2})?'(::timestamptz)?"),
        "'TIME'",
    ),
]


def normalised(text: str) -> str:
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def fresh_database(name: str) -> None:
    url = os.environ["DATABASE_URL"]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def read_every_file_ahead() -> None:
    """Every file after the first read ahead, and the loading connection waiting for the
    staging connection to stage them all before it takes one: then which checks run on the
    staging connection (read_ahead.py shares them once it has nothing left to stage) does
    not depend on which connection happens to be quicker."""
    import concurrent.futures

    from omic.loading import read_ahead

    read_ahead.MIN_BYTES = 0
    take = read_ahead.ReadAhead.take

    def take_when_all_staged(self, kind, progress):
        concurrent.futures.wait([job for _, job in self._jobs.values()])
        return take(self, kind, progress)

    read_ahead.ReadAhead.take = take_when_all_staged


def main() -> None:
    global recording
    parser = argparse.ArgumentParser()
    parser.add_argument("--estate", required=True, type=Path)
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--all-ahead", action="store_true")
    args = parser.parse_args()
    fresh_database(args.database)
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + args.database

    import django
    from django.conf import settings

    django.setup()
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    options.update(cursor_factory=RecordedCursor, connection_factory=RecordedConnection)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.all_ahead:
        read_every_file_ahead()
    for _ in range(2):
        recording = True
        try:
            call_command("load_omic", str(args.estate), verbosity=0)
        except SystemExit as stop:
            raise SystemExit(f"load_omic stopped with status {stop.code}") from None
        finally:
            recording = False
    with args.out.open("w") as out:
        for number, text in _recorded:
            out.write(f"{number}\t{normalised(text)}\n")
    print(f"{len(_recorded)} statements on {len(_connections)} connections -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
