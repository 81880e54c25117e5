"""Follow-up work when omic loads estate files (omic sends the signal; it does not import us)."""

from __future__ import annotations

from django.dispatch import receiver

from omic import followups
from omic.loading.signals import file_loaded

# Files whose rows change custody days, staffing or benchmarks, and so the weekly figures.
ESTATE_FILES = {"prisons.csv", "benchmarks.csv", "staff.csv", "prisoners.csv"}


@receiver(file_loaded, dispatch_uid="keywork-recompute-after-estate-load")
def recompute_open_weeks_after_estate_load(sender, counts, **kwargs):
    """A changed estate file recomputes the open weeks of every prison on commit. Older weeks
    are recomputed by `recompute_compliance` (a national history rebuild is an explicit act)."""
    if sender not in ESTATE_FILES or not (counts.inserted or counts.updated):
        return
    from keywork import recompute

    followups.on_commit(recompute.enqueue_recomputes, recompute.RECONCILE)
