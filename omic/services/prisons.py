"""Admins keep a prison's benchmarks and settings current (formats.md `/prisons/<CODE>/benchmarks/`,
`/prisons/<CODE>/settings/`).

A benchmark is effective from its date until the next one's. Adding or correcting one, or
moving the key work start date, changes the status of the weeks from the earliest date
touched, so the apps are told (omic.signals.prison_records_changed) and recompute them on
commit. The POM model (operational or non-operational) is the governor's choice after
consulting the unions (pom.md), recorded with the date it was chosen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from omic import audit, dates
from omic.models import Benchmark, PomModel, Prison, User
from omic.services.refusals import Refusals, only
from omic.signals import prison_records_changed

BENCHMARK_MAX_FTE = Decimal("9999.99")


def _check_benchmark(
    prison: Prison, effective_from: dt.date | None, fte: Decimal | None, refusals: Refusals, *, pk=None
) -> None:
    if effective_from is None:
        refusals.add("effective_from", "Enter the date the benchmark is effective from.")
    elif Benchmark.objects.filter(prison=prison, effective_from=effective_from).exclude(pk=pk).exists():
        refusals.add(
            "effective_from",
            f"{prison.name} already has a benchmark from {dates.long_date(effective_from)}: "
            "correct that one instead.",
        )
    if fte is None or not Decimal(0) <= fte <= BENCHMARK_MAX_FTE or fte != round(fte, 2):
        refusals.add("band3_benchmark_fte", "Enter the Band 3 FTE benchmark, 0 or more, to 2 decimal places.")


_benchmark_snapshot = audit.snapshot_of("effective_from", "band3_benchmark_fte")


_record_benchmark_change = partial(audit.record_write, object_type="benchmark", snapshot=_benchmark_snapshot)


def add_benchmark(
    *, prison: Prison, effective_from: dt.date, band3_benchmark_fte: Decimal, by: User, reason: str = ""
) -> Benchmark:
    refusals = Refusals()
    reason = refusals.check_reason(reason, required=False)
    with transaction.atomic():
        # One change to the prison's benchmarks at a time, so two adds of one date cannot both pass.
        Prison.objects.select_for_update().get(pk=prison.pk)
        _check_benchmark(prison, effective_from, band3_benchmark_fte, refusals)
        refusals.raise_any()
        benchmark = Benchmark.objects.create(
            prison=prison, effective_from=effective_from, band3_benchmark_fte=band3_benchmark_fte
        )
        _record_benchmark_change(benchmark, actor=by, action="benchmark.add", reason=reason)
        prison_records_changed.send(sender=Benchmark, prison_id=prison.pk, since=effective_from)
    return benchmark


def correct_benchmark(
    *, benchmark: Benchmark, effective_from: dt.date, band3_benchmark_fte: Decimal, by: User, reason: str
) -> Benchmark:
    """Correct a benchmark's date or figure; a correction says why."""
    refusals = Refusals()
    reason = refusals.check_reason(reason, required=True, what="the correction")
    with transaction.atomic():
        prison = Prison.objects.select_for_update().get(pk=benchmark.prison_id)
        benchmark = Benchmark.objects.select_for_update().get(pk=benchmark.pk)
        _check_benchmark(prison, effective_from, band3_benchmark_fte, refusals, pk=benchmark.pk)
        refusals.raise_any()
        before = _benchmark_snapshot(benchmark)
        since = min(benchmark.effective_from, effective_from)
        benchmark.effective_from, benchmark.band3_benchmark_fte = effective_from, band3_benchmark_fte
        benchmark.save(update_fields=["effective_from", "band3_benchmark_fte"])
        _record_benchmark_change(
            benchmark, actor=by, action="benchmark.correct", before=before, reason=reason
        )
        prison_records_changed.send(sender=Benchmark, prison_id=prison.pk, since=since)
    return benchmark


SETTINGS = ("key_work_start_date", "key_worker_capacity", "pom_model", "pom_model_chosen_on")


def update_prison_settings(*, prison: Prison, by: User, changes: dict[str, Any], reason: str = "") -> Prison:
    """Key work start date, default key worker capacity, POM model and the date it was chosen."""
    only(changes, SETTINGS, "not a setting")
    refusals = Refusals()
    reason = refusals.check_reason(reason, required=False)
    with transaction.atomic():
        prison = Prison.objects.select_for_update().get(pk=prison.pk)
        before = {field: getattr(prison, field) for field in SETTINGS}
        new = before | changes
        capacity = new["key_worker_capacity"]
        if capacity is None or not 1 <= capacity <= 50:
            refusals.add("key_worker_capacity", "Enter a default caseload from 1 to 50 (6 is usual).")
        if new["pom_model"] not in ("", *PomModel.values):
            refusals.add("pom_model", "Choose operational or non-operational.")
        if new["pom_model"] and new["pom_model_chosen_on"] is None:
            refusals.add("pom_model_chosen_on", "Enter the date the governor chose the POM model.")
        if new["pom_model_chosen_on"] is not None and new["pom_model_chosen_on"] > dates.today():
            refusals.add("pom_model_chosen_on", "The date the POM model was chosen cannot be in the future.")
        if not new["pom_model"] and new["pom_model_chosen_on"] is not None:
            refusals.add("pom_model", "Choose the POM model chosen on that date, or clear the date.")
        refusals.raise_any()
        changed = {field for field in SETTINGS if new[field] != before[field]}
        if not changed:
            return prison
        for field in changed:
            setattr(prison, field, new[field])
        prison.save(update_fields=sorted(changed))
        audit.record(
            actor=by,
            action="prison.settings",
            prison_id=prison.pk,
            object_type="prison",
            object_id=prison.pk,
            reason=reason,
            **audit.changed_only(before, new, changed),
        )
        if "key_work_start_date" in changed:
            starts = [d for d in (before["key_work_start_date"], new["key_work_start_date"]) if d]
            prison_records_changed.send(sender=Prison, prison_id=prison.pk, since=min(starts))
    return prison
