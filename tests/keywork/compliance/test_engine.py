"""The compliance engine against keywork.md, table-driven edges: custody days, the benchmark and
suspension, entitlement, the key worker shown. Its write paths and the property test against the
day-by-day reference are test_engine_write_paths.py."""

import datetime as dt
from decimal import Decimal

import pytest

from keywork import compliance
from keywork.models import PrisonerWeek, PrisonWeek
from omic.models import Benchmark, CustodySpell, StaffMember
from tests import factories

MON = dt.date(2025, 3, 3)  # a Monday
SUN = MON + dt.timedelta(days=6)


def d(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def run(week=MON, **kwargs):
    compliance.recompute(week_from=week, week_to=week, **kwargs)
    return PrisonWeek.objects.get(prison_id="KWA", week_start=week)


def prisoner_week(number, week=MON):
    return PrisonerWeek.objects.get(prison_id="KWA", week_start=week, prisoner_id=number)


@pytest.mark.parametrize(
    ("reception", "release", "days"),
    [
        (d(6), None, 1),  # received on the Sunday
        (d(-10), d(0), 0),  # released on the Monday: the release day is not a custody day
        (d(-10), d(1), 1),  # released on the Tuesday
        (d(2), d(5), 3),  # in and out mid-week
        (d(-30), None, 7),
    ],
)
def test_custody_days_count_the_half_open_spell(prison, reception, release, days):
    factories.CustodySpellFactory(
        prisoner__prison_number="A1111AA", prison=prison, reception_date=reception, release_date=release
    )
    week = run()
    assert week.custody_days == days
    assert week.prisoners == (1 if days else 0)
    assert PrisonerWeek.objects.filter(prisoner_id="A1111AA", week_start=MON).count() == (1 if days else 0)


def test_transfer_mid_week_counts_no_day_twice(prison):
    other = factories.PrisonFactory(code="KWB")
    prisoner = factories.PrisonerFactory(prison_number="A2222BB")
    factories.CustodySpellFactory(prisoner=prisoner, prison=prison, reception_date=d(-20), release_date=d(3))
    factories.CustodySpellFactory(prisoner=prisoner, prison=other, reception_date=d(3), release_date=None)
    compliance.recompute(week_from=MON, week_to=MON)
    here = PrisonerWeek.objects.get(prison_id="KWA", week_start=MON)
    there = PrisonerWeek.objects.get(prison_id="KWB", week_start=MON)
    assert (here.custody_days, there.custody_days) == (3, 4)
    assert here.at_week_end is False and there.at_week_end is True


@pytest.mark.parametrize(
    ("staff_fte", "benchmark", "enabled", "reasons"),
    [
        (["1.00"], "1.00", True, []),  # met exactly
        (["0.50", "0.49"], "1.00", False, ["below_benchmark"]),  # missed by 0.01 FTE
        (["0.60", "0.40"], "1.00", True, []),  # part-time officers add up
        (["1.00"], None, False, ["no_benchmark"]),  # no_benchmark is not also below_benchmark
    ],
)
def test_benchmark_decides_whether_key_work_runs(db, staff_fte, benchmark, enabled, reasons):
    prison = factories.PrisonFactory(code="KWA")
    if benchmark:
        factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal(benchmark))
    for i, fte in enumerate(staff_fte):
        factories.StaffMemberFactory(staff_id=f"F{i}", prison=prison, fte=Decimal(fte))
    factories.CustodySpellFactory(prisoner__prison_number="A3333CC", prison=prison, reception_date=d(-5))
    week = run()
    assert week.key_work_enabled is enabled
    assert list(week.suspension_reasons) == reasons
    assert week.entitled_sevenths == (45 * 7 if enabled else 0)


@pytest.mark.parametrize(("trained_on", "enabled"), [(d(0), True), (d(1), False), (None, False)])
def test_officer_trained_on_the_monday_counts_as_trained(prison, trained_on, enabled):
    StaffMember.objects.filter(pk="KW1").update(key_worker_trained_on=trained_on)
    week = run()
    assert week.key_work_enabled is enabled
    assert week.band3_untrained == (0 if enabled else 1)


def test_staff_leaving_on_the_monday_is_not_in_post(prison):
    factories.StaffMemberFactory(staff_id="KW2", prison=prison, in_post_to=d(0), key_worker_trained_on=None)
    week = run()
    assert week.band3_in_post == 1
    assert week.band3_untrained == 0
    assert week.key_work_enabled is True


def test_every_suspension_reason_in_order(db):
    prison = factories.PrisonFactory(code="KWA", estate="male_open", key_work_start_date=d(7))
    factories.BenchmarkFactory(prison=prison, effective_from=d(-7), band3_benchmark_fte=Decimal("2.00"))
    factories.StaffMemberFactory(staff_id="U1", prison=prison, key_worker_trained_on=None)
    week = run()
    assert list(week.suspension_reasons) == [
        "not_male_closed_estate",
        "not_rolled_out",
        "below_benchmark",
        "untrained_band3",
    ]


def test_sessions_in_a_suspended_week_count_as_delivered(prison):
    Benchmark.objects.filter(prison=prison).update(band3_benchmark_fte=Decimal("5.00"))
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A4444DD", prison=prison, reception_date=d(-5)
    )
    factories.SessionFactory(
        prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", date=d(2), duration_minutes=30
    )
    week = run()
    assert week.key_work_enabled is False
    assert (week.delivered_minutes, week.sessions, week.entitled_sevenths) == (30, 1, 0)
    assert week.prisoners_met_entitlement == 0


def test_met_entitlement_needs_delivered_at_least_entitled(prison):
    # 3 custody days: entitled 45 × 3 / 7 = 19.29 minutes. 19 is short, 20 meets it.
    for number, minutes in (("A5555EE", 19), ("A6666FF", 20)):
        spell = factories.CustodySpellFactory(
            prisoner__prison_number=number, prison=prison, reception_date=d(4)
        )
        factories.SessionFactory(
            prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", date=d(5), duration_minutes=minutes
        )
    week = run()
    assert not prisoner_week("A5555EE").met_entitlement
    assert prisoner_week("A6666FF").met_entitlement
    assert week.prisoners_met_entitlement == 1
    assert week.entitled_sevenths == 2 * 45 * 3


def test_key_worker_shown_is_the_one_on_the_last_custody_day(prison):
    factories.StaffMemberFactory(staff_id="KW2", prison=prison)
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A7777GG", prison=prison, reception_date=d(-20), release_date=d(5)
    )
    factories.KeyWorkerAllocationFactory(
        prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", start_date=d(-20), end_date=d(3)
    )
    factories.KeyWorkerAllocationFactory(
        prisoner=spell.prisoner, prison=prison, key_worker_id="KW2", start_date=d(3)
    )
    week = run()
    assert prisoner_week("A7777GG").key_worker_id == "KW2"
    # Released on the Saturday: not counted at week end.
    assert (week.prisoners_at_week_end, week.prisoners_with_key_worker) == (0, 0)


def test_recompute_removes_rows_that_no_longer_apply(prison):
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A8888HH", prison=prison, reception_date=d(-5)
    )
    session = factories.SessionFactory(prisoner=spell.prisoner, prison=prison, key_worker_id="KW1", date=d(1))
    run()
    assert prisoner_week("A8888HH").delivered_minutes == 45
    session.delete()
    CustodySpell.objects.filter(pk=spell.pk).update(reception_date=d(14))
    week = run()
    assert not PrisonerWeek.objects.filter(prisoner_id="A8888HH").exists()
    assert (week.prisoners, week.delivered_minutes) == (0, 0)


def test_sessions_not_held_are_counted_by_reason_and_never_delivered(prison):
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="A9999JJ", prison=prison, reception_date=d(-5)
    )
    for reason in ("staff_redeployed", "staff_redeployed", "prisoner_refused"):
        factories.SessionNotHeldFactory(prisoner=spell.prisoner, prison=prison, date=d(1), reason=reason)
    week = run()
    assert (week.not_held_staff_redeployed, week.not_held_prisoner_refused, week.delivered_minutes) == (
        2,
        1,
        0,
    )


def test_every_prison_gets_a_row_for_every_week_whatever_its_estate(db):
    factories.PrisonFactory(code="FEM", estate="female")
    factories.PrisonFactory(code="YOI", estate="youth_custody", key_work_start_date=None)
    compliance.recompute(week_from=MON, week_to=MON + dt.timedelta(days=14))
    assert PrisonWeek.objects.count() == 6
    assert set(PrisonWeek.objects.get(prison_id="YOI", week_start=MON).suspension_reasons) == {
        "not_male_closed_estate",
        "not_rolled_out",
        "no_benchmark",
    }
