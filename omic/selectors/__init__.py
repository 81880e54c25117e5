"""Reads for the core pages, already scoped to the user through omic.access, a module per
concern: prisons.py (headlines, wings, staff, benchmarks, spells), search.py (find a
prisoner), audit.py (the audit trail). Each costs a fixed number of queries whatever the
number of rows."""

from omic.selectors.audit import AUDIT_PAGE_SIZE, audit_events, audit_kinds
from omic.selectors.prisons import (
    STAFF_SORTS,
    benchmarks_for,
    prison_headline,
    prison_headlines,
    prisoner_spells,
    prisoners_without_wing,
    staff_for,
    wing_prisoners,
    wings_with_custody_counts,
    with_headline,
)
from omic.selectors.search import find_prisoners

__all__ = [
    "AUDIT_PAGE_SIZE",
    "STAFF_SORTS",
    "audit_events",
    "audit_kinds",
    "benchmarks_for",
    "find_prisoners",
    "prison_headline",
    "prison_headlines",
    "prisoner_spells",
    "prisoners_without_wing",
    "staff_for",
    "wing_prisoners",
    "wings_with_custody_counts",
    "with_headline",
]
