"""Staff: Band 3 officers sized against the benchmark (near it, sometimes below), part-time
and untrained officers, leavers and joiners; Band 4 officers, prison and probation POMs,
managers and other grades."""

from __future__ import annotations

from itertools import accumulate
from random import Random

from . import names
from .days import RECEPTION_WEEKDAYS, pick_day
from .records import FEMALE, MALE_CLOSED, YOUTH_CUSTODY, Estate, Prison, StaffMember

# FTE in hundredths and its weight: most officers work full time.
FTE_CHOICES = (100, 80, 60, 50, 90, 70, 40, 75)
FTE_WEIGHTS = tuple(accumulate((78, 7, 5, 4, 2, 2, 1, 1)))
# Staffing profiles of rolled-out male closed prisons, dealt in this repeating order so that
# even a small estate has each: at/above benchmark and trained; below benchmark; untrained officers.
PROFILE_CYCLE = ("healthy", "short", "training", "healthy", "healthy", "training", "healthy",
                 "short", "healthy", "healthy", "healthy", "training", "healthy", "short", "healthy")
ANNUAL_TURNOVER = 0.09


class StaffBuilder:
    def __init__(self, rng: Random, estate: Estate) -> None:
        self.rng = rng
        self.estate = estate
        self.options = estate.options

    def person(
        self, prison: Prison, band: int, role: str, fte: int, in_post_from: int, hours: str = "39"
    ) -> StaffMember:
        rng = self.rng
        pool = names.MALE_FIRST_NAMES if rng.random() < 0.62 else names.FEMALE_FIRST_NAMES
        member = StaffMember(
            index=len(self.estate.staff),
            staff_id=f"S{len(self.estate.staff) + 1:06d}",
            first_name=pool[rng.randrange(len(pool))],
            last_name=names.LAST_NAMES[rng.randrange(len(names.LAST_NAMES))],
            prison=prison.index,
            band=band,
            role=role,
            fte=fte,
            contracted_hours=hours,
            in_post_from=in_post_from,
        )
        self.estate.staff.append(member)
        return member

    def fte(self) -> int:
        return self.rng.choices(FTE_CHOICES, cum_weights=FTE_WEIGHTS)[0]

    def served_since(self, mean_years: float) -> int:
        """An in-post date before the period (years of service roughly exponential)."""
        back = 30 + min(int(self.rng.expovariate(1 / (mean_years * 365))), 25 * 365)
        latest = self.options.start - back
        return pick_day(self.rng, latest - 6, latest, RECEPTION_WEEKDAYS)

    def leaving_day(self) -> int:
        return pick_day(self.rng, self.options.start + 1, self.options.end, RECEPTION_WEEKDAYS)

    def turnover(self, count: int) -> int:
        expected = count * ANNUAL_TURNOVER * self.options.weeks / 52
        return int(expected * self.rng.uniform(0.5, 1.5) + self.rng.random())


def build_staff(rng: Random, estate: Estate) -> None:
    builder = StaffBuilder(rng, estate)
    order = [p for p in estate.prisons if p.estate == MALE_CLOSED and p.staffing_profile != "not_rolled_out"]
    rng.shuffle(order)
    for position, prison in enumerate(order):
        prison.staffing_profile = PROFILE_CYCLE[position % len(PROFILE_CYCLE)]
    for prison in estate.prisons:
        if prison.estate != MALE_CLOSED:
            prison.staffing_profile = "other_estate"
        _band3_officers(builder, prison)
        _other_staff(builder, prison)


def _peak_benchmark(prison: Prison, start: int, end: int) -> int:
    relevant = [fte for effective_from, fte in prison.benchmarks if start < effective_from <= end]
    current = [fte for effective_from, fte in prison.benchmarks if effective_from <= start]
    if current:
        relevant.append(current[-1])
    return max(relevant) if relevant else prison.benchmarks[0][1]


def _band3_officers(builder: StaffBuilder, prison: Prison) -> None:
    rng, options = builder.rng, builder.options
    profile = prison.staffing_profile
    peak = _peak_benchmark(prison, options.start, options.end)
    level = {
        "healthy": (1.01, 1.07),
        "training": (1.01, 1.07),
        "short": (0.84, 0.93),
        "not_rolled_out": (0.95, 1.05),
    }.get(profile, (0.92, 1.08))
    target = peak * rng.uniform(*level)

    core: list[StaffMember] = []
    total = 0
    while total < target:
        officer = builder.person(prison, 3, "officer", builder.fte(), builder.served_since(7))
        core.append(officer)
        total += officer.fte
    leavers = []
    for _ in range(builder.turnover(len(core))):
        officer = builder.person(prison, 3, "officer", builder.fte(), builder.served_since(5))
        officer.in_post_to = builder.leaving_day()
        leavers.append(officer)
    joiners = []
    for _ in range(builder.turnover(len(core))):
        joined = pick_day(rng, options.start + 1, options.end, (1.0, 0.3, 0.3, 0.3, 0.3, 0.0, 0.0))
        joiners.append(builder.person(prison, 3, "officer", builder.fte(), joined))

    for officers, joined in ((core, False), (leavers, False), (joiners, True)):
        for officer in officers:
            _train(rng, prison, officer, joined, options.start, options.end)
            _status_and_capacity(rng, prison, officer, options.end)
    if profile == "training" and options.start + 7 <= options.end:
        # Long-serving officers still waiting for key worker training: trained during the
        # period, or not at all.
        for position in range(1 + rng.randrange(3)):
            officer = core[rng.randrange(len(core))]
            if position == 0 and rng.random() < 0.4:
                officer.trained_on = None
            else:
                latest = options.start + 7 + (options.end - options.start) * 2 // 3
                officer.trained_on = pick_day(rng, options.start + 7, latest, RECEPTION_WEEKDAYS)


def _train(rng: Random, prison: Prison, officer: StaffMember, joiner: bool, start: int, end: int) -> None:
    profile = prison.staffing_profile
    start_date = prison.key_work_start
    if prison.estate != MALE_CLOSED:
        # Some officers elsewhere trained at a male closed prison before moving.
        if rng.random() < 0.25:
            officer.trained_on = max(officer.in_post_from, start - 200 - rng.randrange(1500))
        return
    if start_date is None:
        if rng.random() < 0.5:
            officer.trained_on = max(officer.in_post_from, start - 30 - rng.randrange(700))
        return
    if joiner:
        if profile == "training" and rng.random() < 0.5:
            trained = officer.in_post_from + 14 + rng.randrange(70)
            officer.trained_on = trained if trained <= end else None
        else:
            officer.trained_on = officer.in_post_from
        return
    trained = max(officer.in_post_from, start_date - rng.randrange(180))
    if profile == "not_rolled_out" and rng.random() < 0.12:
        # Key work starting within the period: a few officers trained only after the start.
        trained = start_date + 7 + rng.randrange(56)
    officer.trained_on = trained if trained <= end else None


def _status_and_capacity(rng: Random, prison: Prison, officer: StaffMember, end: int) -> None:
    if officer.in_post_to is not None:
        officer.status = "inactive" if rng.random() < 0.75 else "active"
    else:
        roll = rng.random()
        if roll < 0.05 or (roll < 0.07 and officer.fte < 100):
            officer.status = "unavailable" if roll < 0.05 else "inactive"
            officer.away_from = max(officer.in_post_from + 1, end - 7 - rng.randrange(84))
    if officer.fte < 100 and rng.random() < 0.7:
        officer.key_worker_capacity = max(1, round(prison.key_worker_capacity * officer.fte / 100))
    elif rng.random() < 0.04:
        officer.key_worker_capacity = (3, 4, 5, 7)[rng.randrange(4)]
    if rng.random() < 0.9:
        officer.wing = prison.wings[rng.randrange(len(prison.wings))]


def _other_staff(builder: StaffBuilder, prison: Prison) -> None:
    rng = builder.rng
    population = prison.average_population
    youth = prison.estate == YOUTH_CUSTODY
    groups = [
        (4, "officer", round(population / 70), "39"),
        (4, "pom", 0 if youth else max(1, round(population / 65)), "39"),
        (4, "probation_pom", 0 if youth else max(1, round(population / 110)), "37"),
        (5, "probation_pom", 0 if youth else int(rng.random() < 0.5), "37"),
        (5, "manager", 2 + round(population / 120), "39"),
        (6, "manager", 1 + round(population / 400), "39"),
        (7, "manager", 1 + round(population / 900), "39"),
        (2, "other", round(population / 60), "37"),
        (4, "other", round(population / 200), "37"),
    ]
    if prison.estate == FEMALE:
        groups.append((4, "other", 1, "37"))  # a women's safety and wellbeing lead
    for band, role, count, hours in groups:
        for _ in range(count):
            fte = builder.fte() if role != "manager" else 100
            member = builder.person(prison, band, role, fte, builder.served_since(6), hours)
            if rng.random() < 0.05:
                member.in_post_to = builder.leaving_day()
                member.status = "inactive"
            elif rng.random() < 0.04:
                member.status = "unavailable"
            if role == "officer" and rng.random() < 0.5:
                member.wing = prison.wings[rng.randrange(len(prison.wings))]
