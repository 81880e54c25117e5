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
