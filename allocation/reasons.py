"""Why a prisoner's responsibility is what it is, in words for the pages (the codes are
allocation.handover's and the report's; pom.md's tables give the rules behind them)."""

from __future__ import annotations

from allocation import handover
from allocation.handover import HandoverFigures

NOT_IN_CUSTODY = "not_in_custody"

OUT_OF_SCOPE = {
    handover.NOT_SENTENCED: "no sentence record, and only a sentenced prisoner is in scope",
    handover.UNDER_18: "under 18, and OMiC applies from the 18th birthday",
    handover.DATE_OF_BIRTH_UNKNOWN: "date of birth unknown, so it cannot be shown they are 18 or over",
    NOT_IN_CUSTODY: "not in custody today",
}

REASONS = {
    "recall_thd_over_12_months": (
        "an indeterminate recall case whose target hearing is 12 months or more away, MAPPA level "
        "none, 0 or 1: the POM stays responsible with the COM supporting"
    ),
    "parole_mappa_2_3": (
        "an indeterminate case whose target hearing is 12 months or more away, with a parole outcome "
        "other than release, at MAPPA level 2 or 3: the COM is responsible"
    ),
    "thd_over_12_months": (
        "an indeterminate case whose target hearing is 12 months or more away, with no parole outcome "
        "of release: the POM stays responsible with the COM supporting"
    ),
    "recall_case": "a recall case: the COM is responsible",
    "immigration_case": "an immigration case: the COM is responsible",
    "release_date_unknown": "no earliest release date is known yet, so the POM is responsible",
    "early_allocation": "early allocation: handover 15 months before the earliest release date",
    "indeterminate": "an indeterminate sentence: handover 12 months before the earliest release date",
    "indeterminate_open": (
        "an indeterminate sentence in open conditions: handover 12 months before the earliest release "
        "date, with the COM supporting from arrival in open conditions"
    ),
    "determinate_short": (
        "a determinate sentence with 10 months or less from its start to the earliest release date: "
        "no handover, the COM is responsible"
    ),
    "determinate_parole": (
        "a determinate sentence with a parole eligibility date: handover 12 months before it"
    ),
    "determinate": "a determinate sentence: handover 8 months and 14 days before the earliest release date",
    handover.OVERRIDE: "an admin has overridden the calculated responsibility",
}


def reason_words(code: str | None) -> str:
    return REASONS.get(code or "", code or "")


def why(figures: HandoverFigures) -> str:
    """One sentence for the page: why responsibility lies where it does."""
    if not figures.in_scope:
        return "Not in OMiC scope: " + OUT_OF_SCOPE.get(
            figures.out_of_scope_reason, figures.out_of_scope_reason
        )
    return reason_words(figures.reason)[:1].upper() + reason_words(figures.reason)[1:] + "."
