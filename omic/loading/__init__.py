"""The CSV loader behind `load_omic` (formats.md): a registry of file kinds and a service
that loads them set-wise (COPY into a staging table, checks as SQL, INSERT … SELECT).

Importing this package registers omic's own kinds (prisons, wings, benchmarks, staff,
prisoners). keywork and allocation register theirs in AppConfig.ready(); omic never
imports them. For example, keywork/apps.py:

    def ready(self):
        from keywork import loading  # noqa: F401  (keywork/loading.py calls register(...))

and keywork/loading.py:

    from omic.loading import Check, FileKind, Integer, Text, Upsert, Value, cell, known_prisoner, register
    from omic.loading.prisoners import PRISON_NUMBER

    register(FileKind(
        name="sessions.csv",  # takes its place in formats.md's order
        key=("session_id",),
        columns=(Text(name="session_id", required=True, max_length=40), PRISON_NUMBER, ...),
        checks=(known_prisoner(), Check("SELECT line, 'date', '...' FROM {rows} r WHERE ...")),
        write=Upsert(model=Session, key=("session_id",), values={"session_id": cell("session_id"), ...}),
    ))
"""

from omic.loading import benchmarks, prisoners, prisons, staff, wings  # noqa: F401  (register omic's kinds)
from omic.loading.checks import after, duplicate_key, known_prison, known_prisoner, known_staff, known_wing
from omic.loading.columns import Column, Date, Decimal, Integer, Rule, Text
from omic.loading.context import LoadContext
from omic.loading.progress import Progress
from omic.loading.registry import CONTRACT_ORDER, Check, FileKind, kind_named, register, registered_kinds
from omic.loading.report import FileResult, LoadCounts, LoadReport, RowError
from omic.loading.service import load_extract, load_file
from omic.loading.signals import file_loaded
from omic.loading.upsert import Upsert, Value, cell

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
    "Progress",
    "Rule",
    "RowError",
    "Text",
    "Upsert",
    "Value",
    "after",
    "cell",
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
