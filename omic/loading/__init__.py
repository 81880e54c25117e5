"""The CSV loader behind `load_omic` (formats.md): a registry of file kinds and an engine
that loads them set-wise (COPY into a staging table, checks as SQL, INSERT … SELECT).

Where things are:
- the file kinds: omic's own in kinds/ (one module per file: prisons, wings, benchmarks,
  staff, prisoners); keywork's in keywork/loading/; allocation's in its app. keywork and
  allocation register theirs in AppConfig.ready(); omic never imports them.
- what a kind is made of: registry.py (FileKind, Check, register), columns.py (typed
  cells and their own rules), checks.py (the checks several kinds share), upsert.py (the
  usual writer), bulk.py (a write that doubles a table).
- the engine, in the order a file goes through it: service.py (load_extract, load_file:
  one transaction per file), staging.py (COPY), prepare.py (typing, the file's own checks),
  read_ahead.py (the second connection, and which work runs on it), context.py
  (LoadContext, what checks and writers see), report.py, progress.py, signals.py, sql.py.

A kind is registered like this (keywork/apps.py):

    def ready(self):
        from keywork import loading  # noqa: F401  (keywork/loading/ calls register(...))

and keywork/loading/sessions.py:

    from omic.loading import Check, FileKind, PRISON_NUMBER, Text, Upsert, cell, known_prisoner, register

    register(FileKind(
        name="sessions.csv",  # takes its place in formats.md's order
        key=("session_id",),
        columns=(Text(name="session_id", required=True, max_length=40), PRISON_NUMBER, ...),
        checks=(known_prisoner(), Check("SELECT line, 'date', '...' FROM {rows} r WHERE ...")),
        write=Upsert(model=Session, key=("session_id",), values={"session_id": cell("session_id"), ...}),
    ))
"""

from omic.loading import kinds  # noqa: F401  (registers omic's kinds)
from omic.loading.checks import after, duplicate_key, known_prison, known_prisoner, known_staff, known_wing
from omic.loading.columns import Column, Date, Decimal, Integer, Rule, Text
from omic.loading.context import LoadContext
from omic.loading.kinds import PRISON_CODE, PRISON_NUMBER, STAFF_ID
from omic.loading.progress import Progress
from omic.loading.registry import CONTRACT_ORDER, Check, FileKind, kind_named, register, registered_kinds
from omic.loading.report import FileResult, LoadCounts, LoadReport, RowError
from omic.loading.service import load_extract, load_file
from omic.loading.signals import file_loaded
from omic.loading.upsert import Upsert, Value, cell, cells

__all__ = [
    "CONTRACT_ORDER",
    "Check",
    "Column",
    "Date",
    "Decimal",
    "FileKind",
    "FileResult",
    "Integer",
    "LoadContext",
    "LoadCounts",
    "LoadReport",
    "PRISON_CODE",
    "PRISON_NUMBER",
    "Progress",
    "Rule",
    "RowError",
    "STAFF_ID",
    "Text",
    "Upsert",
    "Value",
    "after",
    "cell",
    "cells",
    "duplicate_key",
    "file_loaded",
    "kind_named",
    "known_prison",
    "known_prisoner",
    "known_staff",
    "known_wing",
    "load_extract",
    "load_file",
    "register",
    "registered_kinds",
]
