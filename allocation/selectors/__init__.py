"""POM case management reads.

handover_inputs: every prisoner's inputs to the handover calculation in one query.
"""

from allocation.selectors.handover_inputs import SENTENCE_FIELDS, HandoverInput, handover_inputs

__all__ = ["SENTENCE_FIELDS", "HandoverInput", "handover_inputs"]

# poms: who may be a POM here, a prisoner's POMs and figures, case mix, one POM's caseload.
from allocation.selectors.poms import (  # noqa: E402
    POM_MIN_BAND,
    POM_TYPE_WORDS,
    current_pom_allocations,
    figures_for,
    out_of_scope_words,
    pom_type_of,
    role_words,
)

__all__ += [
    "POM_MIN_BAND",
    "POM_TYPE_WORDS",
    "current_pom_allocations",
    "figures_for",
    "out_of_scope_words",
    "pom_type_of",
    "role_words",
]
