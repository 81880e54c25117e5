import datetime as dt

import pytest

from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, StaffMemberFactory


@pytest.fixture
def estate():
    lei = PrisonFactory(code="LEI")
    StaffMemberFactory(staff_id="S1", prison=lei, band=3)
    StaffMemberFactory(staff_id="S2", prison=lei, band=3, key_worker_trained_on=None)
    StaffMemberFactory(staff_id="S4", prison=lei, band=4)
    a = PrisonerFactory(prison_number="A1234BC")
    b = PrisonerFactory(prison_number="B2345CD")
    CustodySpellFactory(prisoner=a, prison=lei, reception_date=dt.date(2024, 1, 1))
    CustodySpellFactory(
        prisoner=b, prison=lei, reception_date=dt.date(2024, 1, 1), release_date=dt.date(2024, 3, 1)
    )
    return lei
