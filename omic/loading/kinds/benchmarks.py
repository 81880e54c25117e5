"""benchmarks.csv: each prison's Band 3 benchmark TSF, keyed by (prison_code, effective_from)."""

from __future__ import annotations

from decimal import Decimal as D

from omic.loading import checks
from omic.loading.columns import Date, Decimal
from omic.loading.kinds.prisons import PRISON_CODE
from omic.loading.registry import FileKind, register
from omic.loading.upsert import Upsert, cell
from omic.models import Benchmark

BENCHMARKS = register(
    FileKind(
        name="benchmarks.csv",
        key=("prison_code", "effective_from"),
        columns=(
            PRISON_CODE,
            Date(name="effective_from", required=True),
            # max_digits 8, decimal_places 2 on the model.
            Decimal(name="band3_benchmark_fte", required=True, places=2, min=D("0"), max=D("999999.99")),
        ),
        checks=(checks.known_prison(),),
        write=Upsert(
            model=Benchmark,
            key=("prison_id", "effective_from"),
            values={
                "prison_id": cell("prison_code"),
                "effective_from": cell("effective_from"),
                "band3_benchmark_fte": cell("band3_benchmark_fte"),
            },
        ),
    )
)
