"""The estate core's invariants are database constraints: each refuses a violating row
whoever writes it (a service, the loader, the admin, raw SQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omic.models import Benchmark, CustodySpell, Prison, Prisoner, StaffMember, User, Wing
from tests.factories import (
    BenchmarkFactory,
    CustodySpellFactory,
    PrisonerFactory,
    PrisonFactory,
    StaffMemberFactory,
    WingFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def prison(**fields):
    values = {"code": "LEI", "name": "HMP Leeds", "estate": "male_closed", "country": "england", **fields}
    return Prison.objects.create(**values)


def staff(**fields):
    values = {
        "staff_id": "S1",
        "prison": PrisonFactory(code="LEI"),
        "band": 3,
        "role": "officer",
        "fte": Decimal("1.00"),
        "in_post_from": D(2020, 1, 1),
        **fields,
    }
    return StaffMember.objects.create(**values)


def spell(prisoner, reception, release=None, prison_code="LEI"):
    return CustodySpell.objects.create(
        prisoner=prisoner,
        prison=PrisonFactory(code=prison_code),
        reception_date=reception,
        release_date=release,
    )


# -- prisons -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["lei", "LE1", "LE", "", "L I"])
def test_prison_code_must_be_three_capitals(code):
    refused(lambda: prison(code=code))


@pytest.mark.parametrize(
    "fields",
    [
        {"estate": "male"},
        {"estate": ""},
        {"country": "scotland"},
        {"pom_model": "remote"},
        {"key_worker_capacity": 0},
        {"key_worker_capacity": 51},
    ],
    ids=["estate", "empty estate", "country", "pom_model", "capacity 0", "capacity 51"],
)
def test_prison_choices_and_capacity_are_enforced(fields):
    refused(lambda: prison(**fields))


def test_a_prison_within_every_rule_is_accepted():
    prison(
        code="CFI",
        country="wales",
        estate="youth_custody",
        pom_model="non_operational",
        key_worker_capacity=50,
    )
    prison(code="LEI", pom_model="", key_worker_capacity=1)

    assert Prison.objects.count() == 2


# -- wings and benchmarks ----------------------------------------------------------------


def test_a_wing_code_is_unique_within_its_prison():
    leeds = PrisonFactory(code="LEI")
    Wing.objects.create(prison=leeds, code="A", name="A wing")
    Wing.objects.create(prison=PrisonFactory(code="CFI"), code="A", name="A wing")  # another prison: fine

    refused(lambda: Wing.objects.create(prison=leeds, code="A", name="A wing again"))


def test_a_prison_has_one_benchmark_per_date():
    leeds = PrisonFactory(code="LEI")
    BenchmarkFactory(prison=leeds, effective_from=D(2024, 1, 1))
    BenchmarkFactory(prison=leeds, effective_from=D(2024, 4, 1))

    refused(
        lambda: Benchmark.objects.create(prison=leeds, effective_from=D(2024, 1, 1), band3_benchmark_fte=2)
    )


def test_a_benchmark_is_not_negative():
    leeds = PrisonFactory(code="LEI")
    BenchmarkFactory(prison=leeds, effective_from=D(2024, 1, 1), band3_benchmark_fte=Decimal("0"))

    refused(
        lambda: BenchmarkFactory(
            prison=leeds, effective_from=D(2024, 2, 1), band3_benchmark_fte=Decimal("-0.01")
        )
    )


# -- prisoners and custody spells --------------------------------------------------------


@pytest.mark.parametrize("number", ["a1234bc", "A123BC", "A1234B", "AB12345", "1234ABC", "A1234B1"])
def test_prison_number_format_is_enforced(number):
    refused(lambda: Prisoner.objects.create(prison_number=number))


def test_a_well_formed_prison_number_is_accepted():
    Prisoner.objects.create(prison_number="A1234BC")

    assert Prisoner.objects.filter(prison_number="A1234BC").exists()


@pytest.mark.parametrize("release", [D(2024, 1, 1), D(2023, 12, 31)], ids=["same day", "before"])
def test_release_must_come_after_reception(release):
    prisoner = PrisonerFactory()

    refused(lambda: spell(prisoner, D(2024, 1, 1), release))


def test_a_spell_natural_key_is_unique():
    prisoner = PrisonerFactory()
    spell(prisoner, D(2024, 1, 1), D(2024, 2, 1))

    # same prisoner, prison and reception date (the overlap constraint would refuse it too)
    refused(lambda: spell(prisoner, D(2024, 1, 1), D(2024, 3, 1)))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 2, 1), D(2024, 4, 1))),  # starts inside
        ((D(2024, 1, 1), None), (D(2024, 6, 1), None)),  # still in custody elsewhere
        ((D(2024, 3, 1), D(2024, 4, 1)), (D(2024, 1, 1), None)),  # open spell starting earlier
        ((D(2024, 1, 1), D(2024, 6, 1)), (D(2024, 2, 1), D(2024, 3, 1))),  # wholly inside
    ],
    ids=["starts inside", "two open spells", "open spell before", "inside"],
)
def test_one_prisoners_spells_may_not_overlap(first, second):
    prisoner = PrisonerFactory()
    spell(prisoner, *first, prison_code="LEI")

    refused(lambda: spell(prisoner, *second, prison_code="CFI"))


def test_a_transfer_on_the_release_day_and_other_prisoners_spells_do_not_overlap():
    prisoner = PrisonerFactory()
    spell(prisoner, D(2024, 1, 1), D(2024, 3, 1), prison_code="LEI")
    spell(
        prisoner, D(2024, 3, 1), None, prison_code="CFI"
    )  # half-open: the release day is the next reception
    CustodySpellFactory(
        prisoner=PrisonerFactory(), prison=PrisonFactory(code="LEI"), reception_date=D(2024, 1, 1)
    )

    assert CustodySpell.objects.count() == 3


# Prison numbers next to each other as the exclusion constraint encodes them (a prisoner
# is a number there), and far apart; dates around one another, and at the calendar's ends.
NUMBERS = ("A0001AA", "A0001AB", "A0002AA", "B0001AA", "Z9999ZZ")
DAYS = st.one_of(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2024, 1, 8)), st.sampled_from([D(1, 1, 1), D(9999, 12, 30)])
)


@st.composite
def periods(draw):
    reception = draw(DAYS)
    release = draw(st.none() | DAYS.filter(lambda day: day > reception))
    return draw(st.sampled_from(NUMBERS)), reception, release


def overlap(first, second):
    """The plain rule: one prisoner, and a day in both half-open spells. If any day is in
    both, the later reception day is (each spell runs on from its reception)."""
    (a, a_from, a_to), (b, b_from, b_to) = first, second
    day = max(a_from, b_from)
    return a == b and all(to is None or day < to for to in (a_to, b_to))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=periods(), second=periods())
def test_the_no_overlap_constraint_refuses_exactly_the_spells_that_share_a_day(first, second):
    with transaction.atomic():
        prisoners = {n: PrisonerFactory(prison_number=n) for n in {first[0], second[0]}}
        spell(prisoners[first[0]], *first[1:])
        try:
            with transaction.atomic():
                spell(prisoners[second[0]], *second[1:], prison_code="CFI")
            refused_by_database = False
        except IntegrityError as error:
            assert "spell_no_overlap" in str(error)
            refused_by_database = True
        assert refused_by_database == overlap(first, second)
        transaction.set_rollback(True)


# -- staff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"band": 1},
        {"band": 12},
        {"fte": Decimal("0.00")},
        {"fte": Decimal("1.01")},
        {"contracted_hours": Decimal("0")},
        {"contracted_hours": Decimal("60.5")},
        {"role": "chef"},
        {"status": "away"},
        {"in_post_to": D(2020, 1, 1)},
        {"in_post_to": D(2019, 12, 31)},
        {"key_worker_capacity": 51},
    ],
    ids=[
        "band 1",
        "band 12",
        "fte 0",
        "fte 1.01",
        "hours 0",
        "hours 60.5",
        "role",
        "status",
        "in post to = from",
        "in post to before from",
        "capacity 51",
    ],
)
def test_staff_rules_are_enforced(fields):
    refused(lambda: staff(**fields))


def test_staff_at_the_limits_are_accepted():
    staff(staff_id="S1", band=2, fte=Decimal("0.01"), contracted_hours=Decimal("60"), key_worker_capacity=50)
    staff(staff_id="S2", band=11, fte=Decimal("1.00"), role="probation_pom", status="inactive")
    staff(staff_id="S3", in_post_to=D(2020, 1, 2))
    StaffMemberFactory(prison=WingFactory(prison=PrisonFactory(code="LEI"), code="A").prison)

    assert StaffMember.objects.count() == 4


# -- users -------------------------------------------------------------------------------


def test_a_user_role_must_be_one_of_the_roles():
    User.objects.create(username="governor", role="governor")

    refused(lambda: User.objects.create(username="boss", role="boss"))


def test_natural_keys_and_every_column_referring_to_one_compare_bytewise():
    """Keys use the "C" collation (omic.models.KEY_COLLATION), and so does every column that
    refers to one, with or without a foreign key constraint (keywork_prisoner_week has none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname || '.' || a.attname, coalesce(co.collname, 'default')
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            WHERE a.attnum > 0 AND NOT a.attisdropped AND (
                (c.relname, a.attname) IN (
                    ('omic_prison', 'code'), ('omic_prisoner', 'prison_number'),
                    ('omic_staffmember', 'staff_id'), ('keywork_session', 'session_id'))
                OR c.relname ~ '^(omic|keywork|allocation)_'
                   AND a.attname IN ('prison_id', 'prisoner_id', 'key_worker_id', 'allocated_key_worker_id',
                                     'staff_member_id', 'pom_id')
            )
            """
        )
        found = dict(cursor.fetchall())
    assert len(found) >= 20, found  # the query found the columns it is about
    assert {column: collation for column, collation in found.items() if collation != "C"} == {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index WHERE pg_get_indexdef(indexrelid) ~ '_id varchar_pattern_ops'"
        )
        assert cursor.fetchone()[0] == 0  # the "_like" indexes a "C" btree makes redundant are gone
