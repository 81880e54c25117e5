"""Prisons, their wings and their Band 3 benchmarks (the Target Staffing Figure)."""

from __future__ import annotations

import datetime as dt
from random import Random

from . import names
from .records import ESTATES, FEMALE, MALE_CLOSED, MALE_OPEN, YOUTH_CUSTODY, Estate, Options, Prison

# Shares of the estate (the real one has roughly 90 male closed establishments of ~120).
ESTATE_SHARES = {MALE_OPEN: 0.11, FEMALE: 0.10, YOUTH_CUSTODY: 0.05}
POOLS = {
    MALE_CLOSED: names.MALE_CLOSED_PRISONS,
    MALE_OPEN: names.MALE_OPEN_PRISONS,
    FEMALE: names.FEMALE_PRISONS,
    YOUTH_CUSTODY: names.YOUTH_CUSTODY_PRISONS,
}
# (low, high, mode) of a prison's size, in prisoners.
SIZES = {
    MALE_CLOSED: (180, 1700, 650),
    MALE_OPEN: (200, 600, 350),
    FEMALE: (120, 560, 320),
    YOUTH_CUSTODY: (50, 200, 100),
}
# Band 3 benchmark FTE per prisoner in the population (youth custody is staffed far more richly).
BENCHMARK_RATIO = {
    MALE_CLOSED: (0.14, 0.18),
    MALE_OPEN: (0.07, 0.10),
    FEMALE: (0.19, 0.25),
    YOUTH_CUSTODY: (0.55, 0.8),
}
WING_LETTERS = "ABCDEFGHIJKL"


def ordinal(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


def estate_counts(total: int) -> dict[str, int]:
    """How many prisons of each estate: every estate present from four prisons up."""
    if total < 4:
        order = (MALE_CLOSED, FEMALE, MALE_OPEN)
        return {estate: int(estate in order[:total]) for estate in ESTATES}
    counts = {estate: max(1, round(total * share)) for estate, share in ESTATE_SHARES.items()}
    counts[MALE_CLOSED] = total - sum(counts.values())
    return {estate: counts[estate] for estate in ESTATES}


def _names_for(rng: Random, estate: str, count: int) -> list[tuple[str, str]]:
    pool = list(POOLS[estate])
    if estate == MALE_CLOSED:
        # Keep at least one Welsh establishment even in a small estate.
        welsh = [place for place in pool if place[1] == "wales"]
        first = welsh[rng.randrange(len(welsh))]
        pool.remove(first)
        rng.shuffle(pool)
        pool.insert(0, first)
    else:
        rng.shuffle(pool)
    spare = [(place, "england") for place in names.SPARE_PLACE_NAMES]
    rng.shuffle(spare)
    chosen = pool[:count]
    number = 2
    while len(chosen) < count:
        if spare:
            chosen.append(spare.pop())
        else:
            chosen.append((f"{pool[len(chosen) % len(pool)][0]} {number}", "england"))
            number += 1
    return chosen


def _code_for(place: str, taken: set[str]) -> str:
    """Three capitals in the style of the national systems' agency codes (LEI, BMI, CFI)."""
    letters = [c for c in place.upper() if "A" <= c <= "Z"]
    candidates = [letters[0] + letters[1] + "I"]
    candidates += [letters[0] + c + "I" for c in letters[2:]]
    candidates += [letters[0] + letters[1] + c for c in letters[2:]]
    candidates += [letters[0] + chr(65 + a) + chr(65 + b) for a in range(26) for b in range(26)]
    for code in candidates:
        if code not in taken:
            taken.add(code)
            return code
    raise ValueError("no three-letter code left")  # 17,576 codes: not reachable in practice


def _title(estate: str, place: str) -> str:
    return f"HMYOI {place}" if estate == YOUTH_CUSTODY else f"HMP {place}"


def build_prisons(rng: Random, options: Options) -> list[Prison]:
    counts = estate_counts(options.prisons)
    taken: set[str] = set()
    prisons: list[Prison] = []
    for estate in ESTATES:
        for place, country in _names_for(rng, estate, counts[estate]):
            low, high, mode = SIZES[estate]
            size = int(rng.triangular(low, high, mode))
            prisons.append(
                Prison(
                    index=0,
                    code=_code_for(place, taken),
                    name=_title(estate, place),
                    estate=estate,
                    country=country,
                    size=size,
                )
            )
    prisons.sort(key=lambda p: p.code)
    for index, prison in enumerate(prisons):
        prison.index = index
        _settings(rng, prison, options)
        prison.wings = list(WING_LETTERS[: _wing_count(rng, prison)])
    _key_work_rollout(rng, [p for p in prisons if p.estate == MALE_CLOSED], options)
    return prisons


def _wing_count(rng: Random, prison: Prison) -> int:
    if prison.estate == MALE_CLOSED:
        return max(4, min(12, 3 + prison.size // 150 + rng.randrange(-1, 2)))
    return 4 + rng.randrange(3)


def _settings(rng: Random, prison: Prison, options: Options) -> None:
    roll = rng.random()
    prison.key_worker_capacity = 6 if roll < 0.8 else 5 if roll < 0.88 else 7 if roll < 0.95 else 8
    roll = rng.random()
    if prison.estate == YOUTH_CUSTODY or roll < 0.15:
        return
    prison.pom_model = "operational" if roll < 0.6 else "non_operational"
    # OMiC phase 2 went live in Wales first (2019), then across England (2020–2021).
    first, last = (ordinal(2019, 4, 1), ordinal(2019, 12, 31)) if prison.country == "wales" else (
        ordinal(2020, 1, 6), ordinal(2021, 6, 30))
    chosen = first + rng.randrange(last - first + 1)
    if chosen > options.end:
        prison.pom_model = ""
        return
    prison.pom_model_chosen_on = chosen


def _key_work_rollout(rng: Random, closed: list[Prison], options: Options) -> None:
    """About 15 prisons in 2018, the rest by summer 2019; a few not yet rolled out."""
    order = closed[:]
    rng.shuffle(order)
    late = max(1, round(len(order) * 0.05)) if len(order) >= 4 else 0
    early = max(1, round(len(order) * 15 / 90))
    for position, prison in enumerate(order):
        if position >= len(order) - late:
            prison.staffing_profile = "not_rolled_out"
            # Half not started at all; half starting within the data period.
            if position % 2 == 0 and options.weeks >= 3:
                monday = options.start + 7 * (options.weeks // 3 + rng.randrange(max(1, options.weeks // 3)))
                prison.key_work_start = monday
            continue
        if position < early:
            first, last = ordinal(2018, 2, 5), ordinal(2018, 12, 17)
        else:
            first, last = ordinal(2019, 1, 7), ordinal(2019, 7, 29)
        prison.key_work_start = first + 7 * rng.randrange((last - first) // 7 + 1)


def set_population_and_benchmarks(rng: Random, estate: Estate) -> None:
    """Average population over the period from the spells, then benchmarks sized to it:
    one effective date for most prisons, a revision (up or down) for some."""
    options = estate.options
    days = options.end - options.start + 1
    custody_days = [0] * len(estate.prisons)
    for spell in estate.spells:
        first = max(spell.reception, options.start)
        last = min(spell.release - 1 if spell.release is not None else options.end, options.end)
        if last >= first:
            custody_days[spell.prison] += last - first + 1
    for prison in estate.prisons:
        prison.average_population = custody_days[prison.index] / days
        low, high = BENCHMARK_RATIO[prison.estate]
        fte = max(300, round(prison.average_population * rng.uniform(low, high) * 100))
        month = 4 + rng.randrange(10)  # the first of a month, April 2017 to January 2018
        first_from = ordinal(2017 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        if prison.key_work_start is not None:
            first_from = min(first_from, prison.key_work_start)
        prison.benchmarks = [(first_from, fte)]
        if rng.random() < 0.4:
            # A revision on the first of a month in the year before the end of the data.
            revised = dt.date.fromordinal(options.end - rng.randrange(365))
            revised_from = revised.replace(day=1).toordinal()
            if revised_from > first_from:
                prison.benchmarks.append((revised_from, max(300, round(fte * rng.uniform(0.94, 1.07)))))


def benchmark_on(prison: Prison, day: int) -> int | None:
    current = None
    for effective_from, fte in prison.benchmarks:
        if effective_from <= day:
            current = fte
    return current
