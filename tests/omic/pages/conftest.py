"""A small estate for the admin pages: LEI (wings A, B) and BMI; `users` (tests/conftest.py)
gives a user of each role over it."""

import datetime as dt
from decimal import Decimal

import pytest

from omic import dates
from tests import factories

TODAY = dates.today()
MONDAY = dates.week_start(TODAY)


@pytest.fixture
def estate(db):
    lei = factories.PrisonFactory(code="LEI", name="HMP Leeds", key_work_start_date=dt.date(2019, 1, 7))
    bmi = factories.PrisonFactory(code="BMI", name="HMP Birmingham")
    wing_a = factories.WingFactory(prison=lei, code="A", name="A wing")
    wing_b = factories.WingFactory(prison=lei, code="B", name="B wing")
    wing_c = factories.WingFactory(prison=bmi, code="C", name="C wing")
    factories.BenchmarkFactory(
        prison=lei, effective_from=dt.date(2020, 1, 6), band3_benchmark_fte=Decimal("2.00")
    )
    factories.BenchmarkFactory(
        prison=bmi, effective_from=dt.date(2020, 1, 6), band3_benchmark_fte=Decimal("1.00")
    )
    adams = factories.StaffMemberFactory(staff_id="LEI001", prison=lei, first_name="Ann", last_name="Adams")
    # Untrained: key work is suspended at LEI until Brown's training is recorded.
    brown = factories.StaffMemberFactory(
        staff_id="LEI002", prison=lei, first_name="Bob", last_name="Brown", key_worker_trained_on=None
    )
    clark = factories.StaffMemberFactory(staff_id="BMI001", prison=bmi, last_name="Clark")
    return {
        "lei": lei, "bmi": bmi, "wing_a": wing_a, "wing_b": wing_b, "wing_c": wing_c,
        "adams": adams, "brown": brown, "clark": clark,
    }  # fmt: skip


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(path, params)


def post(client, user, path, data):
    client.force_login(user)
    return client.post(path, data)


def date_parts(name: str, day: dt.date | None) -> dict[str, str]:
    """A GOV.UK date input's three boxes."""
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
