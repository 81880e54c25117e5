"""factory_boy factories for the core and key work models."""

import datetime as dt
from decimal import Decimal

import factory

from keywork.models import KeyWorkerAllocation, Session, SessionKind, Source
from omic.models import Benchmark, CustodySpell, Estate, Prison, Prisoner, StaffMember, User, Wing

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


class CustodySpellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustodySpell

    prisoner = factory.SubFactory(PrisonerFactory)
    prison = factory.SubFactory(PrisonFactory)
    wing = None
    reception_date = dt.date(2024, 1, 1)
    release_date = None


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


class KeyWorkerAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyWorkerAllocation

    prisoner = factory.SubFactory(PrisonerFactory)
    prison = factory.SubFactory(PrisonFactory)
    key_worker = factory.SubFactory(StaffMemberFactory, prison=factory.SelfAttribute("..prison"))
    start_date = dt.date(2024, 1, 1)
    end_date = None
    source = Source.APP


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    source = Source.APP
    session_id = None
    prisoner = factory.SubFactory(PrisonerFactory)
    prison = factory.SubFactory(PrisonFactory)
    key_worker = factory.SubFactory(StaffMemberFactory, prison=factory.SelfAttribute("..prison"))
    date = MONDAY
    duration_minutes = 45
    kind = SessionKind.STRUCTURED_INTERVIEW
