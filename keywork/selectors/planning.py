"""The planning page's reads (keywork.md "Staffing demand", "TSF forecast"): one prison's
Band 3 staff, benchmarks and prisoners in custody today — three queries whatever its size."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from keywork.insight.forecast import Forecast, forecast
from omic import dates
from omic.models import Band3, Benchmark, CustodySpell, Prison, StaffMember

KEY_WORK_HOURS_PER_PRISONER = Decimal("0.75")  # 45 minutes a week
TARGET_CASELOAD = 6


@dataclass(frozen=True)
class StaffingDemand:
    prisoners: int
    hours_needed: Decimal
    band3_fte: Decimal
    hours_available: Decimal
    key_workers_needed: int
    benchmark: Decimal | None

    @property
    def tsf_gap(self) -> Decimal | None:
        return None if self.benchmark is None else self.band3_fte - self.benchmark


def planning(prison: Prison, today: dt.date) -> tuple[StaffingDemand, Forecast]:
    staff = list(
        StaffMember.objects.filter(prison=prison, band=Band3.KEY_WORKER_BAND).only(
            "staff_id", "first_name", "last_name", "fte", "contracted_hours", "in_post_from", "in_post_to",
            "key_worker_trained_on",
        )
    )  # fmt: skip
    benchmarks = list(
        Benchmark.objects.filter(prison=prison).values_list("effective_from", "band3_benchmark_fte")
    )
    prisoners = CustodySpell.objects.filter(dates.in_custody_on(today), prison=prison).count()
    in_post = [s for s in staff if s.is_in_post_on(today)]
    fte = sum((s.fte for s in in_post), Decimal(0))
    hours = sum((s.fte * s.contracted_hours for s in in_post), Decimal(0))
    in_force = [fte_ for day, fte_ in sorted(benchmarks) if day <= today]
    demand = StaffingDemand(
        prisoners=prisoners,
        hours_needed=prisoners * KEY_WORK_HOURS_PER_PRISONER,
        band3_fte=fte,
        hours_available=hours,
        key_workers_needed=math.ceil(prisoners / TARGET_CASELOAD),
        benchmark=in_force[-1] if in_force else None,
    )
    return demand, forecast(prison, staff, benchmarks, today)
