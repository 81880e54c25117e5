import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import factories


@pytest.fixture
def world(db, make_user):
    """LEI with wing A and a benchmark its one key worker meets: S1, a trained Band 3 officer on
    wing A; A1234BC in custody on wing A since 1 January 2024; a wing manager of A (user) and an
    admin of LEI (admin), the people the services act for; `case` is the prisoner, the prison and
    the key worker as the services' keyword arguments."""
    prison = factories.PrisonFactory(code="LEI", key_worker_capacity=6)
    wing = factories.WingFactory(prison=prison, code="A")
    factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal("1.00"))
    key_worker = factories.StaffMemberFactory(staff_id="S1", prison=prison, wing=wing)
    prisoner = factories.in_custody(prison, "A1234BC", wing, received=dt.date(2024, 1, 1))
    return SimpleNamespace(
        prison=prison,
        wing=wing,
        key_worker=key_worker,
        prisoner=prisoner,
        case={"prisoner": prisoner, "prison": prison, "key_worker": key_worker},
        user=make_user("wing_manager", prisons=[prison], wings=[wing]),
        admin=make_user("admin", prisons=[prison]),
    )
