"""pom.md's two tables (allocation.handover), every row: the earliest release date, the special
cases that leave no dates, the handover date and its worked examples, month ends and the
short-sentence boundary. The helpers are tests/allocation/test_handover.py's."""

import pytest

from allocation.handover import earliest_release_date
from tests.allocation.test_handover import D, T, figures, indeterminate, sentence


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
