"""The prison the compliance engine's tests (test_engine.py, test_engine_write_paths.py) run over."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories


@pytest.fixture
def prison(db):
    prison = factories.PrisonFactory(code="KWA", key_work_start_date=dt.date(2019, 1, 7))
    factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal("1.00"))
    factories.StaffMemberFactory(staff_id="KW1", prison=prison, fte=Decimal("1.00"))
    return prison
