"""omic.dates: the one home of today, weeks and the half-open range rule."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from omic import dates
from omic.models import CustodySpell
from tests import factories

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@given(DAYS)
def test_week_start_is_the_monday_on_or_before_the_day(day):
    monday = dates.week_start(day)
    assert monday.weekday() == 0
    assert 0 <= (day - monday).days <= 6


def test_today_is_the_london_date_not_the_utc_one(settings):
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    with timezone.override("Europe/London"):
        assert timezone.localdate(late) == dt.date(2026, 7, 1)
    assert settings.TIME_ZONE == "Europe/London"
    assert dates.today() == timezone.localdate()


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (dt.date(2025, 3, 2), False),  # the day before reception
        (dt.date(2025, 3, 3), True),  # reception day counts
        (dt.date(2025, 3, 9), True),
        (dt.date(2025, 3, 10), False),  # release day is not a custody day
    ],
)
def test_in_custody_on_is_half_open(db, day, covered):
    spell = factories.CustodySpellFactory(
        reception_date=dt.date(2025, 3, 3), release_date=dt.date(2025, 3, 10)
    )
    assert CustodySpell.objects.filter(dates.in_custody_on(day), pk=spell.pk).exists() is covered


def test_an_open_spell_covers_every_later_day(db):
    spell = factories.CustodySpellFactory(reception_date=dt.date(2025, 3, 3), release_date=None)
    assert CustodySpell.objects.filter(dates.in_custody_on(dt.date(2040, 1, 1)), pk=spell.pk).exists()


@pytest.mark.parametrize(
    ("trained_on", "day", "trained"),
    [(None, dt.date(2025, 1, 1), False), (dt.date(2025, 1, 2), dt.date(2025, 1, 1), False),
     (dt.date(2025, 1, 1), dt.date(2025, 1, 1), True)],
)
def test_trained_and_untrained_are_exact_complements(db, trained_on, day, trained):
    from omic.models import StaffMember

    staff = factories.StaffMemberFactory(key_worker_trained_on=trained_on)
    mine = StaffMember.objects.filter(pk=staff.pk)
    assert mine.filter(dates.trained_on(day)).exists() is trained
    assert mine.filter(dates.untrained_on(day)).exists() is not trained


def test_long_date_is_the_gov_uk_style():
    assert dates.long_date(dt.date(2025, 3, 3)) == "3 March 2025"


@pytest.mark.parametrize(
    ("today", "weeks"),
    [
        (dt.date(2026, 12, 2), (dt.date(2026, 11, 23), dt.date(2026, 11, 30))),  # a Wednesday
        (dt.date(2026, 11, 30), (dt.date(2026, 11, 23), dt.date(2026, 11, 30))),  # a Monday
        (dt.date(2026, 12, 6), (dt.date(2026, 11, 23), dt.date(2026, 11, 30))),  # a Sunday
    ],
)
def test_open_weeks_are_last_week_and_this_week(today, weeks):
    assert dates.open_weeks(today) == weeks
