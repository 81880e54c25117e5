"""pom.md's responsibility and handover rules (allocation.handover) beyond its tables: open
conditions, responsibility from the dates, the flags, overrides, the recommended POM type and
scope, then a property test against the slow reference in tests/allocation/reference.py. The
tables row by row, the worked examples and month ends: tests/allocation/test_handover_tables.py."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.handover import CurrentSpell, SentenceFacts, calculate
from tests.allocation import reference

D = dt.date
T = D(2025, 6, 1)
ADULT = D(1990, 5, 17)
CLOSED = CurrentSpell("male_closed", D(2024, 1, 1))

# The tables name the sentence's dates as pom.md abbreviates them.
DATES = {
    "start": "sentence_start_date",
    "ped": "parole_eligibility_date",
    "ard": "automatic_release_date",
    "crd": "conditional_release_date",
    "ted": "tariff_expiry_date",
    "thd": "target_hearing_date",
}


def sentence(**fields):
    """A determinate sentence from 2024-01-01; `fields` are SentenceFacts' own or the DATES above."""
    values = {"sentence_type": "determinate", "sentence_start_date": D(2024, 1, 1)}
    values.update({DATES.get(name, name): value for name, value in fields.items()})
    return SentenceFacts(**values)


def indeterminate(**fields):
    return sentence(sentence_type="indeterminate", start=D(2015, 1, 1), **fields)


def figures(s, today=T, spell=CLOSED, dob=ADULT, override=None):
    return calculate(sentence=s, date_of_birth=dob, spell=spell, today=today, override=override)


# --- COM allocated date: open conditions ---------------------------------------------------

OPEN_TED = D(2027, 3, 15)  # handover 2026-03-15


@pytest.mark.parametrize(
    ("spell", "com_allocated", "reason"),
    [
        (CurrentSpell("male_open", D(2025, 1, 10)), D(2025, 1, 10), "indeterminate_open"),
        (CurrentSpell("male_open", D(2021, 3, 31)), D(2021, 3, 31), "indeterminate_open"),
        (CurrentSpell("male_open", D(2021, 3, 30)), D(2026, 3, 15), "indeterminate"),
        (CurrentSpell("male_open", D(2026, 4, 1)), D(2026, 3, 15), "indeterminate_open"),  # handover earlier
        (CurrentSpell("male_closed", D(2025, 1, 10)), D(2026, 3, 15), "indeterminate"),
        (CurrentSpell("female", D(2025, 1, 10)), D(2026, 3, 15), "indeterminate"),
        (None, D(2026, 3, 15), "indeterminate"),
    ],
)
def test_open_conditions_com_allocated_date(spell, com_allocated, reason):
    f = figures(indeterminate(ted=OPEN_TED), spell=spell)
    assert (f.handover_date, f.com_allocated_date, f.reason) == (D(2026, 3, 15), com_allocated, reason)


def test_open_conditions_do_not_move_a_determinate_sentence():
    f = figures(sentence(ard=D(2026, 11, 2)), spell=CurrentSpell("male_open", D(2025, 1, 10)))
    assert (f.handover_date, f.com_allocated_date, f.reason) == (
        D(2026, 2, 16),
        D(2026, 2, 16),
        "determinate",
    )


def test_open_conditions_move_an_early_allocation_indeterminate_too():
    f = figures(
        indeterminate(early_allocation=True, ted=OPEN_TED),
        spell=CurrentSpell("male_open", D(2025, 1, 10)),
    )
    assert (f.handover_date, f.com_allocated_date, f.reason) == (
        D(2025, 12, 15),
        D(2025, 1, 10),
        "early_allocation",
    )


# --- responsibility from the dates ------------------------------------------------------------

OPEN = CurrentSpell("male_open", D(2025, 1, 10))


@pytest.mark.parametrize(
    ("today", "responsibility"),
    [
        (D(2025, 1, 9), "pom"),  # before the COM allocated date
        (D(2025, 1, 10), "pom_with_com"),  # COM allocated date <= T < handover
        (D(2026, 3, 14), "pom_with_com"),
        (D(2026, 3, 15), "com"),  # T >= handover
        (D(2027, 1, 1), "com"),
    ],
)
def test_responsibility_from_the_dates(today, responsibility):
    f = figures(indeterminate(ted=OPEN_TED), spell=OPEN, today=today)
    assert f.responsibility == responsibility
    assert f.reason == "indeterminate_open"


@pytest.mark.parametrize(("today", "responsibility"), [(D(2024, 2, 16), "pom"), (D(2024, 2, 17), "com")])
def test_handover_day_hands_over_when_no_com_comes_earlier(today, responsibility):
    assert figures(sentence(ard=D(2024, 11, 2)), today=today).responsibility == responsibility


# --- flags ---------------------------------------------------------------------------------

HANDOVER = D(2026, 2, 16)  # of a determinate sentence with ARD 2026-11-02


@pytest.mark.parametrize(
    ("today", "upcoming"),
    [
        (HANDOVER - dt.timedelta(days=57), False),
        (HANDOVER - dt.timedelta(days=56), True),  # 56 days before is upcoming
        (HANDOVER - dt.timedelta(days=1), True),
        (HANDOVER, False),  # the handover day is not
    ],
)
def test_upcoming_handover_window(today, upcoming):
    f = figures(sentence(ard=D(2026, 11, 2)), today=today)
    assert f.handover_date == HANDOVER
    assert f.upcoming_handover is upcoming


def test_upcoming_needs_pom_responsibility():
    # open conditions: pom_with_com in the last 56 days, so not "upcoming"
    f = figures(indeterminate(ted=OPEN_TED), spell=OPEN, today=D(2026, 3, 1))
    assert (f.responsibility, f.upcoming_handover) == ("pom_with_com", False)


@pytest.mark.parametrize(
    ("days_after", "com_name", "com_email", "overdue"),
    [
        (1, "", "", False),
        (2, "", "", True),  # handover + 2 days
        (30, "", "", True),
        (2, "Jo Bloggs", "", False),
        (2, "", "jo.bloggs@justice.gov.uk", False),
    ],
)
def test_com_allocation_overdue(days_after, com_name, com_email, overdue):
    s = sentence(ard=D(2026, 11, 2), com_name=com_name, com_email=com_email)
    f = figures(s, today=HANDOVER + dt.timedelta(days=days_after))
    assert f.responsibility == "com"
    assert f.com_allocation_overdue is overdue


def test_no_handover_date_is_never_overdue():
    f = figures(sentence(ard=D(2024, 11, 1)), today=D(2025, 1, 1))
    assert (f.responsibility, f.com_allocation_overdue) == ("com", False)


# --- override ----------------------------------------------------------------------------


def test_override_wins_and_dates_are_still_calculated():
    s = sentence(ard=D(2026, 11, 2), tier="A")
    plain = figures(s, today=D(2025, 6, 1))
    f = figures(s, today=D(2025, 6, 1), override="com")
    assert (plain.responsibility, plain.reason, plain.recommended_pom_type) == (
        "pom",
        "determinate",
        "probation_pom",
    )
    assert (f.responsibility, f.reason) == ("com", "override")
    assert (f.calculated_responsibility, f.calculated_reason) == ("pom", "determinate")
    assert (f.earliest_release_date, f.handover_date, f.com_allocated_date) == (
        D(2026, 11, 2),
        HANDOVER,
        HANDOVER,
    )
    assert f.recommended_pom_type == "prison_pom"  # the responsibility in force is the COM's


def test_override_of_a_special_case():
    f = figures(sentence(recall=True), override="pom")
    assert (f.responsibility, f.reason, f.calculated_reason) == ("pom", "override", "recall_case")


# --- recommended POM type --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "override", "recommended"),
    [
        ({"tier": "A"}, None, "probation_pom"),
        ({"tier": "B"}, None, "probation_pom"),
        ({"tier": "C"}, None, "prison_pom"),
        ({"tier": "D"}, None, "prison_pom"),
        ({"tier": ""}, None, "prison_pom"),
        ({"tier": "A"}, "pom_with_com", "probation_pom"),
        ({"tier": "A"}, "com", "prison_pom"),
        ({"tier": "A", "immigration_case": True}, "pom", "prison_pom"),
    ],
)
def test_recommended_pom_type(fields, override, recommended):
    s = sentence(ard=D(2026, 11, 2), **fields)
    assert figures(s, override=override).recommended_pom_type == recommended


# --- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "dob", "in_scope", "why"),
    [
        (sentence(), D(2007, 6, 1), True, ""),  # 18 exactly on T
        (sentence(), D(2007, 6, 2), False, "under_18"),
        (None, ADULT, False, "not_sentenced"),
        (sentence(), None, False, "date_of_birth_unknown"),
    ],
)
def test_scope(s, dob, in_scope, why):
    f = figures(s, dob=dob)
    assert (f.in_scope, f.out_of_scope_reason) == (in_scope, why)
    if not in_scope:
        assert all(
            getattr(f, name) is None
            for name in (
                "earliest_release_date",
                "handover_date",
                "com_allocated_date",
                "responsibility",
                "reason",
                "upcoming_handover",
                "com_allocation_overdue",
                "recommended_pom_type",
            )
        )


def test_born_on_29_february_is_18_on_28_february():
    s = sentence(crd=D(2027, 1, 1))
    assert figures(s, dob=D(2008, 2, 29), today=D(2026, 2, 28)).in_scope
    assert not figures(s, dob=D(2008, 2, 29), today=D(2026, 2, 27)).in_scope


# --- property: the calculation agrees with the slow reference --------------------------------

outcomes = st.sampled_from(
    ["", "Release", "Release on licence", " Release", "release", "Refused", "Deferred"]
)
rarely = st.sampled_from([False, False, False, False, True])


def near(today):
    """Dates the rules care about: around T, at month ends, and at T + 12 months exactly."""
    month_end = st.builds(
        lambda y, m: reference.add_months(D(y, m, 1), 1) - dt.timedelta(days=1),
        st.integers(2014, 2032),
        st.integers(1, 12),
    )
    around = st.integers(-3000, 4000).map(lambda n: today + dt.timedelta(days=n))
    year_on = st.integers(-1, 1).map(lambda n: reference.add_months(today, 12) + dt.timedelta(days=n))
    return st.one_of(around, month_end, year_on)


@st.composite
def cases(draw):
    today = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
    day = near(today)
    maybe = st.none() | day
    s = SentenceFacts(
        sentence_type=draw(st.sampled_from(["determinate", "indeterminate"])),
        sentence_start_date=draw(day),
        parole_eligibility_date=draw(st.none() | st.none() | day),
        automatic_release_date=draw(maybe),
        conditional_release_date=draw(maybe),
        tariff_expiry_date=draw(maybe),
        target_hearing_date=draw(maybe),
        parole_outcome=draw(outcomes),
        recall=draw(rarely),
        immigration_case=draw(rarely),
        early_allocation=draw(rarely),
        tier=draw(st.sampled_from(["", "A", "B", "C", "D"])),
        mappa_level=draw(st.sampled_from([None, 0, 1, 2, 3])),
        com_name=draw(st.sampled_from(["", "", "Jo Bloggs"])),
        com_email=draw(st.sampled_from(["", "", "jo@justice.gov.uk"])),
    )
    adult_on = st.integers(-400, 400).map(lambda n: reference.add_years(today, -18) + dt.timedelta(days=n))
    dob = draw(st.none() | adult_on | st.dates(min_value=D(1950, 1, 1), max_value=D(2000, 12, 31)))
    estate = draw(st.sampled_from(["male_closed", "male_open", "male_open", "female", "youth_custody"]))
    reception = draw(st.one_of(st.just(D(2021, 3, 31)), st.just(D(2021, 3, 30)), day))
    override = draw(st.sampled_from([None, None, None, "pom", "pom_with_com", "com"]))
    return (None if draw(rarely) else s), dob, estate, reception, today, override


@settings(max_examples=1500, deadline=None)
@given(case=cases())
def test_calculation_agrees_with_the_reference(case):
    s, dob, estate, reception, today, override = case
    f = calculate(
        sentence=s, date_of_birth=dob, spell=CurrentSpell(estate, reception), today=today, override=override
    )
    got = {
        "in_scope": f.in_scope,
        "erd": f.earliest_release_date,
        "handover": f.handover_date,
        "com_allocated": f.com_allocated_date,
        "responsibility": f.responsibility,
        "reason": f.reason,
        "upcoming": f.upcoming_handover,
        "overdue": f.com_allocation_overdue,
        "recommended": f.recommended_pom_type,
    }
    assert got == reference.expected(s, dob, estate, reception, today, override)
