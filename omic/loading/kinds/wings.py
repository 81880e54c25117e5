"""wings.csv: the wings of each prison, keyed by (prison_code, wing_code)."""

from __future__ import annotations

from omic.loading import checks
from omic.loading.columns import Text
from omic.loading.kinds.prisons import PRISON_CODE
from omic.loading.registry import FileKind, register
from omic.loading.upsert import Upsert, cell
from omic.models import Wing

WING_CODE = Text(name="wing_code", required=True, max_length=10)

WINGS = register(
    FileKind(
        name="wings.csv",
        key=("prison_code", "wing_code"),
        columns=(PRISON_CODE, WING_CODE, Text(name="name", required=True, max_length=100)),
        checks=(checks.known_prison(),),
        write=Upsert(
            model=Wing,
            key=("prison_id", "code"),
            values={"prison_id": cell("prison_code"), "code": cell("wing_code"), "name": cell("name")},
        ),
    )
)
