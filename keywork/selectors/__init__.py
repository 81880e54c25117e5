"""Key work reads, each a fixed number of queries; scope has been decided by the view.

caseloads: custody, key workers against capacity, prisoners who need a key worker;
allocate: the allocation page; weekly: computed weeks and is key work on; behind: the
wing's at-risk list; prisoner: the prisoner panel and the session form.

The modules `caseloads` and `behind` share their names with their main functions: call
them as caseloads.caseloads(prison, on) and behind.behind(wing, today).
"""

from keywork.selectors import behind, caseloads
from keywork.selectors.allocate import (
    NEEDS_REASONS,
    NO_KEY_WORKER,
    RULES,
    UNALLOCATED_PREFIX,
    AllocationPage,
    NeedingRow,
    ProposalRow,
    allocation_at,
    allocation_page,
    key_worker_choices,
    prisoner_in_custody,
)
from keywork.selectors.behind import BEHIND_COMPLETE_WEEKS, BehindRow, behind_window, weeks_key_work_on
from keywork.selectors.caseloads import (
    NEEDS_KEY_WORKER_REASONS,
    NOT_ELIGIBLE_REASONS,
    KeyWorkerRow,
    NeedsKeyWorkerCounts,
    key_worker_rows,
    needs_key_worker_counts,
    not_eligible_codes,
    prisoners_in_custody,
    prisoners_needing_key_worker,
    prisoners_without_key_worker,
)
from keywork.selectors.prisoner import (
    allocation_on,
    current_allocation,
    custody_spell_on,
    deliverers,
    recent_sessions,
    session_prison,
)
from keywork.selectors.weekly import (
    CSV_DEFAULT_WEEKS,
    PANEL_WEEKS,
    Suspension,
    WeekRow,
    compliance_weeks,
    default_csv_range,
    prison_weeks,
    report_weeks,
    suspension_reasons_by_week,
    suspension_reasons_for_week,
    suspension_words,
    suspensions,
    suspensions_in,
    week_status_inputs,
)

__all__ = [
    "BEHIND_COMPLETE_WEEKS",
    "CSV_DEFAULT_WEEKS",
    "NEEDS_KEY_WORKER_REASONS",
    "NEEDS_REASONS",
    "NOT_ELIGIBLE_REASONS",
    "NO_KEY_WORKER",
    "PANEL_WEEKS",
    "RULES",
    "UNALLOCATED_PREFIX",
    "AllocationPage",
    "BehindRow",
    "KeyWorkerRow",
    "NeedingRow",
    "NeedsKeyWorkerCounts",
    "ProposalRow",
    "Suspension",
    "WeekRow",
    "allocation_at",
    "allocation_on",
    "allocation_page",
    "behind",
    "behind_window",
    "caseloads",
    "compliance_weeks",
    "current_allocation",
    "custody_spell_on",
    "default_csv_range",
    "deliverers",
    "key_worker_choices",
    "key_worker_rows",
    "needs_key_worker_counts",
    "not_eligible_codes",
    "prison_weeks",
    "prisoner_in_custody",
    "prisoners_in_custody",
    "prisoners_needing_key_worker",
    "prisoners_without_key_worker",
    "recent_sessions",
    "report_weeks",
    "session_prison",
    "suspension_reasons_by_week",
    "suspension_reasons_for_week",
    "suspension_words",
    "suspensions",
    "suspensions_in",
    "week_status_inputs",
    "weeks_key_work_on",
]
