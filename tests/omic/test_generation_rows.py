"""generate_estate's rows: prisons, wings, benchmarks, staff, prisoners and their custody spells,
sentences, allocations and sessions each obey the rules that load_omic will check (keywork.md),
with the mix of cases the pages need. The estate is tests/omic/test_generation.py's."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest

from tests.omic import test_generation
from tests.omic.test_generation import END, OPTIONS, WEEKS

START = END - dt.timedelta(days=7 * WEEKS - 1)
KINDS = {"structured_interview", "acct_review", "family_visit", "activity_conversation", "other"}
OPEN = dt.date.max

# The estate is generated once for this module, by tests/omic/test_generation.py's fixtures.
folder = test_generation.folder
estate = test_generation.estate


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@pytest.fixture(scope="module")
def prisons(estate):
    return {p["prison_code"]: p for p in estate["prisons.csv"]}


@pytest.fixture(scope="module")
def staff(estate):
    return {s["staff_id"]: s for s in estate["staff.csv"]}


@pytest.fixture(scope="module")
def spells(estate):
    """(prison_number, prison_code) -> [(reception, release or OPEN)]."""
    by_key = defaultdict(list)
    for row in estate["prisoners.csv"]:
        by_key[row["prison_number"], row["prison_code"]].append(
            (day(row["reception_date"]), day(row["release_date"]) or OPEN)
        )
    return by_key


def in_post_and_trained(member: dict[str, str], first: dt.date, last: dt.date) -> bool:
    """In post and trained on every day of [first, last]."""
    trained = day(member["key_worker_trained_on"])
    in_post_to = day(member["in_post_to"]) or OPEN
    return (
        member["band"] == "3"
        and trained is not None
        and trained <= first
        and day(member["in_post_from"]) <= first
        and last < in_post_to
    )


# Prisons, wings, benchmarks


def test_prisons_of_every_estate_in_england_and_wales(prisons):
    assert len(prisons) == OPTIONS["prisons"]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in prisons)
    assert {p["estate"] for p in prisons.values()} == {"male_closed", "male_open", "female", "youth_custody"}
    assert {p["country"] for p in prisons.values()} == {"england", "wales"}
    assert all(p["name"].startswith(("HMP ", "HMYOI ")) for p in prisons.values())
    assert {p["pom_model"] for p in prisons.values()} <= {"operational", "non_operational", ""}
    for p in prisons.values():
        assert bool(p["pom_model"]) == bool(p["pom_model_chosen_on"])
        assert 1 <= int(p["key_worker_capacity"]) <= 50


def test_key_work_rolled_out_in_2018_and_2019_and_not_yet_at_some_prisons(prisons):
    closed = [p for p in prisons.values() if p["estate"] == "male_closed"]
    starts = [day(p["key_work_start_date"]) for p in closed]
    rolled_out = [s for s in starts if s is not None and s.year in (2018, 2019)]
    assert len(rolled_out) >= len(closed) - 1
    assert any(s is None or s > START for s in starts), "some male closed prison not yet rolled out"


def test_wings_of_each_prison_run_from_a(estate, prisons):
    wings = defaultdict(list)
    for row in estate["wings.csv"]:
        wings[row["prison_code"]].append(row["wing_code"])
    assert set(wings) == set(prisons)
    for codes in wings.values():
        assert 4 <= len(codes) <= 12
        assert codes == [chr(65 + i) for i in range(len(codes))]


def test_one_or_two_benchmarks_per_prison_sized_in_fte(estate, prisons):
    per_prison = Counter(row["prison_code"] for row in estate["benchmarks.csv"])
    assert set(per_prison) == set(prisons)
    assert set(per_prison.values()) <= {1, 2}
    for row in estate["benchmarks.csv"]:
        assert re.fullmatch(r"\d+\.\d\d", row["band3_benchmark_fte"])


# Staff


def test_staff_ids_unique_and_fields_in_range(estate, prisons):
    ids = [s["staff_id"] for s in estate["staff.csv"]]
    assert len(ids) == len(set(ids))
    wings = {(w["prison_code"], w["wing_code"]) for w in estate["wings.csv"]}
    for member in estate["staff.csv"]:
        assert member["prison_code"] in prisons
        assert 2 <= int(member["band"]) <= 11
        assert 0.01 <= float(member["fte"]) <= 1.0
        assert member["status"] in {"active", "unavailable", "inactive"}
        assert member["wing_code"] == "" or (member["prison_code"], member["wing_code"]) in wings
        if member["in_post_to"]:
            assert day(member["in_post_to"]) > day(member["in_post_from"])


def test_band3_officers_part_time_untrained_leaving_and_joining(estate):
    band3 = [s for s in estate["staff.csv"] if s["band"] == "3"]
    assert all(s["role"] == "officer" for s in band3)
    assert any(float(s["fte"]) < 1 for s in band3), "part-time"
    assert any(s["key_worker_capacity"] for s in band3 if float(s["fte"]) < 1), "own capacity"
    assert any(not s["key_worker_trained_on"] for s in band3), "never trained"
    assert any(START < day(s["key_worker_trained_on"]) <= END for s in band3 if s["key_worker_trained_on"])
    assert any(s["in_post_to"] and START < day(s["in_post_to"]) <= END for s in band3), "leavers"
    assert any(START < day(s["in_post_from"]) <= END for s in band3), "joiners"
    statuses = Counter(s["status"] for s in band3)
    assert statuses["active"] > 0.8 * len(band3) and statuses["unavailable"] and statuses["inactive"]


def test_other_grades_present(estate):
    roles = {(s["role"], int(s["band"])) for s in estate["staff.csv"]}
    assert ("pom", 4) in roles
    assert {r for r in roles if r[0] == "probation_pom"} <= {("probation_pom", 4), ("probation_pom", 5)}
    assert any(r[0] == "probation_pom" for r in roles)
    assert {band for role, band in roles if role == "manager"} == {5, 6, 7}
    assert any(role == "other" for role, _ in roles)


def test_staffing_near_and_sometimes_below_benchmark_or_untrained(estate, prisons):
    """Some rolled-out male closed prison-weeks are enabled, some below benchmark, some untrained."""
    benchmarks = defaultdict(list)
    for row in estate["benchmarks.csv"]:
        benchmarks[row["prison_code"]].append((day(row["effective_from"]), float(row["band3_benchmark_fte"])))
    band3 = defaultdict(list)
    for member in estate["staff.csv"]:
        if member["band"] == "3":
            band3[member["prison_code"]].append(member)
    outcomes = Counter()
    for code, prison in prisons.items():
        start = day(prison["key_work_start_date"])
        if prison["estate"] != "male_closed" or start is None or start > START:
            continue
        for week in range(WEEKS):
            monday = START + dt.timedelta(days=7 * week)
            benchmark = [fte for effective, fte in sorted(benchmarks[code]) if effective <= monday][-1]
            in_post = [
                s
                for s in band3[code]
                if day(s["in_post_from"]) <= monday and monday < (day(s["in_post_to"]) or OPEN)
            ]
            fte = sum(float(s["fte"]) for s in in_post)
            assert 0.75 * benchmark <= fte <= 1.3 * benchmark, (code, monday, fte, benchmark)
            untrained = any(
                not s["key_worker_trained_on"] or day(s["key_worker_trained_on"]) > monday for s in in_post
            )
            outcomes["below" if fte < benchmark - 1e-9 else "untrained" if untrained else "enabled"] += 1
    assert outcomes["enabled"] > outcomes["below"] > 0
    assert outcomes["untrained"] > 0


# Prisoners and custody spells


def test_prison_numbers_and_one_identity_per_prisoner(estate):
    identities = {}
    for row in estate["prisoners.csv"]:
        assert re.fullmatch(r"[A-Z][0-9]{4}[A-Z]{2}", row["prison_number"])
        identity = (row["first_name"], row["last_name"], row["date_of_birth"])
        assert identities.setdefault(row["prison_number"], identity) == identity
    assert len(identities) == OPTIONS["prisoners"]


def test_spells_never_overlap_and_wings_belong_to_the_prison(estate):
    wings = {(w["prison_code"], w["wing_code"]) for w in estate["wings.csv"]}
    by_prisoner = defaultdict(list)
    for row in estate["prisoners.csv"]:
        assert (row["prison_code"], row["wing_code"]) in wings
        reception, release = day(row["reception_date"]), day(row["release_date"])
        assert release is None or (reception < release <= END)
        assert reception <= END
        by_prisoner[row["prison_number"]].append((reception, release or OPEN))
    for number, intervals in by_prisoner.items():
        intervals.sort()
        for (_, first_release), (second_reception, _) in zip(intervals, intervals[1:], strict=False):
            assert first_release <= second_reception, number


def test_custody_mix_transfers_releases_receptions(estate):
    rows = estate["prisoners.csv"]
    by_prisoner = defaultdict(list)
    for row in rows:
        by_prisoner[row["prison_number"]].append(row)
    transfers = [
        (a, b)
        for spells in by_prisoner.values()
        for a, b in zip(spells, spells[1:], strict=False)
        if a["release_date"] == b["reception_date"] and a["prison_code"] != b["prison_code"]
    ]
    assert transfers, "a transfer: one spell ends on d and the next, elsewhere, begins on d"
    assert any(day(a["release_date"]).weekday() in (1, 2, 3) for a, _ in transfers), "mid-week"
    releases = [day(r["release_date"]) for r in rows if r["release_date"]]
    receptions = [day(r["reception_date"]) for r in rows]
    assert any(START <= d <= END and d.weekday() == 0 for d in releases), "released on a Monday"
    assert any(START <= d <= END and d.weekday() == 6 for d in receptions), "received on a Sunday"
    assert any(d < START for d in receptions), "in custody from before the period"
    assert sum(1 for r in rows if not r["release_date"]) > len(by_prisoner) / 2, "mostly still in custody"


def test_ages_adults_and_a_few_under_18_in_youth_custody(estate, prisons):
    for row in estate["prisoners.csv"]:
        age = (END - day(row["date_of_birth"])).days / 365.25
        if prisons[row["prison_code"]]["estate"] == "youth_custody":
            assert 14 < age < 21
        else:
            assert 17.9 < age < 90
    youth = [r for r in estate["prisoners.csv"] if prisons[r["prison_code"]]["estate"] == "youth_custody"]
    assert any((END - day(r["date_of_birth"])).days < 18 * 365 for r in youth)


def test_sentences_one_per_sentenced_prisoner_and_consistent(estate):
    numbers = {row["prison_number"] for row in estate["prisoners.csv"]}
    sentenced = [row["prison_number"] for row in estate["sentences.csv"]]
    assert len(sentenced) == len(set(sentenced))
    assert set(sentenced) < numbers, "every sentence belongs to a prisoner, and some are on remand"
    in_custody = {row["prison_number"] for row in estate["prisoners.csv"] if not row["release_date"]}
    types = Counter()
    for row in estate["sentences.csv"]:
        types[row["sentence_type"]] += 1
        assert row["tier"] in {"A", "B", "C", "D"}
        assert row["mappa_level"] in {"", "0", "1", "2", "3"}
        assert {row["recall"], row["immigration_case"], row["early_allocation"]} <= {"true", "false"}
        assert bool(row["com_name"]) == bool(row["com_email"])
        start = day(row["sentence_start_date"])
        assert start <= END
        if row["sentence_type"] == "determinate":
            assert not row["tariff_expiry_date"]
            release_dates = ("parole_eligibility_date", "automatic_release_date", "conditional_release_date")
            # A few in custody wait for their release dates to be calculated (release_date_unknown).
            assert any(row[column] for column in release_dates) or row["prison_number"] in in_custody
            for column in release_dates:
                assert not row[column] or day(row[column]) > start
        else:
            assert row["tariff_expiry_date"] and not row["automatic_release_date"]
    assert types["determinate"] > types["indeterminate"] > 0
    assert any(row["recall"] == "true" for row in estate["sentences.csv"])
    assert any(row["com_name"] for row in estate["sentences.csv"])


# Allocations and sessions: the rules load_omic applies


def test_allocations_obey_the_key_work_rules(estate, prisons, staff, spells):
    keys = set()
    by_prisoner = defaultdict(list)
    for row in estate["allocations.csv"]:
        key = (row["prison_number"], row["start_date"])
        assert key not in keys
        keys.add(key)
        start, end = day(row["start_date"]), day(row["end_date"])
        assert end is None or start < end <= END
        last = (end or END + dt.timedelta(days=1)) - dt.timedelta(days=1)
        prison = prisons[row["prison_code"]]
        assert prison["estate"] == "male_closed"
        assert day(prison["key_work_start_date"]) <= start
        member = staff[row["staff_id"]]
        assert member["prison_code"] == row["prison_code"]
        assert in_post_and_trained(member, start, last), row
        if end is None:
            assert not member["in_post_to"]
        assert any(
            reception <= start and (end or OPEN) <= release
            for reception, release in spells[row["prison_number"], row["prison_code"]]
        ), row
        by_prisoner[row["prison_number"]].append((start, end or OPEN))
    for intervals in by_prisoner.values():
        intervals.sort()
        assert all(a[1] <= b[0] for a, b in zip(intervals, intervals[1:], strict=False))
        assert sum(1 for _, end in intervals if end is OPEN) <= 1


def test_caseloads_about_six(estate):
    on_day = END - dt.timedelta(days=3)
    caseload = Counter(
        row["staff_id"]
        for row in estate["allocations.csv"]
        if day(row["start_date"]) <= on_day < (day(row["end_date"]) or OPEN)
    )
    average = sum(caseload.values()) / len(caseload)
    assert 3 <= average <= 7.5
    assert max(caseload.values()) <= 12


def test_sessions_obey_what_the_form_accepts(estate, prisons, staff, spells):
    ids = set()
    for row in estate["sessions.csv"]:
        assert row["session_id"] not in ids
        ids.add(row["session_id"])
        date = day(row["date"])
        assert START <= date <= END
        minutes = row["duration_minutes"]
        assert minutes.isdigit() and 1 <= int(minutes) <= 240
        assert row["kind"] in KINDS
        prison = prisons[row["prison_code"]]
        assert prison["estate"] == "male_closed" and day(prison["key_work_start_date"]) <= date
        member = staff[row["staff_id"]]
        assert member["prison_code"] == row["prison_code"]
        assert in_post_and_trained(member, date, date), row
        at_prison = spells[row["prison_number"], row["prison_code"]]
        assert any(reception <= date < release for reception, release in at_prison), row
    assert {row["kind"] for row in estate["sessions.csv"]} == KINDS


def test_sessions_mostly_by_the_allocated_key_worker_with_some_cover(estate):
    allocated = defaultdict(list)
    for row in estate["allocations.csv"]:
        interval = (day(row["start_date"]), day(row["end_date"]) or OPEN)
        allocated[row["prison_number"]].append((*interval, row["staff_id"]))
    by_key_worker = cover = 0
    for row in estate["sessions.csv"]:
        date = day(row["date"])
        worker = next((s for a, b, s in allocated[row["prison_number"]] if a <= date < b), None)
        if worker == row["staff_id"]:
            by_key_worker += 1
        else:
            cover += 1
    assert by_key_worker > 3 * cover > 0


def test_delivery_averages_a_plausible_45_minutes_with_some_prisoners_behind(estate, prisons):
    rolled_out = {
        code
        for code, p in prisons.items()
        if p["estate"] == "male_closed" and (day(p["key_work_start_date"]) or OPEN) <= START
    }
    mondays = [START + dt.timedelta(days=7 * week) for week in range(WEEKS)]
    custody_days = 0
    whole_weeks = set()  # (prisoner, prison, Monday) in custody there all week
    for row in estate["prisoners.csv"]:
        if row["prison_code"] not in rolled_out:
            continue
        first = max(day(row["reception_date"]), START)
        stop = min(day(row["release_date"]) or OPEN, END + dt.timedelta(days=1))
        custody_days += max(0, (stop - first).days)
        whole_weeks.update(
            (row["prison_number"], row["prison_code"], monday)
            for monday in mondays
            if first <= monday and monday + dt.timedelta(days=7) <= stop
        )
    minutes = 0
    weeks_seen = set()
    for row in estate["sessions.csv"]:
        if row["prison_code"] in rolled_out:
            minutes += int(row["duration_minutes"])
            date = day(row["date"])
            monday = date - dt.timedelta(days=date.weekday())
            weeks_seen.add((row["prison_number"], row["prison_code"], monday))
    per_prisoner_week = minutes / (custody_days / 7)
    assert 25 <= per_prisoner_week <= 60
    unseen = whole_weeks - weeks_seen
    assert 0.05 * len(whole_weeks) < len(unseen) < 0.6 * len(whole_weeks), "some get no session some weeks"


def test_no_sessions_before_key_work_starts(estate, prisons):
    late = {
        code
        for code, p in prisons.items()
        if p["estate"] == "male_closed"
        and (not p["key_work_start_date"] or day(p["key_work_start_date"]) > START)
    }
    assert late
    for row in estate["sessions.csv"]:
        if row["prison_code"] in late:
            # A prison without a start date has no sessions at all: "" <= any date would pass.
            start = prisons[row["prison_code"]]["key_work_start_date"]
            assert start and start <= row["date"], row
