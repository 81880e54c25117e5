"""A small estate for the POM pages and services: LEI (operational POM model; wings A and B)
with prison and probation POMs, an officer, a Band 3 "POM", an unavailable POM; BMI with its
own POM; sentenced prisoners whose recommended POM type is known. Import the fixtures."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from allocation.models import PomAllocation, Sentence
from omic import dates
from tests import factories

TODAY = dates.today()


def sentence(prisoner, **fields):
    """A determinate sentence that started a year ago, released in two years: POM responsible
    today, handover about 15 months away."""
    values = {
        "sentence_type": "determinate",
        "sentence_start_date": TODAY - relativedelta(years=1),
        "conditional_release_date": TODAY + relativedelta(years=2),
        "tier": "C",
        **fields,
    }
    return Sentence.objects.create(prisoner=prisoner, **values)


def pom(staff_id, prison, role="pom", **fields):
    values = {"band": 4, "role": role, "key_worker_trained_on": None, **fields}
    return factories.StaffMemberFactory(staff_id=staff_id, prison=prison, **values)


@pytest.fixture
def estate(db):
    places = factories.leeds_and_birmingham(leeds_wings="AB", birmingham_wings="C")
    lei, bmi = places["lei"], places["bmi"]
    lei.pom_model, lei.pom_model_chosen_on = "operational", dt.date(2024, 3, 1)
    lei.save()
    staff = {
        "prison_pom": pom("LEIP01", lei, first_name="Pat", last_name="Parker"),
        "part_time_pom": pom(
            "LEIP02",
            lei,
            first_name="Priya",
            last_name="Patel",
            fte=Decimal("0.60"),
            contracted_hours=Decimal("22.5"),
        ),  # fmt: skip
        "probation_pom": pom("LEIR01", lei, "probation_pom", band=5, first_name="Rob", last_name="Reed"),
        "officer": factories.StaffMemberFactory(staff_id="LEIO01", prison=lei, band=3, last_name="Officer"),
        "band3_pom": pom("LEIP03", lei, band=3, last_name="Junior"),
        "unavailable_pom": pom(
            "LEIP04", lei, last_name="Away", status="unavailable", unavailable_reason="sick"
        ),
        "bmi_pom": pom("BMIP01", bmi, last_name="Brum"),
    }
    on_a = factories.in_custody(lei, "A1111AA", places["wing_a"], first_name="Alan", last_name="Able")
    tier_a = factories.in_custody(lei, "B2222BB", places["wing_b"], first_name="Bea", last_name="Baker")
    on_c = factories.in_custody(bmi, "C3333CC", places["wing_c"], last_name="Cole")
    unsentenced = factories.in_custody(lei, "D4444DD", places["wing_a"], last_name="Dunn")
    sentence(on_a)  # tier C: a prison POM is recommended
    sentence(tier_a, tier="A")  # a probation POM is recommended
    sentence(on_c)
    return {
        **places, **staff, "on_a": on_a, "tier_a": tier_a, "on_c": on_c, "unsentenced": unsentenced,
    }  # fmt: skip


def allocate(prisoner, staff, role="primary", start=TODAY, prison=None):
    """An allocation as the service leaves it, written directly (for read-side tests)."""
    return PomAllocation.objects.create(
        prisoner=prisoner, prison=prison or staff.prison, staff_member=staff, role=role, start_date=start
    )
