"""Recompute scheduling (keywork.md "Entitlement and delivery"): which prison-weeks a write or
a loaded file asks to recompute, and how the requests of one transaction (or of a whole
extract load, gathered by omic.followups) merge into the fewest Celery jobs.

Writers call schedule_recompute (a service's write), schedule_recompute_ranges (a loaded
file) or schedule_reconcile (an estate file) inside their transaction. Each request is also
written, in that same transaction, to the outbox (keywork.models.RecomputeRequest); on commit
the requests are merged into jobs (plan) and handed to keywork.tasks, and the outbox rows are
deleted once every job is enqueued. A broker outage never fails the write and loses nothing:
the rows stay, and sweep_outbox runs them (every few minutes from beat, once the broker is
back, and in the nightly reconciliation)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from keywork import tasks
from omic import followups
from omic.dates import WEEK, open_weeks, week_start

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recompute:
    """Weeks to recompute: one prison's (`prison_id`) or every prison's (None).
    prisoner_ids narrows the prisoner rows rewritten; an empty tuple re-aggregates only the
    prison figures."""

    prison_id: str | None
    week_from: dt.date
    week_to: dt.date
    prisoner_ids: tuple[str, ...] | None = None


# Asked for by an estate file: end departed prisoners' allocations, recompute the open weeks.
RECONCILE = "reconcile open weeks"

# A load touching this many prisons is recomputed as one estate-wide job (which can take
# the rebuild path) rather than one job per prison.
ESTATE_WIDE_PRISONS = 10


def schedule_recompute(
    *, prison_id: str, days: Iterable[dt.date], prisoner_ids: Iterable[str] | None = None
) -> None:
    """On commit, enqueue a recompute of the prison-weeks containing `days`.

    Call inside the writing service's transaction. prisoner_ids narrows the prisoner rows
    rewritten (a session write touches one prisoner); an empty list re-aggregates only the
    prison figures (a session that did not happen)."""
    weeks = sorted({week_start(d) for d in days if d is not None})
    if not weeks:
        return
    prisoners = tuple(sorted(set(prisoner_ids))) if prisoner_ids is not None else None
    _ask(Recompute(prison_id, weeks[0], weeks[-1], prisoners))


def schedule_recompute_ranges(ranges: Iterable[tuple[str, dt.date | None, dt.date | None]]) -> None:
    """After a loaded file: recompute, on commit, the weeks it touched that matter now.

    Weeks before a prison's earliest computed week are left alone: they have never been
    computed, and a report computes a never-computed week before showing it. So a first
    national load recomputes only the open weeks, and a reload of history refreshes the
    weeks people have already seen."""
    from keywork.models import PrisonWeek

    wanted = [(p, first, last) for p, first, last in ranges if first is not None and last is not None]
    if not wanted:
        return
    earliest = dict(
        PrisonWeek.objects.filter(prison_id__in={p for p, _, _ in wanted})
        .values_list("prison_id")
        .annotate(first=Min("week_start"))
        .values_list("prison_id", "first")
    )
    open_from, _ = open_weeks()
    clamped = []
    for prison_id, first, last in wanted:
        start = max(week_start(first), min(earliest.get(prison_id, open_from), open_from))
        if week_start(last) >= start:
            clamped.append((prison_id, start, week_start(last)))
    if len(clamped) >= ESTATE_WIDE_PRISONS:
        first = min(c[1] for c in clamped)
        last = max(c[2] for c in clamped)
        _ask(Recompute(None, first, last))
        return
    for prison_id, first, last in clamped:
        _ask(Recompute(prison_id, first, last))


def schedule_reconcile() -> None:
    """On commit, the open-week reconciliation (an estate file changed)."""
    _ask(RECONCILE)


def _ask(request: Recompute | str) -> None:
    """Keep the request in the outbox, in the caller's transaction, and hand it to the broker
    when that transaction commits."""
    from keywork.models import RecomputeRequest

    row = RecomputeRequest.objects.create(**_outbox_fields(request))
    followups.on_commit(_hand_over, (row.pk, request))


def _outbox_fields(request: Recompute | str) -> dict:
    from keywork.models import RecomputeRequest

    if request == RECONCILE:
        return {"kind": RecomputeRequest.Kind.RECONCILE}
    kinds = RecomputeRequest.Kind
    kind = kinds.ESTATE_WEEKS if request.prison_id is None else kinds.PRISON_WEEKS
    prisoners = list(request.prisoner_ids) if request.prisoner_ids is not None else None
    return {
        "kind": kind,
        "prison_id": request.prison_id,
        "week_from": request.week_from,
        "week_to": request.week_to,
        "prisoner_ids": prisoners,
    }


def _from_outbox(row) -> Recompute | str:
    if row.kind == row.Kind.RECONCILE:
        return RECONCILE
    prisoners = tuple(row.prisoner_ids) if row.prisoner_ids is not None else None
    return Recompute(row.prison_id, row.week_from, row.week_to, prisoners)


def _hand_over(asked: list[tuple[int, Recompute | str]]) -> None:
    """After the commit (or a load's last file): enqueue the jobs; once all are with the broker
    their outbox rows go. If any could not be enqueued, every row stays for the sweep
    (running a recompute again is harmless, missing one is not)."""
    from keywork.models import RecomputeRequest

    if enqueue_recomputes([request for _, request in asked]):
        try:
            RecomputeRequest.objects.filter(pk__in=[pk for pk, _ in asked]).delete()
        except Exception:  # the jobs are queued; a row left behind is only run again
            logger.exception("outbox rows not deleted after enqueue; the sweep will run them again")
    else:
        logger.error(
            "recompute kept in the outbox (RecomputeRequest %s); the sweep runs it when the broker is back",
            ", ".join(str(pk) for pk, _ in asked),
        )


# How old an outbox row must be before the periodic sweep takes it: younger ones are
# usually still being handed over by the write's own on-commit enqueue.
SWEEP_MIN_AGE = dt.timedelta(minutes=2)


def sweep_outbox(
    *, older_than: dt.timedelta = SWEEP_MIN_AGE, reconcile: bool = False, today: str | None = None
) -> int:
    """Run, here and now (in a Celery worker or a command), the recomputes left in the outbox
    (their enqueue failed), with the open-week reconciliation if asked for (the nightly job),
    merged into the fewest jobs; then delete those rows. Returns the number of rows swept.
    Safe twice or at once: the jobs are idempotent and the engine locks per prison; a job
    that fails leaves every row for the next sweep."""
    from keywork.models import RecomputeRequest

    rows = list(RecomputeRequest.objects.filter(requested_at__lte=timezone.now() - older_than))
    requests = [_from_outbox(row) for row in rows]
    day = dt.date.fromisoformat(today) if today else None
    for job in plan([RECONCILE, *requests] if reconcile else requests, today=day):
        _run(job)
    RecomputeRequest.objects.filter(pk__in=[row.pk for row in rows]).delete()
    if rows:
        logger.info("outbox swept: %s recompute request(s) run", len(rows))
    return len(rows)


@dataclass(frozen=True)
class Job:
    """One Celery job: the reconciliation, an estate range, or one prison's weeks."""

    task: str  # "reconcile", "estate" or "prison"
    prison_id: str | None = None
    week_from: dt.date | None = None
    week_to: dt.date | None = None
    prisoner_ids: list[str] | None = None
    today: dt.date | None = None  # the reconciliation's day (None: the real today)

    def arguments(self) -> list:
        if self.task == "reconcile":
            return [self.today.isoformat()] if self.today else []
        dates_ = [self.week_from.isoformat(), self.week_to.isoformat()]
        if self.task == "estate":
            return dates_
        return [self.prison_id, *dates_, self.prisoner_ids]

    def __str__(self) -> str:
        if self.task == "reconcile":
            return "the open-week reconciliation"
        where = "every prison" if self.task == "estate" else f"prison {self.prison_id}"
        return f"{where} weeks {self.week_from} to {self.week_to}"


def _task(job: Job):
    return {
        "reconcile": tasks.reconcile_open_weeks,
        "estate": tasks.recompute_estate_weeks,
        "prison": tasks.recompute_prison_weeks,
    }[job.task]


def _run(job: Job) -> None:
    """The job's task body, in this process (the reconciliation without a sweep of its own)."""
    run = tasks.reconcile if job.task == "reconcile" else _task(job)
    run(*job.arguments())


def plan(requests: list[Recompute | str], *, today: dt.date | None = None) -> list[Job]:
    """The fewest jobs that cover `requests` (one transaction's, or a whole extract load's,
    gathered by omic.followups): the open-week reconciliation if asked for (on `today`, by
    default the real one), one estate job for the estate-wide ranges, then one job per
    prison for the weeks those leave."""
    jobs: list[Job] = []
    covered: list[tuple[dt.date, dt.date]] = []
    if RECONCILE in requests:
        jobs.append(Job("reconcile", today=today))
        covered.append(open_weeks(today))
    asked = [r for r in requests if isinstance(r, Recompute)]
    estate = [r for r in asked if r.prison_id is None]
    if estate:
        first, last = min(r.week_from for r in estate), max(r.week_to for r in estate)
        if covered and first < covered[0][0]:
            # the reconciliation recomputes the open weeks; this job the weeks before them
            jobs.append(Job("estate", None, first, min(last, covered[0][0] - WEEK)))
        elif not covered or last > covered[0][1]:
            jobs.append(Job("estate", None, first, last))
        covered.append((first, last))
    by_prison: dict[str, list[Recompute]] = {}
    for r in asked:
        if r.prison_id is not None and not any(f <= r.week_from and r.week_to <= t for f, t in covered):
            by_prison.setdefault(r.prison_id, []).append(r)
    for prison_id, rs in by_prison.items():
        narrowed = all(r.prisoner_ids is not None for r in rs)
        prisoners = sorted({p for r in rs for p in r.prisoner_ids}) if narrowed else None
        first, last = min(r.week_from for r in rs), max(r.week_to for r in rs)
        jobs.append(Job("prison", prison_id, first, last, prisoners))
    return jobs


def enqueue_recomputes(requests: list[Recompute | str]) -> bool:
    """Hand the planned jobs to the broker; True when every one was enqueued. A broker outage
    never fails the user's write (it has committed): the job is logged and left to the
    outbox (see _hand_over)."""
    enqueued = True
    for job in plan(requests):
        try:
            _task(job).apply_async(args=job.arguments(), retry=False)
        except Exception:
            logger.exception("recompute not enqueued: %s", job)
            enqueued = False
    return enqueued
