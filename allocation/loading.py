"""sentences.csv (formats.md "Loading", pom.md "Sentence record"): one sentence record per
prisoner, keyed by prison_number, upserted set-wise by the loader like every other kind.

An empty cell is no value: an empty date or MAPPA level is unknown, an empty boolean is
false (the extract leaves a flag empty when it is not set), an empty tier is unknown.
After a file is written, the handover figures of its prisoners are recalculated on commit
(allocation/receivers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from allocation.models import Sentence, SentenceType, Tier
from omic.loading import Column, Date, FileKind, Integer, Text, Upsert, cell, cells, known_prisoner, register
from omic.loading.kinds.prisoners import PRISON_NUMBER


@dataclass(frozen=True, kw_only=True)
class Boolean(Column):
    """`true` or `false` (any case), as the reports write them."""

    sql_type: ClassVar[str] = "boolean"
    unreadable: ClassVar[str] = (
        "{value} is not true or false; write true or false (or leave it empty for false)"
    )

    def readable(self, x: str) -> str | None:
        return f"lower({x}) IN ('true', 'false')"

    def cast(self, x: str) -> str:
        return f"(lower({x}) = 'true')"


DATE_COLUMNS = (
    "parole_eligibility_date",
    "automatic_release_date",
    "conditional_release_date",
    "tariff_expiry_date",
    "target_hearing_date",
)
BOOLEAN_COLUMNS = ("recall", "immigration_case", "early_allocation")

SENTENCES = register(
    FileKind(
        name="sentences.csv",
        key=("prison_number",),
        columns=(
            PRISON_NUMBER,
            Text(name="sentence_type", required=True, choices=tuple(SentenceType.values)),
            Date(name="sentence_start_date", required=True),
            *(Date(name=name) for name in DATE_COLUMNS),
            Text(name="parole_outcome", max_length=200, default=""),
            *(Boolean(name=name, default=False) for name in BOOLEAN_COLUMNS),
            Text(name="tier", choices=tuple(Tier.values), default=""),
            Integer(name="mappa_level", min=0, max=3),
            Text(name="com_name", max_length=200, default=""),
            Text(
                name="com_email",
                max_length=254,
                default="",
                pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                pattern_message="{value} is not an email address; write it as name@example.gov.uk",
            ),
        ),
        checks=(known_prisoner(),),
        write=Upsert(
            model=Sentence,
            key=("prisoner_id",),
            values={
                "prisoner_id": cell("prison_number"),
                **cells("sentence_type", "sentence_start_date", *DATE_COLUMNS, "parole_outcome"),
                **cells(*BOOLEAN_COLUMNS, "tier", "mappa_level", "com_name", "com_email"),
            },
        ),
        description="sentence records (POM case management)",
    )
)
