"""The compliance engine's write paths (rebuild, replace, prisoner, partitions at once, only the
changed rows) against each other and the day-by-day reference in tests/keywork/reference.py,
with a property test over random estates."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keywork import compliance
from keywork.models import KeyWorkerAllocation, PrisonerWeek, Session
from omic.dates import week_start
from omic.models import Benchmark, CustodySpell, Prison, Prisoner, StaffMember
from tests import factories
from tests.keywork.compliance.test_engine import MON, SUN, d, run
from tests.keywork.reference import engine_rows, reference


def test_full_rebuild_swaps_in_the_same_rows_as_the_incremental_path(prison):
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A1212KK", prison=prison, reception_date=d(-60)
    )
    factories.SessionFactory(prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", date=d(-30))
    start, end = d(-70), d(14)
    compliance.recompute(week_from=start, week_to=end, prison_ids=["KWA"])
    before = engine_rows(week_start(start), end)
    result = compliance.recompute(week_from=start, week_to=end)
    assert result.mode == "rebuild"
    assert engine_rows(week_start(start), end) == before
    # The swapped-in table still enforces its primary key.
    with pytest.raises(IntegrityError), transaction.atomic():
        PrisonerWeek.objects.bulk_create(
            [factories.PrisonerWeekFactory.build(prison=prison, week_start=MON, prisoner=spell.prisoner)]
        )


def test_an_estate_recompute_with_nothing_computed_yet_writes_fresh_tables(prison):
    """A first load's open weeks: nothing computed yet, so even two weeks take the rebuild
    path; once rows exist, the same range compares and writes only what changed. Both give
    the reference's rows."""
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A1313KK", prison=prison, reception_date=d(-3)
    )
    factories.SessionFactory(prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", date=d(1))

    first = compliance.recompute(week_from=MON, week_to=d(7))
    assert first.mode == "rebuild"
    assert engine_rows(MON, d(13)) == reference(MON, d(13))

    again = compliance.recompute(week_from=MON, week_to=d(7))
    assert again.mode == "replace"
    assert engine_rows(MON, d(13)) == reference(MON, d(13))
    # a prison's recompute never rebuilds the estate, computed or not
    PrisonerWeek.objects.all().delete()
    assert compliance.recompute(week_from=MON, week_to=MON, prison_ids=["KWA"]).mode == "replace"


def test_prisoner_path_matches_a_full_prison_recompute(prison):
    spells = [
        factories.CustodySpellFactory(
            prisoner__prison_number=f"B{i:04d}AA", prison=prison, reception_date=d(-3 - i)
        )
        for i in range(3)
    ]
    compliance.recompute(week_from=MON, week_to=MON, prison_ids=["KWA"])
    factories.SessionFactory(prisoner=spells[1].prisoner, prison=prison, key_worker_id="KW1", date=d(2))
    result = compliance.recompute(
        week_from=MON, week_to=MON, prison_ids=["KWA"], prisoner_ids=[spells[1].prisoner_id]
    )
    assert result.mode == "prisoner"
    assert engine_rows(MON, SUN) == reference(MON, SUN)


def test_recompute_twice_gives_the_same_rows(prison):
    factories.CustodySpellFactory(prisoner__prison_number="A1313LL", prison=prison, reception_date=d(-3))
    compliance.recompute(week_from=MON, week_to=MON)
    first = engine_rows(MON, SUN)
    compliance.recompute(week_from=MON, week_to=MON)
    assert engine_rows(MON, SUN) == first


# --- property test against the slow reference ------------------------------------------

WINDOW = 28  # days of random dates around the three weeks under test


def dates(lo=-7, hi=WINDOW):
    return st.integers(min_value=lo, max_value=hi).map(d)


@st.composite
def estates(draw):
    prisons = []
    for code in ("PRA", "PRB")[: draw(st.integers(1, 2))]:
        prisons.append(
            {
                "code": code,
                "estate": draw(st.sampled_from(["male_closed", "male_closed", "male_open"])),
                "key_work_start_date": draw(st.one_of(st.none(), dates(-14, 14))),
                "benchmarks": draw(
                    st.lists(
                        st.tuples(dates(-14, 14), st.sampled_from(["0.00", "0.50", "1.00", "1.60"])),
                        max_size=2,
                        unique_by=lambda b: b[0],
                    )
                ),
                "staff": draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(["0.40", "0.60", "1.00"]),  # fte
                            dates(-14, 7),  # in post from
                            st.one_of(st.none(), st.integers(1, 20)),  # days in post
                            st.one_of(st.none(), dates(-14, 14)),  # trained on
                            st.sampled_from([3, 3, 4]),  # band
                        ),
                        max_size=3,
                    )
                ),
            }
        )
    prisoners = []
    for i in range(draw(st.integers(1, 4))):
        # Consecutive non-overlapping spells, possibly at different prisons.
        cursor = draw(st.integers(-10, 10))
        spells = []
        for _ in range(draw(st.integers(1, 3))):
            length = draw(st.one_of(st.none(), st.integers(1, 12)))
            spells.append(
                (
                    draw(st.sampled_from([p["code"] for p in prisons])),
                    d(cursor),
                    None if length is None else d(cursor + length),
                )
            )
            if length is None:
                break
            cursor += length + draw(st.integers(0, 3))
        prisoners.append(
            {
                "number": f"C{i:04d}ZZ",
                "spells": spells,
                "sessions": draw(st.lists(st.tuples(dates(-3, 24), st.integers(1, 240)), max_size=4)),
            }
        )
    return {"prisons": prisons, "prisoners": prisoners}


def build(estate):
    for p in estate["prisons"]:
        prison = Prison.objects.create(
            code=p["code"],
            name=p["code"],
            estate=p["estate"],
            country="england",
            key_work_start_date=p["key_work_start_date"],
        )
        for eff, fte in p["benchmarks"]:
            Benchmark.objects.create(prison=prison, effective_from=eff, band3_benchmark_fte=Decimal(fte))
        for i, (fte, start, length, trained, band) in enumerate(p["staff"]):
            StaffMember.objects.create(
                staff_id=f"{p['code']}{i}",
                prison=prison,
                band=band,
                role="officer",
                fte=Decimal(fte),
                in_post_from=start,
                in_post_to=None if length is None else start + dt.timedelta(days=length),
                key_worker_trained_on=trained,
            )
    staff_by_prison = {
        p["code"]: [f"{p['code']}{i}" for i in range(len(p["staff"]))] for p in estate["prisons"]
    }
    for x in estate["prisoners"]:
        prisoner = Prisoner.objects.create(prison_number=x["number"])
        for code, reception, release in x["spells"]:
            CustodySpell.objects.create(
                prisoner=prisoner, prison_id=code, reception_date=reception, release_date=release
            )
            if staff_by_prison[code]:
                KeyWorkerAllocation.objects.create(
                    prisoner=prisoner,
                    prison_id=code,
                    key_worker_id=staff_by_prison[code][0],
                    start_date=reception,
                    end_date=release,
                )
        for day, minutes in x["sessions"]:
            spell = next((s for s in x["spells"] if s[1] <= day and (s[2] is None or day < s[2])), None)
            if spell and staff_by_prison[spell[0]]:
                Session.objects.create(
                    prisoner=prisoner,
                    prison_id=spell[0],
                    key_worker_id=staff_by_prison[spell[0]][0],
                    date=day,
                    duration_minutes=minutes,
                    kind="other",
                )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(estate=estates())
def test_engine_equals_day_by_day_reference(db, estate):
    with transaction.atomic():
        build(estate)
        last = MON + dt.timedelta(days=14)
        compliance.recompute(week_from=MON, week_to=last)
        prison_rows, prisoner_rows = engine_rows(MON, last)
        expected_prison, expected_prisoner = reference(MON, last)
        assert prisoner_rows == expected_prisoner
        assert prison_rows == expected_prison
        assert all(isinstance(r["entitled"], Fraction) for r in prison_rows.values())
        transaction.set_rollback(True)


def test_a_rebuild_outside_a_transaction_builds_the_partitions_at_once(transactional_db):
    """The production path: each partition is built on a connection of its own, then all
    are swapped in together; the rows equal the slow reference's, and the partitioned
    table keeps its four partitions, keys and indexes, with nothing left behind."""
    from django.db import connection

    codes = ["KWA", "KWB", "KWC", "KWD", "KWE", "KWF"]
    for n, code in enumerate(codes):
        prison = factories.PrisonFactory(code=code, key_work_start_date=dt.date(2019, 1, 7))
        factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal("1.00"))
        factories.StaffMemberFactory(staff_id=f"KW{n}", prison=prison, fte=Decimal("1.00"))
        spell = factories.CustodySpellFactory(
            prisoner__prison_number=f"C{n:04d}AA", prison=prison, reception_date=d(-40 - n)
        )
        factories.SessionFactory(prisoner=spell.prisoner, prison=prison, key_worker_id=f"KW{n}", date=d(-8))
    start, end = d(-70), d(6)

    result = compliance.recompute(week_from=start, week_to=end)

    assert result.mode == "rebuild"
    assert result.prisoner_weeks == PrisonerWeek.objects.count() > 0
    assert engine_rows(week_start(start), end) == reference(week_start(start), end)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid),
                   (SELECT array_agg(i.indexrelid::regclass::text ORDER BY i.indexrelid::regclass::text)
                    FROM pg_index i
                    WHERE i.indrelid = c.oid)
            FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
            WHERE h.inhparent = 'keywork_prisoner_week'::regclass ORDER BY 1
            """
        )
        partitions = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'keywork_prisoner_week%%\\_new%%'")
        (leftovers,) = cursor.fetchone()
    assert [(name, bound) for name, bound, _ in partitions] == [
        (f"keywork_prisoner_week_p{r}", f"FOR VALUES WITH (modulus 4, remainder {r})") for r in range(4)
    ]
    assert [indexes for _, _, indexes in partitions] == [
        [f"keywork_prisoner_week_p{r}_by_prisoner", f"keywork_prisoner_week_p{r}_pkey"] for r in range(4)
    ]
    assert leftovers == 0


def _row_versions():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT prisoner_id, week_start, xmin::text FROM keywork_prisoner_week")
        return {(p, w): x for p, w, x in cursor.fetchall()}


def test_a_recompute_rewrites_only_the_rows_that_changed(prison):
    """The nightly path compares before it writes: an unchanged prisoner-week keeps its row
    version; a changed one is rewritten, a new one added and one that no longer applies
    removed."""
    _, changes, leaves = (
        factories.CustodySpellFactory(prisoner__prison_number=n, prison=prison, reception_date=d(-20))
        for n in ("D1111AA", "D2222AA", "D3333AA")
    )
    run(MON - dt.timedelta(days=7))
    run()
    before = _row_versions()

    factories.SessionFactory(prisoner=changes.prisoner, prison=prison, key_worker_id="KW1", date=d(1))
    leaves.delete()
    newcomer = factories.CustodySpellFactory(
        prisoner__prison_number="D4444AA", prison=prison, reception_date=d(2)
    )
    compliance.recompute(week_from=MON - dt.timedelta(days=7), week_to=MON)
    after = _row_versions()

    assert after[("D1111AA", MON)] == before[("D1111AA", MON)]
    assert after[("D2222AA", MON - dt.timedelta(days=7))] == before[("D2222AA", MON - dt.timedelta(days=7))]
    assert after[("D2222AA", MON)] != before[("D2222AA", MON)]
    assert ("D3333AA", MON) not in after and (newcomer.prisoner_id, MON) in after
    assert engine_rows(MON - dt.timedelta(days=7), SUN) == reference(MON - dt.timedelta(days=7), SUN)
