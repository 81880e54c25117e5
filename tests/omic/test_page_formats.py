"""One style on every page (issue 14, "Tablet and phone"): dates as 3 March 2025, counts and
minutes whole with thousands separators; exports keep the contract's decimals."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from omic.templatetags.omic_tags import day, day_month, day_short, day_time, iso, whole

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Machine values only: sort keys and <time datetime>; every date a person reads goes through `day`.
MACHINE_FORMATS = {"c"}  # dates as 2025-03-03 go through |iso


def test_templates_format_dates_only_through_the_page_filters():
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        for fmt in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text()):
            if fmt not in MACHINE_FORMATS:
                found.setdefault(str(path.relative_to(TEMPLATES)), []).append(fmt)
    assert found == {}, "use |day, |day_month, |day_time (omic_tags) for dates people read"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2025, 3, 3), "3 March 2025"),
        (dt.date(2026, 12, 31), "31 December 2026"),
        (None, ""),  # as Django's |date, so that |default can say what it means
        # an aware moment is shown on the London calendar: 23:30 UTC in summer is the next day
        (dt.datetime(2025, 7, 1, 23, 30, tzinfo=dt.UTC), "2 July 2025"),
    ],
)
def test_day(value, text):
    assert day(value) == text


def test_iso_is_the_machine_date_on_the_london_calendar():
    assert iso(dt.date(2025, 3, 3)) == "2025-03-03"
    assert iso(dt.datetime(2025, 7, 1, 23, 30, tzinfo=dt.UTC)) == "2025-07-02"  # 00:30 in London
    assert iso(None) == ""


def test_every_month_has_its_english_name():
    assert [day(dt.date(2025, m, 1)) for m in (1, 5, 12)] == [
        "1 January 2025",
        "1 May 2025",
        "1 December 2025",
    ]
    short = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert [day_short(dt.date(2025, m, 9)) for m in range(1, 13)] == [f"9 {m}" for m in short]


def test_day_time_is_london_time():
    assert day_time(dt.datetime(2025, 1, 5, 9, 7, tzinfo=dt.UTC)) == "5 January 2025, 09:07"
    assert day_time(dt.datetime(2025, 7, 5, 9, 7, tzinfo=dt.UTC)) == "5 July 2025, 10:07"
    assert day_time(dt.datetime(2025, 7, 5, 9, 7, tzinfo=ZoneInfo("Europe/London"))) == "5 July 2025, 09:07"
    assert day_time(None) == ""


def test_day_month_and_day_short():
    assert day_month(dt.date(2025, 9, 7)) == "7 September"
    assert day_short(dt.date(2025, 9, 7)) == "7 Sep"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (7, "7"),
        (1500, "1,500"),
        (85000, "85,000"),
        (Decimal("114.29"), "114"),
        (Decimal("114.5"), "115"),  # half up, as the contract rounds
        (Decimal("0.5"), "1"),
        (Decimal("1234567.49"), "1,234,567"),
        (Decimal("-2.5"), "−3"),
        (None, "–"),
        ("", "–"),
    ],
)
def test_whole(value, text):
    assert whole(value) == text


@pytest.mark.parametrize(
    ("name", "argument"),
    [
        ("omic:prisoner", "A1234BC"),
        ("omic:prisoner", "a b?c#é%"),  # quoted as reverse quotes it
        ("omic:prison", "LEI"),
        ("keywork:session_new", "G0295HA"),
        ("allocation:prisoner_pom", 12345),
    ],
)
def test_address_is_what_url_reversing_gives(name, argument):
    from django.urls import reverse

    from omic.templatetags.omic_tags import address

    assert address(name, argument) == reverse(name, args=[argument])
