"""The generator's in-memory estate. Dates are day ordinals (see `days`), FTEs are whole
hundredths (100 = 1.00 FTE) so that sums against the benchmark are exact."""

from __future__ import annotations

from dataclasses import dataclass, field

MALE_CLOSED = "male_closed"
MALE_OPEN = "male_open"
FEMALE = "female"
YOUTH_CUSTODY = "youth_custody"
ESTATES = (MALE_CLOSED, MALE_OPEN, FEMALE, YOUTH_CUSTODY)


@dataclass(slots=True)
class Options:
    prisons: int
    prisoners: int
    weeks: int
    seed: int
    end: int  # ordinal of the last day of data

    @property
    def start(self) -> int:
        """First day of the period: --weeks whole weeks ending on --end."""
        return self.end - 7 * self.weeks + 1


@dataclass(slots=True)
class Prison:
    index: int
    code: str
    name: str
    estate: str
    country: str
    size: int  # a weight: roughly the operational capacity
    key_work_start: int | None = None
    pom_model: str = ""
    pom_model_chosen_on: int | None = None
    key_worker_capacity: int = 6
    wings: list[str] = field(default_factory=list)
    # (effective_from, band 3 benchmark FTE in hundredths), in date order
    benchmarks: list[tuple[int, int]] = field(default_factory=list)
    staffing_profile: str = ""  # healthy | short | training | not_rolled_out | other_estate
    average_population: float = 0.0
    delivery_factor: float = 1.0


@dataclass(slots=True)
class StaffMember:
    index: int
    staff_id: str
    first_name: str
    last_name: str
    prison: int
    band: int
    role: str
    fte: int  # hundredths
    contracted_hours: str
    in_post_from: int
    in_post_to: int | None = None
    trained_on: int | None = None
    key_worker_capacity: int | None = None
    wing: str = ""
    status: str = "active"
    # Not written: the day an unavailable or inactive officer stopped taking sessions.
    away_from: int | None = None


@dataclass(slots=True)
class Prisoner:
    prison_number: str
    first_name: str
    last_name: str
    date_of_birth: int
    female: bool
    youth: bool
    spells: list[int] = field(default_factory=list)  # indexes into Estate.spells, in date order
    remand: bool = False


@dataclass(slots=True)
class Spell:
    prisoner: int
    prison: int
    wing: str
    reception: int
    release: int | None  # None: still in custody at the end of the data


@dataclass(slots=True)
class Estate:
    options: Options
    prisons: list[Prison] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    prisoners: list[Prisoner] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
