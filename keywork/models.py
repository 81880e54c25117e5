"""Key work (OMiC phase 1): allocations, sessions, sessions that did not happen, and the
materialised weekly figures the dashboards read."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import F, Q

from omic import dates
from omic.models import KEY_COLLATION, PeriodBox, Prison, Prisoner, StaffMember


class Source(models.TextChoices):
    EXTRACT = "extract"
    APP = "app"


class KeyWorkerAllocation(models.Model):
    """A prisoner's key worker at a prison over [start_date, end_date)."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="key_worker_allocations")
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="key_worker_allocations")
    key_worker = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="key_worker_allocations"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APP)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    end_reason = models.CharField(max_length=200, blank=True)
    # Soft delete: a deleted allocation is kept (audit) and a later load must not revive it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["prisoner_id", "start_date"]
        indexes = [
            models.Index(
                fields=["prison", "key_worker"],
                name="kw_alloc_prison_worker",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["key_worker", "start_date"], name="kw_alloc_worker_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="kw_alloc_end_after_start",
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="kw_alloc_source_valid"),
            # The natural key of allocations.csv, among rows that are not deleted.
            models.UniqueConstraint(
                fields=["prisoner", "start_date"],
                condition=Q(deleted_at__isnull=True),
                name="kw_alloc_natural_key",
            ),
            models.UniqueConstraint(
                fields=["prisoner"],
                condition=Q(end_date__isnull=True, deleted_at__isnull=True),
                name="kw_alloc_one_active_per_prisoner",
            ),
            ExclusionConstraint(
                name="kw_alloc_no_overlap",
                expressions=[(PeriodBox("prisoner", "start_date", "end_date"), RangeOperators.OVERLAPS)],
                condition=Q(deleted_at__isnull=True),
            ),
        ]

    def is_active_on(self, day) -> bool:
        return dates.covers(self.start_date, self.end_date, day)


class SessionKind(models.TextChoices):
    STRUCTURED_INTERVIEW = "structured_interview", "Structured interview"
    ACCT_REVIEW = "acct_review", "ACCT review"
    FAMILY_VISIT = "family_visit", "Meeting family at a visit"
    ACTIVITY_CONVERSATION = "activity_conversation", "Conversation during an activity"
    OTHER = "other"


class Session(models.Model):
    """A key work session that took place. Sessions from the extract carry their
    session_id; sessions recorded in the app have none, so the two never collide."""

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APP)
    session_id = models.CharField(max_length=40, null=True, blank=True, db_collation=KEY_COLLATION)
    # Millions of rows: each index costs every load, so only the ones a query uses are kept
    # (the composite indexes below serve prisoner and prison; Django's extra varchar_pattern_ops
    # "_like" indexes serve LIKE, which nothing asks of these keys).
    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, db_index=False, related_name="key_work_sessions"
    )
    prison = models.ForeignKey(
        Prison, on_delete=models.PROTECT, db_index=False, related_name="key_work_sessions"
    )
    # Staff are made inactive, never deleted, so the PROTECT checks need no index.
    key_worker = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, db_index=False, related_name="key_work_sessions"
    )
    allocated_key_worker = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=SessionKind.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["prison", "date"], name="session_prison_date"),
            models.Index(fields=["prisoner", "date"], name="session_prisoner_date"),
            # The engine reads a few recent weeks of every prison; sessions arrive roughly
            # in date order (the app records them as they happen; a new extract is inserted
            # in date order), so a block-range index finds them at almost no cost to writes.
            BrinIndex(fields=["date"], name="session_date_brin"),
            # Only sessions recorded in the app have a recorder (extract rows have none).
            models.Index(
                fields=["recorded_by"], name="session_recorded_by", condition=Q(recorded_by__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=240), name="session_duration_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values), name="session_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="session_source_valid"),
            models.CheckConstraint(
                condition=Q(source=Source.EXTRACT, session_id__isnull=False)
                | Q(source=Source.APP, session_id__isnull=True),
                name="session_id_only_from_extract",
            ),
            # Deleted rows keep their id so that a later load cannot bring them back.
            models.UniqueConstraint(fields=["session_id"], name="session_id_unique"),
        ]


class NotHeldReason(models.TextChoices):
    PRISONER_REFUSED = "prisoner_refused", "Prisoner refused"
    PRISONER_UNAVAILABLE = "prisoner_unavailable", "Prisoner unavailable"
    STAFF_REDEPLOYED = "staff_redeployed", "Key worker redeployed to other duties"
    OTHER = "other"


class SessionNotHeld(models.Model):
    """A planned session that did not take place. Never counts as delivered minutes."""

    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, related_name="key_work_sessions_not_held"
    )
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="key_work_sessions_not_held")
    key_worker = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField()
    reason = models.CharField(max_length=30, choices=NotHeldReason.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["prison", "date"], name="not_held_prison_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=NotHeldReason.values), name="not_held_reason_valid"
            ),
        ]


class PrisonWeek(models.Model):
    """Materialised weekly figures for one prison (see keywork.compliance).

    Entitlement is stored exactly, in sevenths of a minute (45 × custody days), and
    rounded only on output."""

    pk = models.CompositePrimaryKey("prison", "week_start")
    prison = models.ForeignKey(
        Prison, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    week_start = models.DateField()
    key_work_enabled = models.BooleanField()
    suspension_reasons = ArrayField(models.CharField(max_length=30), default=list)
    band3_in_post = models.IntegerField()
    band3_in_post_fte = models.DecimalField(max_digits=9, decimal_places=2)
    band3_untrained = models.IntegerField()
    band3_benchmark_fte = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    prisoners = models.IntegerField()
    custody_days = models.IntegerField()
    entitled_sevenths = models.BigIntegerField()
    delivered_minutes = models.BigIntegerField()
    sessions = models.IntegerField()
    prisoners_seen = models.IntegerField()
    prisoners_met_entitlement = models.IntegerField()
    prisoners_at_week_end = models.IntegerField()
    prisoners_with_key_worker = models.IntegerField()
    not_held_prisoner_refused = models.IntegerField(default=0)
    not_held_prisoner_unavailable = models.IntegerField(default=0)
    not_held_staff_redeployed = models.IntegerField(default=0)
    not_held_other = models.IntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "keywork_prison_week"
        ordering = ["prison_id", "week_start"]


class PrisonerWeek(models.Model):
    """Materialised weekly figures for one prisoner at one prison (custody_days > 0)."""

    pk = models.CompositePrimaryKey("prison", "week_start", "prisoner")
    prison = models.ForeignKey(
        Prison, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    week_start = models.DateField()
    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    custody_days = models.SmallIntegerField()
    entitled_sevenths = models.IntegerField()
    delivered_minutes = models.IntegerField()
    sessions = models.SmallIntegerField()
    # In custody at this prison on the Sunday (counts towards prisoners_at_week_end).
    at_week_end = models.BooleanField(default=False)
    key_worker = models.ForeignKey(
        StaffMember,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )

    class Meta:
        db_table = "keywork_prisoner_week"
        ordering = ["prison_id", "week_start", "prisoner_id"]
        indexes = [models.Index(fields=["prisoner", "week_start"], name="prisoner_week_by_prisoner")]

    @property
    def met_entitlement(self) -> bool:
        return self.entitled_sevenths > 0 and self.delivered_minutes * 7 >= self.entitled_sevenths


_WEEKS_GIVEN = {"week_from__isnull": False, "week_to__gte": F("week_from")}


class RecomputeRequest(models.Model):
    """A recompute of the weekly figures asked for by a write and not yet handed to the broker
    (an outbox). Written in the write's own transaction, so a committed write always leaves
    either a queued Celery job or this row; deleted once the job is enqueued, or run by the
    outbox sweep (keywork.recompute.sweep_outbox) when the broker was down."""

    class Kind(models.TextChoices):
        PRISON_WEEKS = "prison_weeks", "Weeks of one prison"
        ESTATE_WEEKS = "estate_weeks", "Weeks of every prison"
        RECONCILE = "reconcile", "Open-week reconciliation"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    prison = models.ForeignKey(
        Prison, on_delete=models.CASCADE, null=True, blank=True, db_index=False, related_name="+"
    )
    week_from = models.DateField(null=True, blank=True)
    week_to = models.DateField(null=True, blank=True)
    # None: every prisoner of the weeks; an empty list: the prison figures only.
    prisoner_ids = ArrayField(models.CharField(max_length=7), null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "keywork_recompute_request"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="prison_weeks", prison__isnull=False, **_WEEKS_GIVEN)
                | Q(kind="estate_weeks", prison__isnull=True, **_WEEKS_GIVEN)
                | Q(kind="reconcile", prison__isnull=True, week_from__isnull=True, week_to__isnull=True),
                name="recompute_request_shape",
            ),
        ]
