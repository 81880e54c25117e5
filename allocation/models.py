"""Core offender management (OMiC phase 2, pom.md): sentence records, responsibility
overrides, POM allocations, the nightly handover store and BCST tasks. Invariants live
here as database constraints; the rules live in allocation.handover."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from omic.models import CustodySpell, Prison, Prisoner, StaffMember


class SentenceType(models.TextChoices):
    DETERMINATE = "determinate"
    INDETERMINATE = "indeterminate"


class Tier(models.TextChoices):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Responsibility(models.TextChoices):
    POM = "pom", "POM responsible"
    POM_WITH_COM = "pom_with_com", "POM responsible, COM supporting"
    COM = "com", "COM responsible"


class PomType(models.TextChoices):
    PRISON_POM = "prison_pom", "Prison POM"
    PROBATION_POM = "probation_pom", "Probation POM"


MAPPA_LEVELS = (0, 1, 2, 3)
REASON_MAX_LENGTH = 500


class Sentence(models.Model):
    """A prisoner's sentence record (pom.md "Sentence record"), one per prisoner, loaded
    from sentences.csv. Empty text is '' (not NULL); an unknown date or MAPPA level is NULL."""

    prisoner = models.OneToOneField(
        Prisoner, on_delete=models.CASCADE, primary_key=True, related_name="sentence"
    )
    sentence_type = models.CharField(max_length=15, choices=SentenceType.choices)
    sentence_start_date = models.DateField()
    parole_eligibility_date = models.DateField(null=True, blank=True)
    automatic_release_date = models.DateField(null=True, blank=True)
    conditional_release_date = models.DateField(null=True, blank=True)
    tariff_expiry_date = models.DateField(null=True, blank=True)
    target_hearing_date = models.DateField(null=True, blank=True)
    parole_outcome = models.CharField(max_length=200, blank=True, default="")
    recall = models.BooleanField(default=False)
    immigration_case = models.BooleanField(default=False)
    early_allocation = models.BooleanField(default=False)
    tier = models.CharField(max_length=1, choices=Tier.choices, blank=True, default="")
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    com_name = models.CharField(max_length=200, blank=True, default="")
    com_email = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        ordering = ["prisoner_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence_type__in=SentenceType.values), name="sentence_type_valid"
            ),
            models.CheckConstraint(condition=Q(tier__in=["", *Tier.values]), name="sentence_tier_valid"),
            models.CheckConstraint(
                condition=Q(mappa_level__isnull=True) | Q(mappa_level__in=MAPPA_LEVELS),
                name="sentence_mappa_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prisoner_id}: {self.get_sentence_type_display()}"

    @property
    def has_com(self) -> bool:
        return bool(self.com_name or self.com_email)


class ResponsibilityOverride(models.Model):
    """An admin's override of the calculated responsibility, with a reason; it wins until
    removed. Removed overrides are kept (the audit trail refers to them)."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="responsibility_overrides")
    responsibility = models.CharField(max_length=15, choices=Responsibility.choices)
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True, default="")

    class Meta:
        ordering = ["prisoner_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsibility__in=Responsibility.values), name="override_responsibility_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_reason_required"),
            models.UniqueConstraint(
                fields=["prisoner"],
                condition=Q(removed_at__isnull=True),
                name="override_one_active_per_prisoner",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class PomRole(models.TextChoices):
    PRIMARY = "primary", "Primary POM"
    CO_WORKING = "co_working", "Co-working POM"


class PomAllocation(models.Model):
    """A POM's allocation to a prisoner at a prison over [start_date, end_date); an empty
    end_date is the current allocation."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="pom_allocations")
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="pom_allocations")
    staff_member = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="pom_allocations")
    role = models.CharField(max_length=12, choices=PomRole.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Why the admin chose a POM of the type not recommended (empty when following it).
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    end_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True, default="")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["prisoner_id", "start_date", "role"]
        indexes = [
            models.Index(
                fields=["prison", "staff_member"],
                name="pom_alloc_active_caseload",
                condition=Q(end_date__isnull=True),
            ),
            models.Index(fields=["staff_member", "start_date"], name="pom_alloc_staff_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=PomRole.values), name="pom_alloc_role_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="pom_alloc_end_not_before_start",
            ),
            # One primary and at most one co-working POM at a time ...
            models.UniqueConstraint(
                fields=["prisoner", "role"],
                condition=Q(end_date__isnull=True),
                name="pom_alloc_one_active_per_role",
            ),
            # ... and they are two different people.
            models.UniqueConstraint(
                fields=["prisoner", "staff_member"],
                condition=Q(end_date__isnull=True),
                name="pom_alloc_staff_once_per_prisoner",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class Handover(models.Model):
    """The nightly store of allocation.handover's figures for each prisoner in custody, as
    calculated on `calculated_on` with any override applied (reason 'override'). Out of
    scope: in_scope false and every calculated column empty."""

    prisoner = models.OneToOneField(
        Prisoner, on_delete=models.CASCADE, primary_key=True, related_name="handover"
    )
    prison = models.ForeignKey(Prison, on_delete=models.CASCADE, db_index=False, related_name="+")
    calculated_on = models.DateField()
    in_scope = models.BooleanField()
    earliest_release_date = models.DateField(null=True)
    handover_date = models.DateField(null=True)
    com_allocated_date = models.DateField(null=True)
    responsibility = models.CharField(max_length=15, choices=Responsibility.choices, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    recommended_pom_type = models.CharField(max_length=15, choices=PomType.choices, blank=True)

    class Meta:
        ordering = ["prison_id", "prisoner_id"]
        indexes = [
            models.Index(fields=["prison", "handover_date"], name="handover_prison_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsibility__in=["", *Responsibility.values]),
                name="handover_responsibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(in_scope=True) | Q(responsibility="", earliest_release_date__isnull=True),
                name="handover_out_of_scope_empty",
            ),
        ]


class Bcst(models.Model):
    """A Basic Custody Screening Tool task for a new custody episode (pom.md "BCST"): due
    3 days after the reception of the spell that opened it, completed by a Band 4+."""

    spell = models.OneToOneField(CustodySpell, on_delete=models.CASCADE, related_name="bcst")
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, db_index=False, related_name="bcsts")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="bcsts_completed"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["prison_id", "due_on"]
        indexes = [
            models.Index(
                fields=["prison", "due_on"], name="bcst_open_by_due", condition=Q(completed_on__isnull=True)
            ),
        ]
        constraints = [
            # Completion is a date and a person, or neither.
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, completed_by__isnull=True)
                | Q(completed_on__isnull=False, completed_by__isnull=False),
                name="bcst_completed_with_who_and_when",
            ),
        ]

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None
