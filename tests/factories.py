"""factory_boy factories, one for every model of omic and keywork (tests/test_factories.py checks
that none is missing), and the helpers that build common rows from them."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from keywork.models import (
    KeyWorkerAllocation,
    NotHeldReason,
    PrisonerWeek,
    PrisonWeek,
    RecomputeRequest,
    Session,
    SessionKind,
    SessionNotHeld,
    Source,
)
from omic.models import AuditEvent, Benchmark, CustodySpell, Estate, Prison, Prisoner, StaffMember, User, Wing

MONDAY = dt.date(2025, 3, 3)
TEST_PASSWORD = "correct-horse-battery"


class PrisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prison
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "".join(chr(65 + (n // 26**i) % 26) for i in (2, 1, 0)))
    name = factory.LazyAttribute(lambda o: f"HMP {o.code.title()}")
    estate = Estate.MALE_CLOSED
    country = "england"
    key_work_start_date = dt.date(2019, 1, 7)
    key_worker_capacity = 6


class WingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wing
        django_get_or_create = ("prison", "code")

    prison = factory.SubFactory(PrisonFactory)
    code = factory.Sequence(lambda n: chr(65 + n % 26))
    name = factory.LazyAttribute(lambda o: f"{o.code} wing")


def leeds_and_birmingham(leeds_wings="A", birmingham_wings=""):
    """HMP Leeds (LEI) and HMP Birmingham (BMI), the two prisons the page tests scope users by,
    with the wings named by their codes: {"lei": ..., "bmi": ..., "wing_a": ..., ...}."""
    lei = PrisonFactory(code="LEI", name="HMP Leeds")
    bmi = PrisonFactory(code="BMI", name="HMP Birmingham")
    wings = [(lei, code) for code in leeds_wings] + [(bmi, code) for code in birmingham_wings]
    return {
        "lei": lei,
        "bmi": bmi,
        **{
            f"wing_{code.lower()}": WingFactory(prison=prison, code=code, name=f"{code} wing")
            for prison, code in wings
        },
    }


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benchmark

    prison = factory.SubFactory(PrisonFactory)
    effective_from = dt.date(2019, 1, 7)
    band3_benchmark_fte = Decimal("1.00")


class PrisonerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prisoner
        django_get_or_create = ("prison_number",)

    prison_number = factory.Sequence(
        lambda n: f"A{n % 10000:04d}{chr(65 + (n // 10000) % 26)}{chr(65 + n % 26)}"
    )
    first_name = factory.Faker("first_name_male", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1990, 5, 17)


class AtPrisonFactory(factory.django.DjangoModelFactory):
    """The base of the factories of a prisoner's rows at a prison: both made if not given."""

    class Meta:
        abstract = True

    prisoner = factory.SubFactory(PrisonerFactory)
    prison = factory.SubFactory(PrisonFactory)


class CustodySpellFactory(AtPrisonFactory):
    class Meta:
        model = CustodySpell

    wing = None
    reception_date = dt.date(2024, 1, 1)
    release_date = None


def in_custody(prison, prison_number, wing=None, *, received=dt.date(2024, 1, 1), released=None, **prisoner):
    """The prisoner (made if new, with any other `prisoner` fields) in custody at the prison from
    `received` up to `released` (half-open: the release day is not a custody day)."""
    return CustodySpellFactory(
        prisoner__prison_number=prison_number,
        **{f"prisoner__{field}": value for field, value in prisoner.items()},
        prison=prison,
        wing=wing,
        reception_date=received,
        release_date=released,
    ).prisoner


def crowd(prison, wing, count: int, *, received=dt.date(2024, 1, 1), letter="Z") -> list[Prisoner]:
    """`count` prisoners in custody on the wing since `received`, made in two bulk inserts: a
    large prison for query-count tests (numbers {letter}0000AA upwards)."""
    prisoners = Prisoner.objects.bulk_create(
        PrisonerFactory.build(prison_number=f"{letter}{i:04d}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}")
        for i in range(count)
    )
    CustodySpell.objects.bulk_create(
        CustodySpell(prisoner=p, prison=prison, wing=wing, reception_date=received) for p in prisoners
    )
    return prisoners


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    staff_id = factory.Sequence(lambda n: f"S{n:05d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    prison = factory.SubFactory(PrisonFactory)
    band = 3
    role = "officer"
    fte = Decimal("1.00")
    in_post_from = dt.date(2018, 1, 1)
    key_worker_trained_on = dt.date(2018, 6, 1)
    status = "active"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "governor"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WithKeyWorkerFactory(AtPrisonFactory):
    """AtPrisonFactory with a key worker on the staff of that prison."""

    class Meta:
        abstract = True

    key_worker = factory.SubFactory(StaffMemberFactory, prison=factory.SelfAttribute("..prison"))


class KeyWorkerAllocationFactory(WithKeyWorkerFactory):
    class Meta:
        model = KeyWorkerAllocation

    start_date = dt.date(2024, 1, 1)
    end_date = None
    source = Source.APP


class SessionFactory(WithKeyWorkerFactory):
    class Meta:
        model = Session

    source = Source.APP
    session_id = None
    date = MONDAY
    duration_minutes = 45
    kind = SessionKind.STRUCTURED_INTERVIEW


class SessionNotHeldFactory(AtPrisonFactory):
    class Meta:
        model = SessionNotHeld

    key_worker = None
    date = MONDAY
    reason = NotHeldReason.PRISONER_REFUSED


class AuditEventFactory(factory.django.DjangoModelFactory):
    """A row as omic.audit writes it; tests of who may read the trail build them directly."""

    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    actor_name = factory.LazyAttribute(lambda o: o.actor.username if o.actor else "")
    action = "keywork.session.record"
    prison = factory.SubFactory(PrisonFactory)
    object_type = "session"
    object_id = factory.Sequence(str)
    before = None
    after = factory.LazyFunction(dict)


class PrisonWeekFactory(factory.django.DjangoModelFactory):
    """A computed prison-week, as keywork.compliance writes it: key work on, nothing delivered."""

    class Meta:
        model = PrisonWeek

    prison = factory.SubFactory(PrisonFactory)
    week_start = MONDAY
    key_work_enabled = True
    suspension_reasons = factory.LazyFunction(list)
    band3_in_post = 1
    band3_in_post_fte = Decimal("1.00")
    band3_untrained = 0
    band3_benchmark_fte = Decimal("1.00")
    prisoners = 0
    custody_days = 0
    entitled_sevenths = 0
    delivered_minutes = 0
    sessions = 0
    prisoners_seen = 0
    prisoners_met_entitlement = 0
    prisoners_at_week_end = 0
    prisoners_with_key_worker = 0
    computed_at = factory.LazyFunction(timezone.now)


class PrisonerWeekFactory(AtPrisonFactory):
    """A computed prisoner-week: one custody day, nothing entitled or delivered."""

    class Meta:
        model = PrisonerWeek

    week_start = MONDAY
    custody_days = 1
    entitled_sevenths = 0
    delivered_minutes = 0
    sessions = 0
    at_week_end = False
    key_worker = None


class RecomputeRequestFactory(factory.django.DjangoModelFactory):
    """An outbox row: one prison's week whose recompute was not yet handed to the broker."""

    class Meta:
        model = RecomputeRequest

    kind = RecomputeRequest.Kind.PRISON_WEEKS
    prison = factory.SubFactory(PrisonFactory)
    week_from = MONDAY
    week_to = MONDAY
