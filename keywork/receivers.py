"""Follow-up work when omic loads estate files (omic sends the signal; it does not import us)."""

from __future__ import annotations

from django.dispatch import receiver

from omic import dates
from omic.loading.signals import file_loaded
from omic.signals import key_work_weeks, prison_records_changed

# Files whose rows change custody days, staffing or benchmarks, and so the weekly figures.
ESTATE_FILES = {"prisons.csv", "benchmarks.csv", "staff.csv", "prisoners.csv"}


@receiver(file_loaded, dispatch_uid="keywork-recompute-after-estate-load")
def recompute_open_weeks_after_estate_load(sender, counts, **kwargs):
    """A changed estate file recomputes the open weeks of every prison on commit. Older weeks
    are recomputed by `recompute_compliance` (a national history rebuild is an explicit act)."""
    if sender not in ESTATE_FILES or not (counts.inserted or counts.updated):
        return
    from keywork import recompute

    recompute.schedule_reconcile()


@receiver(prison_records_changed, dispatch_uid="keywork-recompute-after-records-change")
def recompute_after_records_change(sender, prison_id, since, **kwargs):
    """A staffing, benchmark or settings change recomputes, on commit, the prison's weeks from
    `since` that have been computed (and the open weeks); older never-computed weeks are
    computed when first reported."""
    from keywork import recompute

    recompute.schedule_recompute_ranges([(prison_id, since, dates.today())])


@receiver(key_work_weeks, dispatch_uid="keywork-key-work-weeks")
def key_work_weeks_status(sender, mondays, **kwargs):
    """Key work on or suspended at the prison on each Monday, by the status rule, with what is
    recorded now (two queries whatever the number of weeks)."""
    from keywork import status
    from omic.models import Band3, Benchmark, StaffMember

    staff = list(
        StaffMember.objects.filter(prison=sender, band=Band3.KEY_WORKER_BAND).only(
            "fte", "in_post_from", "in_post_to", "key_worker_trained_on"
        )
    )
    benchmarks = list(
        Benchmark.objects.filter(prison=sender)
        .order_by("effective_from")
        .values_list("effective_from", "band3_benchmark_fte")
    )
    answer = {}
    for monday in mondays:
        benchmark = next((fte for day, fte in reversed(benchmarks) if day <= monday), None)
        reasons = status.suspension_reasons(sender, monday, staff, benchmark)
        answer[monday] = (not reasons, [status.SUSPENSION_REASONS[code] for code in reasons])
    return answer
