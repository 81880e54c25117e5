"""POM case management writes, each validated, audited and followed by a recalculation.

handovers: the nightly handover store and responsibility overrides.
bcst: BCST tasks for new custody episodes, and their completion.
departures: POM allocations end when the prisoner leaves the prison.
"""

from allocation.services.bcst import create_bcsts, record_bcst_completion
from allocation.services.departures import end_pom_allocations_for_departures
from allocation.services.handovers import (
    Recalculated,
    override_responsibility,
    recalculate_handovers,
    remove_override,
    schedule_recalculation,
)

__all__ = [
    "create_bcsts",
    "end_pom_allocations_for_departures",
    "record_bcst_completion",
    "Recalculated",
    "override_responsibility",
    "recalculate_handovers",
    "remove_override",
    "schedule_recalculation",
]

# pom_allocations: allocate, reallocate and deallocate POMs; sentences: the sentence record.
from allocation.services.pom_allocations import allocate_pom, deallocate_pom  # noqa: E402
from allocation.services.sentences import save_sentence  # noqa: E402

__all__ += ["allocate_pom", "deallocate_pom", "save_sentence"]
