"""The estate core: prisons, wings, benchmarks, prisoners and their custody spells, staff,
users and the audit log. Invariants live here as database constraints."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Upper

from omic import dates


class DateRange(Func):
    """daterange(lower, upper, '[)'): the half-open intervals the policy dates use."""

    function = "DATERANGE"
    output_field = DateRangeField()


class PrisonNumberKey(Func):
    """A prison number (A1234BC) as the integer it spells: one-to-one under the format check.

    The no-overlap exclusion constraints compare prisoners by this integer: GiST over an
    integer is about six times cheaper per row than over text, which is most of a first
    national load's time."""

    template = (
        "((ascii(substr(%(expressions)s, 1, 1)) - 65) * 6760000"
        " + substr(%(expressions)s, 2, 4)::integer * 676"
        " + (ascii(substr(%(expressions)s, 6, 1)) - 65) * 26"
        " + (ascii(substr(%(expressions)s, 7, 1)) - 65))"
    )
    output_field = models.IntegerField()


class PeriodBox(Func):
    """A prisoner's half-open period [lower, upper) as a box, for the no-overlap exclusion
    constraints: x is the prisoner (PrisonNumberKey), y runs in days from 2000-01-01 from
    the lower date to half a day before the upper one (an empty upper date: far beyond any
    date). Boxes include their edges, hence the half day: two boxes overlap exactly when
    the prisoner is the same and the periods share a day, so a spell that ends on the day
    the next begins does not. GiST over plain boxes builds and checks in about 60 % of the
    time of (integer =, daterange &&) through btree_gist: a first national load builds two
    such constraints over 100,000 rows each."""

    OPEN = 2_147_483_647  # days: no date comes near

    def __init__(self, prisoner, lower, upper):
        super().__init__(PrisonNumberKey(prisoner), lower, upper, output_field=models.Field())

    def as_sql(self, compiler, connection, **extra_context):
        (key, key_params), (lower, lower_params), (upper, upper_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = (
            f"box(point({key}, {lower} - DATE '2000-01-01'), "
            f"point({key}, COALESCE({upper} - DATE '2000-01-01', {self.OPEN}) - 0.5::float8))"
        )
        return sql, (*key_params, *lower_params, *key_params, *upper_params)


# Choices give a label only where it is not the member's name in words, which Django derives
# (ENGLAND = "england" reads "England").
class Estate(models.TextChoices):
    MALE_CLOSED = "male_closed", "Male closed"
    MALE_OPEN = "male_open", "Male open"
    FEMALE = "female"
    YOUTH_CUSTODY = "youth_custody", "Youth custody"


class Country(models.TextChoices):
    ENGLAND = "england"
    WALES = "wales"


class PomModel(models.TextChoices):
    OPERATIONAL = "operational"
    NON_OPERATIONAL = "non_operational", "Non-operational"


# Natural keys (prison code, prison number, staff id) are capitals and digits, so the "C"
# collation orders them as any other would, and compares them bytewise: sorts, index builds
# and joins on them run several times faster than under the database's locale, and a "C"
# btree serves LIKE prefixes itself. Foreign keys take their target's collation.
KEY_COLLATION = "C"


class Prison(models.Model):
    code = models.CharField(primary_key=True, max_length=3, db_collation=KEY_COLLATION)
    name = models.CharField(max_length=100)
    estate = models.CharField(max_length=20, choices=Estate.choices)
    country = models.CharField(max_length=10, choices=Country.choices)
    key_work_start_date = models.DateField(null=True, blank=True)
    pom_model = models.CharField(max_length=20, choices=PomModel.choices, blank=True, default="")
    pom_model_chosen_on = models.DateField(null=True, blank=True)
    key_worker_capacity = models.PositiveSmallIntegerField(default=6)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="prison_code_three_capitals"),
            models.CheckConstraint(condition=Q(estate__in=Estate.values), name="prison_estate_valid"),
            models.CheckConstraint(condition=Q(country__in=Country.values), name="prison_country_valid"),
            models.CheckConstraint(
                condition=Q(pom_model__in=["", *PomModel.values]), name="prison_pom_model_valid"
            ),
            models.CheckConstraint(
                condition=Q(key_worker_capacity__gte=1, key_worker_capacity__lte=50),
                name="prison_key_worker_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Wing(models.Model):
    prison = models.ForeignKey(Prison, on_delete=models.CASCADE, related_name="wings")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["prison_id", "code"]
        constraints = [models.UniqueConstraint(fields=["prison", "code"], name="wing_code_unique_in_prison")]

    def __str__(self) -> str:
        return f"{self.prison_id} wing {self.code}"


class Benchmark(models.Model):
    """The benchmark Target Staffing Figure for Band 3 officers, effective from a date."""

    prison = models.ForeignKey(Prison, on_delete=models.CASCADE, related_name="benchmarks")
    effective_from = models.DateField()
    band3_benchmark_fte = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["prison_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["prison", "effective_from"], name="benchmark_unique_per_date"),
            models.CheckConstraint(
                condition=Q(band3_benchmark_fte__gte=0), name="benchmark_fte_not_negative"
            ),
        ]


class Prisoner(models.Model):
    prison_number = models.CharField(primary_key=True, max_length=7, db_collation=KEY_COLLATION)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["prison_number"]
        # Find a prisoner by surname, any case (formats.md, /search/).
        indexes = [models.Index(Upper("last_name"), name="prisoner_last_name_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(prison_number__regex=r"^[A-Z][0-9]{4}[A-Z]{2}$"), name="prison_number_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.prison_number})"


class CustodySpell(models.Model):
    """A stay at one prison, [reception_date, release_date); no release date = still in custody."""

    # Indexed by the natural key and the prison indexes below (no single-column copies).
    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, db_index=False, related_name="spells")
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, db_index=False, related_name="spells")
    wing = models.ForeignKey(Wing, on_delete=models.SET_NULL, null=True, blank=True, related_name="spells")
    reception_date = models.DateField()
    release_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["prisoner_id", "reception_date"]
        indexes = [
            models.Index(fields=["prison", "reception_date"], name="spell_prison_reception"),
            models.Index(fields=["prison", "release_date"], name="spell_prison_release"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "prison", "reception_date"], name="spell_natural_key"
            ),
            models.CheckConstraint(
                condition=Q(release_date__isnull=True) | Q(release_date__gt=F("reception_date")),
                name="spell_release_after_reception",
            ),
            # A prisoner is in one place at a time; a transfer ends one spell the day the next begins.
            ExclusionConstraint(
                name="spell_no_overlap",
                expressions=[
                    (PeriodBox("prisoner", "reception_date", "release_date"), RangeOperators.OVERLAPS)
                ],
            ),
        ]


class Band3:
    """Key workers are Band 3 officers; BCST belongs to Band 4 and above."""

    KEY_WORKER_BAND = 3


class StaffRole(models.TextChoices):
    OFFICER = "officer"
    POM = "pom", "Prison POM"
    PROBATION_POM = "probation_pom", "Probation POM"
    MANAGER = "manager"
    OTHER = "other"


class StaffStatus(models.TextChoices):
    ACTIVE = "active"
    UNAVAILABLE = "unavailable"
    INACTIVE = "inactive"


class UnavailableReason(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    SICK = "sick"
    TRAINING = "training"
    REDEPLOYED = "redeployed"
    OTHER = "other"


class StaffMember(models.Model):
    staff_id = models.CharField(primary_key=True, max_length=20, db_collation=KEY_COLLATION)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    prison = models.ForeignKey(Prison, on_delete=models.PROTECT, related_name="staff")
    band = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    fte = models.DecimalField(max_digits=3, decimal_places=2)
    contracted_hours = models.DecimalField(max_digits=4, decimal_places=1, default=39)
    in_post_from = models.DateField()
    in_post_to = models.DateField(null=True, blank=True)
    key_worker_trained_on = models.DateField(null=True, blank=True)
    key_worker_capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    wing = models.ForeignKey(Wing, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff")
    status = models.CharField(max_length=12, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    # keywork.md "Staff availability": why an unavailable officer is away, and when they are
    # expected back (the nightly job makes them active again on that day).
    unavailable_reason = models.CharField(
        max_length=20, choices=UnavailableReason.choices, blank=True, default="", db_default=""
    )
    expected_back_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["prison_id", "last_name", "first_name", "staff_id"]
        indexes = [models.Index(fields=["prison", "band"], name="staff_prison_band")]
        constraints = [
            models.CheckConstraint(condition=Q(band__gte=2, band__lte=11), name="staff_band_range"),
            models.CheckConstraint(condition=Q(fte__gte="0.01", fte__lte="1.00"), name="staff_fte_range"),
            models.CheckConstraint(
                condition=Q(contracted_hours__gt=0, contracted_hours__lte=60),
                name="staff_contracted_hours_range",
            ),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="staff_role_valid"),
            models.CheckConstraint(condition=Q(status__in=StaffStatus.values), name="staff_status_valid"),
            models.CheckConstraint(
                condition=Q(in_post_to__isnull=True) | Q(in_post_to__gt=F("in_post_from")),
                name="staff_in_post_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(key_worker_capacity__isnull=True) | Q(key_worker_capacity__lte=50),
                name="staff_key_worker_capacity_range",
            ),
            # A reason and a return date belong to an unavailable officer only.
            models.CheckConstraint(
                condition=Q(status=StaffStatus.UNAVAILABLE)
                | Q(unavailable_reason="", expected_back_on__isnull=True),
                name="staff_unavailable_details_only_when_unavailable",
            ),
            models.CheckConstraint(
                condition=Q(unavailable_reason__in=["", *UnavailableReason.values]),
                name="staff_unavailable_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.staff_id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.staff_id

    @property
    def working_pattern(self) -> str:
        if self.fte >= 1:
            return "Full time"
        days = (self.fte * 5).normalize()
        return f"Part time – {days:f} days per week"

    def is_trained_on(self, day) -> bool:
        return self.key_worker_trained_on is not None and self.key_worker_trained_on <= day

    def is_in_post_on(self, day) -> bool:
        return dates.covers(self.in_post_from, self.in_post_to, day)


class Role(models.TextChoices):
    WING_MANAGER = "wing_manager", "Wing manager"
    GOVERNOR = "governor"
    ADMIN = "admin"
    HQ = "hq", "HQ"


class User(AbstractUser):
    """A member of staff who signs in. What they may see and do is decided in omic.access."""

    role = models.CharField(max_length=20, choices=Role.choices, blank=True, default="")
    prisons = models.ManyToManyField(Prison, blank=True, related_name="users")
    wings = models.ManyToManyField(Wing, blank=True, related_name="users")
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="users"
    )
    # Set when an admin gives the user a new password: they choose their own at next sign-in.
    must_change_password = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["", *Role.values]), name="user_role_valid"),
        ]


class AuditEvent(models.Model):
    """Who changed what, when, from what to what, and why. Written by services only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    prison = models.ForeignKey(Prison, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["prison", "-at"], name="audit_prison_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_id}"
