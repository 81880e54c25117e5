"""Key work writes, each validated, audited and followed by a recompute of the weeks it touched.

sessions: a session held, corrected, deleted, or not held; key_workers: allocations and the
auto-allocation confirmation; departures: allocations end when prisoner or key worker leaves;
refusals: how they refuse; weeks: the
never-computed weeks a report computes before it reads them.
"""

from keywork.services.departures import (
    KEY_WORKER_LEFT,
    PRISONER_LEFT,
    DeparturesEnded,
    end_allocations_for_departures,
)
from keywork.services.key_workers import (
    SAME_DAY_REPLACEMENT,
    allocate_key_worker,
    confirm_allocations,
    deallocate_key_worker,
)
from keywork.services.moves import MOVED, move_caseload, moving_away_reason
from keywork.services.refusals import REASON_MAX_LENGTH, Errors
from keywork.services.sessions import (
    CORRECTABLE,
    NOTES_MAX_LENGTH,
    AlreadyRecorded,
    correct_session,
    delete_session,
    record_session,
    record_session_not_held,
    session_week_warning,
)
from keywork.services.weeks import ensure_weeks_computed

__all__ = [
    "CORRECTABLE",
    "NOTES_MAX_LENGTH",
    "AlreadyRecorded",
    "KEY_WORKER_LEFT",
    "MOVED",
    "PRISONER_LEFT",
    "REASON_MAX_LENGTH",
    "SAME_DAY_REPLACEMENT",
    "DeparturesEnded",
    "Errors",
    "allocate_key_worker",
    "confirm_allocations",
    "correct_session",
    "deallocate_key_worker",
    "move_caseload",
    "moving_away_reason",
    "delete_session",
    "end_allocations_for_departures",
    "ensure_weeks_computed",
    "record_session",
    "record_session_not_held",
    "session_week_warning",
]
