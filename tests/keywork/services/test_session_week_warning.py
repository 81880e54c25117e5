"""Is key work on for a prison in a week? (keywork.md): the pure rule, keywork.status, and the
warning the session form shows with it, services.session_week_warning."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from keywork import services, status
from omic.models import Estate
from tests.factories import BenchmarkFactory, StaffMemberFactory
from tests.keywork.services.test_sessions import MONDAY, TUESDAY


def staff_row(fte="1.00", in_post_from=dt.date(2018, 1, 1), in_post_to=None, trained=dt.date(2018, 6, 1)):
    return SimpleNamespace(
        fte=Decimal(fte), in_post_from=in_post_from, in_post_to=in_post_to, key_worker_trained_on=trained
    )


def prison_settings(estate=Estate.MALE_CLOSED, start=dt.date(2019, 1, 7)):
    return SimpleNamespace(estate=estate, key_work_start_date=start)


OFFICER = staff_row()  # full time, in post and trained


def week(case, rows, benchmark, reasons, prison=None):
    """A case of the rule: a prison (by default male closed, key work on since 7 January 2019)
    with these staff rows and band 3 benchmark FTE ("2.00", or None) has these reasons."""
    benchmark = None if benchmark is None else Decimal(benchmark)
    return pytest.param(prison or prison_settings(), rows, benchmark, reasons, id=case)


@pytest.mark.parametrize(
    ("prison", "rows", "benchmark", "reasons"),
    [
        week("at_benchmark_is_on", [OFFICER, OFFICER], "2.00", []),
        week("below_benchmark", [OFFICER], "2.00", ["below_benchmark"]),
        week("part_time_fte_summed", [staff_row("0.60"), staff_row("0.40")], "1.00", []),
        week("no_benchmark_not_also_below", [OFFICER], None, ["no_benchmark"]),
        week(
            "other_estate", [OFFICER], "1.00", ["not_male_closed_estate"], prison_settings(Estate.MALE_OPEN)
        ),
        week("no_start", [OFFICER], "1.00", ["not_rolled_out"], prison_settings(start=None)),
        week(
            "starts_midweek_after_monday",
            [OFFICER],
            "1.00",
            ["not_rolled_out"],
            prison_settings(start=TUESDAY),
        ),
        week("starts_on_the_monday", [OFFICER], "1.00", [], prison_settings(start=MONDAY)),
        week("untrained_band3", [OFFICER, staff_row(trained=None)], "1.00", ["untrained_band3"]),
        week("trained_after_the_monday", [OFFICER, staff_row(trained=TUESDAY)], "1.00", ["untrained_band3"]),
        week("trained_on_the_monday", [staff_row(trained=MONDAY)], "1.00", []),
        week(
            "left_post_on_the_monday_not_counted",
            [OFFICER, staff_row(in_post_to=MONDAY, trained=None)],
            "1.00",
            [],
        ),
        week("leaver_fte_not_counted", [OFFICER, staff_row(in_post_to=MONDAY)], "2.00", ["below_benchmark"]),
        week(
            "every_reason_in_order",
            [staff_row(trained=None)],
            "5.00",
            ["not_male_closed_estate", "not_rolled_out", "below_benchmark", "untrained_band3"],
            prison_settings(Estate.FEMALE, start=None),
        ),
        week("zero_benchmark_and_no_staff", [], "0.00", []),
    ],
)
def test_key_work_suspension_reasons_follow_the_rule(prison, rows, benchmark, reasons):
    assert status.suspension_reasons(prison, MONDAY, rows, benchmark) == reasons
    assert status.key_work_enabled(prison, MONDAY, rows, benchmark) is (not reasons)


def test_key_work_status_is_decided_on_a_monday():
    with pytest.raises(ValueError, match="not a Monday"):
        status.suspension_reasons(prison_settings(), TUESDAY, [], Decimal("1"))


def test_week_warning_reads_the_benchmark_effective_on_the_monday_and_band_3_staff(world):
    BenchmarkFactory(prison=world.prison, effective_from=TUESDAY, band3_benchmark_fte=5)
    StaffMemberFactory(staff_id="S4", prison=world.prison, band=4, key_worker_trained_on=None)
    assert services.session_week_warning(world.prison, MONDAY + dt.timedelta(days=6)) == []
    assert services.session_week_warning(world.prison, MONDAY + dt.timedelta(days=7)) == ["below_benchmark"]
    StaffMemberFactory(staff_id="S5", prison=world.prison, key_worker_trained_on=None)
    assert services.session_week_warning(world.prison, MONDAY) == ["untrained_band3"]
