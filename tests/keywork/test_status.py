"""Is key work on (keywork.md): the readable rule, keywork.status, against the engine's own
copy in SQL (keywork.compliance.sql, the one that runs). On random staffing -- Band 3 staff
(and others) with random FTE, in-post and training dates, random benchmarks, key work start
dates and estates -- every stored prison-week must say what keywork.status says."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keywork import compliance, selectors, status
from keywork.models import PrisonWeek
from omic.models import Benchmark, Estate, Prison, StaffMember

MON = dt.date(2025, 3, 3)  # a Monday
WEEKS = 4
MONDAYS = [MON + dt.timedelta(weeks=i) for i in range(WEEKS)]
LAST_DAY = WEEKS * 7 - 1


def d(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


# Offsets from MON in days; most dates fall in or near the four weeks, so that they decide
# some Mondays one way and some the other.
long_ago = st.just(-400)
near = st.integers(-10, LAST_DAY + 3)
fte = st.sampled_from(["0.50", "1.00", "0.00", "2.00", "1.30"])
staff_member = st.fixed_dictionaries(
    {
        "band": st.sampled_from([3, 3, 3, 4]),
        "fte": st.sampled_from(["1.00", "0.50", "0.80", "0.01"]),
        "in_post_from": st.one_of(long_ago, near),
        "days_in_post": st.one_of(st.none(), st.integers(1, 40)),
        "trained": st.one_of(long_ago, st.none(), near),
    }
)
any_prison = st.fixed_dictionaries(
    {
        "estate": st.sampled_from(Estate.values),
        "key_work_start": st.one_of(long_ago, st.none(), near),
        # one benchmark per date
        "benchmarks": st.dictionaries(st.one_of(long_ago, near), fte, max_size=2),
        "staff": st.lists(staff_member, max_size=4),
    }
)


def mostly(usual, other, *, in_four: int = 3):
    """`usual` about `in_four` times in four, else `other` (one_of would pick evenly)."""
    return st.integers(0, 3).flatmap(lambda i: usual if i < in_four else other)


# On needs all five conditions at once, which random values seldom meet: a prison staffed for
# key work (its Band 3 in post, trained and above a modest benchmark from long ago), whose
# start date, a joiner, a leaver, a late training date or a new benchmark may still turn
# some of its weeks off.
staffed_member = st.fixed_dictionaries(
    {
        "band": st.just(3),
        "fte": st.sampled_from(["1.00", "0.80"]),
        "in_post_from": mostly(long_ago, near),
        "days_in_post": mostly(st.none(), st.integers(1, 40)),
        "trained": mostly(long_ago, near),
    }
)
staffed_prison = st.fixed_dictionaries(
    {
        "estate": st.just(Estate.MALE_CLOSED),
        "key_work_start": mostly(long_ago, near),
        "benchmarks": st.builds(
            lambda base, change: {**change, -400: base},
            st.sampled_from(["0.00", "0.50", "1.00"]),
            st.dictionaries(near, fte, max_size=1),
        ),
        "staff": st.lists(staffed_member, min_size=1, max_size=4),
    }
)
prison = mostly(staffed_prison, any_prison, in_four=2)


def build(prisons: list[dict]) -> None:
    for n, p in enumerate(prisons):
        code = f"ST{chr(65 + n)}"
        row = Prison.objects.create(
            code=code,
            name=code,
            estate=p["estate"],
            country="england",
            key_work_start_date=None if p["key_work_start"] is None else d(p["key_work_start"]),
        )
        for offset, fte in p["benchmarks"].items():
            Benchmark.objects.create(prison=row, effective_from=d(offset), band3_benchmark_fte=Decimal(fte))
        for i, s in enumerate(p["staff"]):
            StaffMember.objects.create(
                staff_id=f"{code}{i}",
                prison=row,
                band=s["band"],
                role="officer",
                fte=Decimal(s["fte"]),
                in_post_from=d(s["in_post_from"]),
                in_post_to=None if s["days_in_post"] is None else d(s["in_post_from"] + s["days_in_post"]),
                key_worker_trained_on=None if s["trained"] is None else d(s["trained"]),
            )


def readable_rule(p: dict, code: str, monday: dt.date) -> tuple[list[str], status.Band3Staffing]:
    """keywork.status's answer from the drawn values themselves (no query)."""
    row = Prison(
        code=code,
        estate=p["estate"],
        key_work_start_date=None if p["key_work_start"] is None else d(p["key_work_start"]),
    )
    band3 = [
        StaffMember(
            fte=Decimal(s["fte"]),
            in_post_from=d(s["in_post_from"]),
            in_post_to=None if s["days_in_post"] is None else d(s["in_post_from"] + s["days_in_post"]),
            key_worker_trained_on=None if s["trained"] is None else d(s["trained"]),
        )
        for s in p["staff"]
        if s["band"] == 3
    ]
    effective = [(d(offset), fte) for offset, fte in p["benchmarks"].items() if d(offset) <= monday]
    benchmark = Decimal(max(effective)[1]) if effective else None
    return status.suspension_reasons(row, monday, band3, benchmark), status.band3_staffing(monday, band3)


def test_the_engine_and_the_readable_rule_agree_on_random_staffing(db):
    seen: Counter = Counter()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(prisons=st.lists(prison, min_size=1, max_size=3))
    def agree(prisons):
        with transaction.atomic():
            build(prisons)
            compliance.recompute(week_from=MONDAYS[0], week_to=MONDAYS[-1])
            stored = {(w.prison_id, w.week_start): w for w in PrisonWeek.objects.all()}
            rows = Prison.objects.in_bulk()
            assert len(stored) == len(prisons) * WEEKS
            for n, p in enumerate(prisons):
                code = f"ST{chr(65 + n)}"
                # the wing page reads every week of its window at once (one staff read in all)
                by_week = selectors.suspension_reasons_by_week(rows[code], MONDAYS)
                for monday in MONDAYS:
                    reasons, staffing = readable_rule(p, code, monday)
                    week = stored[(code, monday)]
                    assert list(week.suspension_reasons) == reasons, (code, monday)
                    assert week.key_work_enabled == (not reasons), (code, monday)
                    # the same rule on the inputs the session form reads for its warning
                    assert selectors.suspension_reasons_for_week(rows[code], monday) == reasons
                    assert by_week[monday] == reasons, (code, monday)
                    assert (week.band3_in_post, week.band3_in_post_fte, week.band3_untrained) == (
                        staffing.in_post,
                        staffing.in_post_fte,
                        staffing.untrained,
                    )
                    seen["on" if not reasons else "suspended"] += 1
                    seen.update(reasons)
            transaction.set_rollback(True)

    agree()

    # The comparison means something only if both answers, and every reason, came up often.
    weeks = seen["on"] + seen["suspended"]
    assert seen["on"] >= weeks // 10, seen
    assert seen["suspended"] >= weeks // 10, seen
    for code in status.SUSPENSION_REASONS:
        assert seen[code] >= 5, (code, seen)
