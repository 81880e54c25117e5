"""Prisoners and their custody spells: in custody throughout, received, released, received
and released, released and received again, and transferred mid-week (one spell ends on
day d and the next, at another prison, starts on d). Spells never overlap."""

from __future__ import annotations

from itertools import accumulate
from random import Random

from . import names
from .days import RECEPTION_WEEKDAYS, RELEASE_WEEKDAYS, TRANSFER_WEEKDAYS, pick_day
from .records import FEMALE, MALE_CLOSED, MALE_OPEN, YOUTH_CUSTODY, Estate, Prison, Prisoner, Spell

# Patterns of a prisoner's custody against the period, with their shares for a year of
# data (turnover scales with the period; the rest are in custody throughout). A year's
# population is mostly the same people: ~85,000 distinct prisoners, ~77,000 at any time.
PATTERN_SHARES = (("received", 0.06), ("released", 0.06), ("in_and_out", 0.03), ("returning", 0.02))
TRANSFER_CHANCE = {MALE_CLOSED: 0.14, MALE_OPEN: 0.08, FEMALE: 0.06, YOUTH_CUSTODY: 0.08}
DAYS_PER_YEAR = 365.25


class Destinations:
    """Where a prisoner may be transferred or received: same sex, adult or youth estate,
    weighted by prison size."""

    def __init__(self, prisons: list[Prison]) -> None:
        self.by_estate: dict[str, tuple[list[int], list[float]]] = {}
        for estate in (MALE_CLOSED, MALE_OPEN, FEMALE, YOUTH_CUSTODY):
            members = [p for p in prisons if p.estate == estate]
            self.by_estate[estate] = ([p.index for p in members], list(accumulate(p.size for p in members)))

    def pick(self, rng: Random, estate: str, avoid: int) -> int | None:
        indexes, weights = self.by_estate[estate]
        if not indexes or indexes == [avoid]:
            return None
        for _ in range(8):
            choice = rng.choices(indexes, cum_weights=weights)[0]
            if choice != avoid:
                return choice
        return next(i for i in indexes if i != avoid)

    def transfer(self, rng: Random, from_estate: str, avoid: int, adult: bool) -> int | None:
        if from_estate == FEMALE:
            return self.pick(rng, FEMALE, avoid)
        if from_estate == YOUTH_CUSTODY and not adult:
            return self.pick(rng, YOUTH_CUSTODY, avoid)
        # Adult men: mostly between closed prisons, some progress to (or return from) open ones.
        target = MALE_OPEN if from_estate == MALE_CLOSED and rng.random() < 0.15 else MALE_CLOSED
        return self.pick(rng, target, avoid) or self.pick(rng, MALE_CLOSED, avoid)


def _shares(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder, ties by position)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _prison_number(rng: Random, taken: set[str]) -> str:
    while True:
        letter = "G" if rng.random() < 0.7 else "A"
        suffix = chr(65 + rng.randrange(26)) + chr(65 + rng.randrange(26))
        number = f"{letter}{rng.randrange(10000):04d}{suffix}"
        if number not in taken:
            taken.add(number)
            return number


def build_prisoners(rng: Random, estate: Estate) -> None:
    options = estate.options
    prisons = estate.prisons
    destinations = Destinations(prisons)
    counts = _shares(options.prisoners, [p.size for p in prisons])
    taken: set[str] = set()
    transfers_possible = len(destinations.by_estate[MALE_CLOSED][0]) >= 2
    force_transfer = transfers_possible
    patterns = pattern_thresholds(options.weeks)
    for prison, count in zip(prisons, counts, strict=True):
        for _ in range(count):
            forced = force_transfer and prison.estate == MALE_CLOSED
            if forced:
                force_transfer = False
            _build_prisoner(rng, estate, destinations, prison, taken, forced, patterns)


def _episodes(rng: Random, start: int, end: int, pattern: str, youth: bool) -> list[tuple[int, int | None]]:
    """Custody episodes (reception, release) before any transfers."""
    longest = 270 if youth else 8 * 365

    def before_start(mean: float) -> int:
        back = 1 + min(int(rng.expovariate(1 / mean)), longest)
        return pick_day(rng, start - back - 6, start - back, RECEPTION_WEEKDAYS)

    if pattern == "returning" and end - 30 <= start + 1:
        pattern = "released"
    if pattern == "received":
        return [(pick_day(rng, start, end, RECEPTION_WEEKDAYS), None)]
    if pattern == "released":
        return [(before_start(200), pick_day(rng, start + 1, end, RELEASE_WEEKDAYS))]
    if pattern == "in_and_out":
        reception = pick_day(rng, start, max(start, end - 7), RECEPTION_WEEKDAYS)
        release = reception + 7 + int(rng.expovariate(1 / 60))
        if release > end:
            return [(reception, None)]
        return [(reception, pick_day(rng, release, min(release + 4, end), RELEASE_WEEKDAYS))]
    if pattern == "returning":
        first_release = pick_day(rng, start + 1, end - 30, RELEASE_WEEKDAYS)
        second = first_release + 14 + int(rng.expovariate(1 / 40))
        episodes: list[tuple[int, int | None]] = [(before_start(200), first_release)]
        if second <= end:
            episodes.append((pick_day(rng, second, min(second + 3, end), RECEPTION_WEEKDAYS), None))
        return episodes
    return [(before_start(500 if not youth else 120), None)]


def pattern_thresholds(weeks: int) -> list[tuple[str, float]]:
    """Cumulative thresholds; short periods keep a floor of movement so every case shows."""
    turnover = min(1.0, weeks / 52)
    thresholds, total = [], 0.0
    for name, share in PATTERN_SHARES:
        total += share * turnover + share / 4
        thresholds.append((name, total))
    return thresholds


def _build_prisoner(
    rng: Random, estate: Estate, destinations: Destinations, home: Prison, taken: set[str], forced: bool,
    patterns: list[tuple[str, float]],
) -> None:
    options = estate.options
    start, end = options.start, options.end
    female = home.estate == FEMALE
    youth = home.estate == YOUTH_CUSTODY
    roll = rng.random()
    pattern = "throughout"
    if not forced:
        for name, cumulative in patterns:
            if roll < cumulative:
                pattern = name
                break
    episodes = _episodes(rng, start, end, pattern, youth)

    first_reception = episodes[0][0]
    if youth:
        # Under 18 on arrival, and not long past 18 by the end of the data.
        room = 18.3 - (end - first_reception) / DAYS_PER_YEAR - 15
        age = 15 + rng.random() * max(0.0, min(2.9, room))
    else:
        age = rng.triangular(18, 72, 27)
    date_of_birth = first_reception - round(age * DAYS_PER_YEAR)

    first_names = names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES
    prisoner = Prisoner(
        prison_number=_prison_number(rng, taken),
        first_name=first_names[rng.randrange(len(first_names))],
        last_name=names.LAST_NAMES[rng.randrange(len(names.LAST_NAMES))],
        date_of_birth=date_of_birth,
        female=female,
        youth=youth,
        remand=rng.random() < (0.25 if episodes[-1][0] > start else 0.06),
    )
    prisoner_index = len(estate.prisoners)
    estate.prisoners.append(prisoner)

    prison = home
    for number, (reception, release) in enumerate(episodes):
        if number > 0 and rng.random() < 0.3:
            # Received again, often at the local prison nearest court rather than the last one.
            adult = reception - date_of_birth >= 18 * DAYS_PER_YEAR
            other = destinations.transfer(rng, prison.estate, prison.index, adult)
            if other is not None and estate.prisons[other].estate != MALE_OPEN:
                prison = estate.prisons[other]
        segment_start = reception
        chance = 1.0 if forced else TRANSFER_CHANCE[prison.estate]
        moves = 0
        while moves < 2 and rng.random() < chance:
            latest = min(release - 1 if release is not None else end, end)
            earliest = max(segment_start, start) + 1
            if earliest > latest:
                break
            day = pick_day(rng, earliest, latest, TRANSFER_WEEKDAYS)
            adult = day - date_of_birth >= 18 * DAYS_PER_YEAR
            destination = destinations.transfer(rng, prison.estate, prison.index, adult)
            if destination is None:
                break
            _add_spell(rng, estate, prisoner, prisoner_index, prison, segment_start, day)
            prison = estate.prisons[destination]
            segment_start = day
            moves += 1
            chance = 0.15
        _add_spell(rng, estate, prisoner, prisoner_index, prison, segment_start, release)


def _add_spell(
    rng: Random, estate: Estate, prisoner: Prisoner, prisoner_index: int, prison: Prison,
    reception: int, release: int | None,
) -> None:
    prisoner.spells.append(len(estate.spells))
    wing = prison.wings[rng.randrange(len(prison.wings))]
    estate.spells.append(Spell(prisoner_index, prison.index, wing, reception, release))
