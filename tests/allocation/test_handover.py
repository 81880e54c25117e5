"""pom.md's responsibility and handover rules (allocation.handover): every row of both
tables, the worked examples, month ends, open conditions, the flags, overrides and scope,
then a property test against the slow reference in tests/allocation/reference.py."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.handover import CurrentSpell, SentenceFacts, calculate, earliest_release_date
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


def named(rows):
    """parametrize's rows from (case, *values): the values, named by the case."""
    return [pytest.param(*values, id=case) for case, *values in rows]


# --- earliest release date ------------------------------------------------------------

ERD_CASES = [
    # (case, sentence, expected ERD)
    ("PED wins over ARD and CRD", sentence(ped=D(2027, 1, 1), ard=D(2026, 1, 1)), D(2027, 1, 1)),
    ("ARD earlier than CRD", sentence(ard=D(2026, 1, 1), crd=D(2026, 2, 1)), D(2026, 1, 1)),
    ("CRD earlier than ARD", sentence(ard=D(2026, 3, 1), crd=D(2026, 2, 1)), D(2026, 2, 1)),
    ("ARD and CRD tie", sentence(ard=D(2026, 3, 1), crd=D(2026, 3, 1)), D(2026, 3, 1)),
    ("CRD only", sentence(crd=D(2026, 2, 1)), D(2026, 2, 1)),
    ("ARD only", sentence(ard=D(2026, 2, 1)), D(2026, 2, 1)),
    ("determinate without dates", sentence(), None),
    ("TED after T wins", indeterminate(ted=D(2027, 1, 1), thd=D(2026, 1, 1)), D(2027, 1, 1)),
    ("TED equal to T is not after T", indeterminate(ted=T, thd=D(2026, 1, 1)), D(2026, 1, 1)),
    ("TED past, THD after T", indeterminate(ted=D(2020, 1, 1), thd=D(2026, 1, 1)), D(2026, 1, 1)),
    ("both past: THD nearer", indeterminate(ted=D(2020, 1, 1), thd=D(2025, 1, 1)), D(2025, 1, 1)),
    ("both past: TED nearer", indeterminate(ted=D(2025, 3, 1), thd=D(2024, 1, 1)), D(2025, 3, 1)),
    ("THD equal to T is the nearer", indeterminate(ted=D(2020, 1, 1), thd=T), T),
    ("TED past only", indeterminate(ted=D(2020, 1, 1)), D(2020, 1, 1)),
    ("indeterminate without dates", indeterminate(), None),
]


@pytest.mark.parametrize(("s", "erd"), named(ERD_CASES))
def test_earliest_release_date(s, erd):
    assert earliest_release_date(s, T) == erd


# --- special cases (pom.md's first table), in order ------------------------------------

FAR = D(2026, 6, 1)  # T + 12 months exactly: inclusive
NEAR = D(2026, 5, 31)  # a day short of T + 12 months

SPECIAL_CASES = {
    # (responsibility, reason): [(case, sentence)]
    ("pom_with_com", "recall_thd_over_12_months"): [
        ("1 recall, THD far, MAPPA empty", indeterminate(recall=True, thd=FAR)),
        ("1 recall, THD far, MAPPA 0", indeterminate(recall=True, thd=FAR, mappa_level=0)),
        ("1 recall, THD far, MAPPA 1", indeterminate(recall=True, thd=FAR, mappa_level=1)),
    ],
    ("com", "parole_mappa_2_3"): [
        (
            "1 fails on MAPPA 2, 2 applies",
            indeterminate(recall=True, thd=FAR, mappa_level=2, parole_outcome="Refused"),
        ),
        ("2 parole refused, MAPPA 2", indeterminate(thd=FAR, mappa_level=2, parole_outcome="Refused")),
        ("2 parole refused, MAPPA 3", indeterminate(thd=FAR, mappa_level=3, parole_outcome="Refused")),
        (
            "2 is case-sensitive: 'release...'",
            indeterminate(thd=FAR, mappa_level=3, parole_outcome="release on licence"),
        ),
    ],
    ("pom_with_com", "thd_over_12_months"): [
        ("2 needs an outcome; 3 applies", indeterminate(thd=FAR, mappa_level=2)),
        ("3 recall with MAPPA 3 and no outcome", indeterminate(recall=True, thd=FAR, mappa_level=3)),
        ("3 THD far, empty outcome", indeterminate(thd=FAR)),
        (
            "3 THD far, outcome refused, MAPPA 1",
            indeterminate(thd=FAR, mappa_level=1, parole_outcome="Refused"),
        ),
    ],
    ("com", "recall_case"): [
        ("4 determinate recall", sentence(recall=True, crd=D(2027, 1, 1))),
        ("4 indeterminate recall, THD near", indeterminate(recall=True, thd=NEAR)),
        (
            "4 indeterminate recall, released",
            indeterminate(recall=True, thd=FAR, mappa_level=2, parole_outcome=" Release on licence "),
        ),
        ("4 before 5", sentence(recall=True, immigration_case=True)),
    ],
    ("com", "immigration_case"): [
        ("5 immigration case", sentence(immigration_case=True, crd=D(2027, 1, 1))),
        ("5 before 6", sentence(immigration_case=True)),
    ],
    ("pom", "release_date_unknown"): [
        ("6 no ERD (determinate)", sentence()),
        ("6 no ERD (indeterminate)", indeterminate()),
    ],
}


@pytest.mark.parametrize(
    ("s", "responsibility", "reason"),
    named((case, s, *outcome) for outcome, rows in SPECIAL_CASES.items() for case, s in rows),
)
def test_special_cases_leave_no_dates(s, responsibility, reason):
    f = figures(s)
    assert (f.responsibility, f.reason) == (responsibility, reason)
    assert (f.handover_date, f.com_allocated_date) == (None, None)
    assert (f.upcoming_handover, f.com_allocation_overdue) == (False, False)
    # the ERD is reported whenever it can be computed
    assert f.earliest_release_date == earliest_release_date(s, T)


def test_thd_a_day_short_of_12_months_is_not_a_special_case():
    f = figures(indeterminate(thd=NEAR))
    assert f.reason == "indeterminate"
    assert f.handover_date == D(2025, 5, 31)
    assert f.responsibility == "com"


def test_special_case_reports_its_erd():
    f = figures(sentence(immigration_case=True, crd=D(2027, 1, 1)))
    assert f.earliest_release_date == D(2027, 1, 1)


# --- handover date (pom.md's second table) ------------------------------------------------

HANDOVER_ROWS = [
    # (case, sentence, ERD, handover date, reason)
    (
        "1 early allocation (worked example)",
        sentence(early_allocation=True, ard=D(2026, 1, 1)),
        D(2026, 1, 1),
        D(2024, 10, 1),
        "early_allocation",
    ),
    (
        "1 early allocation, indeterminate",
        indeterminate(early_allocation=True, ted=D(2027, 3, 15)),
        D(2027, 3, 15),
        D(2025, 12, 15),
        "early_allocation",
    ),
    (
        "1 early allocation wins over short",
        sentence(early_allocation=True, ard=D(2024, 6, 1)),
        D(2024, 6, 1),
        D(2023, 3, 1),
        "early_allocation",
    ),
    ("2 indeterminate", indeterminate(ted=D(2027, 3, 15)), D(2027, 3, 15), D(2026, 3, 15), "indeterminate"),
    ("3 short (worked example)", sentence(ard=D(2024, 11, 1)), D(2024, 11, 1), None, "determinate_short"),
    ("3 short, with a PED", sentence(ped=D(2024, 10, 1)), D(2024, 10, 1), None, "determinate_short"),
    (
        "4 parole (worked example)",
        sentence(ped=D(2026, 1, 1), crd=D(2027, 1, 1)),
        D(2026, 1, 1),
        D(2025, 1, 1),
        "determinate_parole",
    ),
    (
        "5 determinate (worked example)",
        sentence(ard=D(2024, 11, 2)),
        D(2024, 11, 2),
        D(2024, 2, 17),
        "determinate",
    ),
]


@pytest.mark.parametrize(("s", "erd", "handover", "reason"), named(HANDOVER_ROWS))
def test_handover_table(s, erd, handover, reason):
    f = figures(s)
    assert f.earliest_release_date == erd
    assert (f.handover_date, f.reason) == (handover, reason)
    assert f.com_allocated_date == handover


def test_short_sentence_is_com_responsible():
    f = figures(sentence(ard=D(2024, 11, 1)), today=D(2024, 3, 1))
    assert (f.responsibility, f.reason, f.handover_date) == ("com", "determinate_short", None)


MONTH_ENDS = [
    # (case, sentence, handover date)
    ("31 Aug, determinate", sentence(start=D(2020, 1, 1), ard=D(2025, 8, 31)), D(2024, 12, 17)),
    ("31 Aug, parole", sentence(start=D(2020, 1, 1), ped=D(2025, 8, 31)), D(2024, 8, 31)),
    ("31 Aug, early allocation", sentence(early_allocation=True, ard=D(2025, 8, 31)), D(2024, 5, 31)),
    ("30 Sep, determinate", sentence(start=D(2020, 1, 1), ard=D(2025, 9, 30)), D(2025, 1, 16)),
    ("30 Sep, early allocation", sentence(early_allocation=True, ard=D(2025, 9, 30)), D(2024, 6, 30)),
    ("29 Feb, parole: 28 Feb", sentence(start=D(2020, 1, 1), ped=D(2028, 2, 29)), D(2027, 2, 28)),
    ("29 Feb, indeterminate: 28 Feb", indeterminate(ted=D(2028, 2, 29)), D(2027, 2, 28)),
    ("29 Feb, determinate", sentence(start=D(2020, 1, 1), ard=D(2028, 2, 29)), D(2027, 6, 15)),
    ("29 Feb, early allocation", sentence(early_allocation=True, ard=D(2028, 2, 29)), D(2026, 11, 29)),
    # clamped, then the days: 31 Oct - 8 months = 28 Feb, - 14 days = 14 Feb (days first would give 17 Feb)
    ("31 Oct: months off first", sentence(start=D(2020, 1, 1), ard=D(2025, 10, 31)), D(2025, 2, 14)),
    ("31 Dec: 30 Apr, then 14 days", sentence(start=D(2020, 1, 1), ard=D(2025, 12, 31)), D(2025, 4, 16)),
    ("31 May, early allocation: 28 Feb", sentence(early_allocation=True, ard=D(2026, 5, 31)), D(2025, 2, 28)),
]


@pytest.mark.parametrize(("s", "handover"), named(MONTH_ENDS))
def test_month_end_clamping(s, handover):
    assert figures(s).handover_date == handover


@pytest.mark.parametrize(
    ("start", "erd", "short"),
    [
        (D(2024, 4, 30), D(2025, 2, 28), True),  # 30 Apr + 10 months = 28 Feb: inclusive
        (D(2024, 4, 30), D(2025, 3, 1), False),
        (D(2023, 12, 31), D(2024, 10, 31), True),
        (D(2023, 12, 31), D(2024, 11, 1), False),
    ],
)
def test_short_sentence_boundary_clamps(start, erd, short):
    f = figures(sentence(start=start, crd=erd), today=D(2024, 1, 1))
    assert (f.reason == "determinate_short") is short


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
