"""POM case management writes, each validated, audited and followed by a recalculation.

handovers: the nightly handover store and responsibility overrides.
"""

from allocation.services.handovers import (
    Recalculated,
    override_responsibility,
    recalculate_handovers,
    remove_override,
    schedule_recalculation,
)

__all__ = [
    "Recalculated",
    "override_responsibility",
    "recalculate_handovers",
    "remove_override",
    "schedule_recalculation",
]

# pom_allocations: allocate, reallocate and deallocate POMs; sentences: the sentence record.
from allocation.services.pom_allocations import (  # noqa: E402
    allocate_pom,
    deallocate_pom,
    end_pom_allocations_for_departures,
)
from allocation.services.sentences import save_sentence  # noqa: E402

__all__ += ["allocate_pom", "deallocate_pom", "end_pom_allocations_for_departures", "save_sentence"]
