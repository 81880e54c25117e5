"""A prisoner's pages belong to the prison that holds them now (formats.md, after the addresses)."""

import datetime as dt

import pytest

from omic import dates
from tests import factories
from tests.omic.pages.conftest import get


@pytest.fixture
def moved(estate):
    """Left LEI's wing A for BMI: long ago, or within the open weeks."""

    def _moved(left_on: dt.date):
        prisoner = factories.PrisonerFactory()
        factories.CustodySpellFactory(
            prisoner=prisoner, prison=estate["lei"], wing=estate["wing_a"],
            reception_date=dt.date(2024, 1, 1), release_date=left_on,
        )  # fmt: skip
        factories.CustodySpellFactory(
            prisoner=prisoner, prison=estate["bmi"], wing=estate["wing_c"], reception_date=left_on
        )
        return prisoner

    return _moved


def test_a_prisoner_transferred_out_long_ago_is_not_the_old_prisons(client, users, moved):
    prisoner = moved(dt.date(2024, 6, 1))
    for role in ("governor", "admin", "wing_manager"):
        assert get(client, users[role], f"/prisoners/{prisoner.pk}/").status_code == 404, role
    assert get(client, users["other_admin"], f"/prisoners/{prisoner.pk}/").status_code == 200
    assert get(client, users["hq"], f"/prisoners/{prisoner.pk}/").status_code == 200


def test_a_prisoner_who_left_in_the_open_weeks_stays_with_those_who_log_sessions(client, users, moved):
    first_open_week, _ = dates.open_weeks()
    prisoner = moved(first_open_week)
    assert get(client, users["admin"], f"/prisoners/{prisoner.pk}/").status_code == 200
    assert get(client, users["wing_manager"], f"/prisoners/{prisoner.pk}/").status_code == 200
    # A governor records no sessions, so has no reason to keep a prisoner who has moved on.
    assert get(client, users["governor"], f"/prisoners/{prisoner.pk}/").status_code == 404
    # The old prison's page lists only its own spell.
    page = get(client, users["admin"], f"/prisoners/{prisoner.pk}/").content.decode()
    assert "HMP Leeds" in page and "HMP Birmingham" not in page
