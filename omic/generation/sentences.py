"""Sentence records (see pom.md): one per sentenced prisoner, dated consistently with the
custody episode — a released prisoner went out on their release date (ARD, CRD or parole),
a prisoner still in custody has a release point after the end of the data."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import accumulate
from random import Random

from . import names
from .days import IsoDates
from .records import Estate, Prisoner

HEADER = (
    "prison_number", "sentence_type", "sentence_start_date", "parole_eligibility_date",
    "automatic_release_date", "conditional_release_date", "tariff_expiry_date", "target_hearing_date",
    "parole_outcome", "recall", "immigration_case", "early_allocation", "tier", "mappa_level",
    "com_name", "com_email",
)
TIERS = ("A", "B", "C", "D")
TIER_WEIGHTS = tuple(accumulate((8, 30, 40, 22)))
MAPPA = ("", "0", "1", "2", "3")
MAPPA_WEIGHTS = tuple(accumulate((50, 12, 26, 9, 3)))
# Sentence length bands in days, with weights.
LENGTHS = ((180, 365), (365, 730), (730, 1461), (1461, 2922), (2922, 7305))
LENGTH_WEIGHTS = tuple(accumulate((15, 20, 25, 25, 15)))
OUTCOMES_IN_CUSTODY = ("Release refused", "Open conditions recommended", "No recommendation", "")
YEAR = 365


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _episode_reception(estate: Estate, prisoner: Prisoner) -> tuple[int, int | None]:
    """Reception and release of the prisoner's last custody episode (transfers joined up)."""
    spells = [estate.spells[i] for i in prisoner.spells]
    position = len(spells) - 1
    while position > 0 and spells[position - 1].release == spells[position].reception:
        position -= 1
    return spells[position].reception, spells[-1].release


def sentence_rows(rng: Random, estate: Estate, iso: IsoDates) -> Iterator[tuple[str, ...]]:
    end = estate.options.end
    for prisoner in estate.prisoners:
        if prisoner.remand:
            continue
        reception, release = _episode_reception(estate, prisoner)
        remand_days = min(int(rng.expovariate(1 / 60)), 365)
        last_start = (release - 1) if release is not None else end
        start = min(reception + remand_days, last_start)
        if release is not None:
            start = min(start, reception + (release - reception) // 3)
        # A life or IPP sentence released on licence only after years inside.
        long_enough = release is None or release - start > 3 * YEAR
        indeterminate = rng.random() < 0.11 and long_enough and not prisoner.youth
        ped = ard = crd = ted = thd = None
        outcome = ""
        if indeterminate:
            ted = start + round(rng.triangular(2, 25, 9) * 365.25)
            if release is not None:
                ted = max(start + YEAR, min(ted, release - 30 - rng.randrange(700)))
                thd = release - 30 - rng.randrange(90)
                outcome = "Release"
            elif ted <= end + YEAR or rng.random() < 0.4:
                # Some hearings are set more than 12 months ahead (pom.md's special cases 1-3).
                thd = max(end - 180 + rng.randrange(900), start + 30)
                if thd <= end or ted <= end or (thd > end + YEAR and rng.random() < 0.5):
                    # A hearing passed (or one refused release and set the next a year off).
                    outcome = OUTCOMES_IN_CUSTODY[rng.randrange(len(OUTCOMES_IN_CUSTODY))]
            erd = thd if thd is not None and thd > end else ted
        else:
            if release is not None:
                release_point = release
                length = 2 * (release - start)
            else:
                low, high = rng.choices(LENGTHS, cum_weights=LENGTH_WEIGHTS)[0]
                length = low + rng.randrange(high - low)
                # Still in custody: the release point lies after the end of the data.
                length = max(length, 2 * (end - start) + 2 * (1 + rng.randrange(900)))
                release_point = start + length // 2
            if release is None and length >= 4 * YEAR and rng.random() < 0.12:
                ped = release_point
                crd = start + 2 * length // 3
                if ped <= end:
                    outcome = OUTCOMES_IN_CUSTODY[rng.randrange(len(OUTCOMES_IN_CUSTODY))]
            elif length < YEAR:
                ard = release_point
            else:
                crd = release_point
            # A few sentences still in custody wait for their release dates to be calculated
            # (pom.md special case 6, release_date_unknown).
            if release is None and rng.random() < 0.01:
                ped = ard = crd = None
            erd = ped or ard or crd
        recall = rng.random() < 0.06
        immigration = not prisoner.youth and rng.random() < 0.04
        early = rng.random() < 0.02
        near_handover = release is not None or (erd is not None and erd - YEAR <= end + 60)
        com_name = com_email = ""
        if rng.random() < (0.85 if near_handover else 0.12):
            first = names.MALE_FIRST_NAMES if rng.random() < 0.4 else names.FEMALE_FIRST_NAMES
            first_name = first[rng.randrange(len(first))]
            last_name = names.LAST_NAMES[rng.randrange(len(names.LAST_NAMES))]
            com_name = f"{first_name} {last_name}"
            com_email = f"{first_name}.{last_name}@justice.gov.uk".lower().replace("'", "")
        yield (
            prisoner.prison_number,
            "indeterminate" if indeterminate else "determinate",
            iso(start),
            iso(ped),
            iso(ard),
            iso(crd),
            iso(ted),
            iso(thd),
            outcome,
            _flag(recall),
            _flag(immigration),
            _flag(early),
            rng.choices(TIERS, cum_weights=TIER_WEIGHTS)[0],
            rng.choices(MAPPA, cum_weights=MAPPA_WEIGHTS)[0],
            com_name,
            com_email,
        )
