"""prisons.csv: one row per prison, keyed by prison_code."""

from __future__ import annotations

from omic.loading.columns import Date, Integer, Text
from omic.loading.registry import FileKind, register
from omic.loading.upsert import Upsert, cell, cells
from omic.models import Country, Estate, PomModel, Prison

PRISON_CODE = Text(
    name="prison_code",
    required=True,
    pattern=r"^[A-Z]{3}$",
    pattern_known_in=(Prison._meta.db_table, "code"),
    pattern_message="{value} is not a prison code; use 3 capital letters, e.g. LEI",
)

PRISONS = register(
    FileKind(
        name="prisons.csv",
        key=("prison_code",),
        columns=(
            PRISON_CODE,
            Text(name="name", required=True, max_length=100),
            Text(name="estate", required=True, choices=tuple(Estate.values)),
            Text(name="country", required=True, choices=tuple(Country.values)),
            Date(name="key_work_start_date"),
            Text(name="pom_model", choices=tuple(PomModel.values), default=""),
            Date(name="pom_model_chosen_on"),
            Integer(name="key_worker_capacity", min=1, max=50, default=6),
        ),
        write=Upsert(
            model=Prison,
            key=("code",),
            values={
                "code": cell("prison_code"),
                **cells(
                    "name", "estate", "country", "key_work_start_date", "pom_model", "pom_model_chosen_on",
                    "key_worker_capacity",
                ),
            },
        ),
    )
)
