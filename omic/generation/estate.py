"""Generate a synthetic estate and write it as the CSV files of formats.md.

Pure Python, no database: the same options (seed and end included) give byte-identical
files. Every stage draws from its own `Random`, seeded from the seed and the stage's name,
so a change to one stage does not reshuffle the others."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from random import Random

from .allocations import Allocation, allocate_prison
from .days import IsoDates
from .prisoners import build_prisoners
from .prisons import build_prisons, set_population_and_benchmarks
from .records import Estate, Options, StaffMember
from .sentences import HEADER as SENTENCE_HEADER
from .sentences import sentence_rows
from .sessions import HEADER as SESSION_HEADER
from .sessions import SessionWriter
from .staff import build_staff

HEADERS = {
    "prisons.csv": (
        "prison_code", "name", "estate", "country", "key_work_start_date", "pom_model",
        "pom_model_chosen_on", "key_worker_capacity",
    ),
    "wings.csv": ("prison_code", "wing_code", "name"),
    "benchmarks.csv": ("prison_code", "effective_from", "band3_benchmark_fte"),
    "staff.csv": (
        "staff_id", "first_name", "last_name", "prison_code", "band", "role", "fte", "contracted_hours",
        "in_post_from", "in_post_to", "key_worker_trained_on", "key_worker_capacity", "wing_code", "status",
    ),
    "prisoners.csv": (
        "prison_number", "first_name", "last_name", "date_of_birth", "prison_code", "wing_code",
        "reception_date", "release_date",
    ),
    "sentences.csv": SENTENCE_HEADER,
    "allocations.csv": ("prison_number", "staff_id", "prison_code", "start_date", "end_date"),
    "sessions.csv": SESSION_HEADER,
}
FILES = tuple(HEADERS)

Progress = Callable[[str], None]


def hundredths(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


class EstateFiles:
    def __init__(self, out_dir: Path, progress: Progress) -> None:
        self.out_dir = out_dir
        self.progress = progress
        self.counts: dict[str, int] = {}

    def open(self, name: str):
        handle = (self.out_dir / name).open("w", encoding="utf-8", newline="")
        handle.write(",".join(HEADERS[name]) + "\n")
        return handle

    def write(self, name: str, rows: Iterable[Iterable[str]]) -> None:
        with self.open(name) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        self.done(name, count)

    def done(self, name: str, count: int) -> None:
        self.counts[name] = count
        self.progress(f"{name}: {count:,} rows")


def generate_estate(
    out_dir: str | Path,
    *,
    prisons: int,
    prisoners: int,
    weeks: int,
    seed: int,
    end: dt.date,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the eight CSV files into `out_dir`; return the row count of each."""
    if prisons < 1 or prisoners < 0 or weeks < 1:
        raise ValueError("need at least one prison and one week, and no negative prisoners")
    options = Options(prisons=prisons, prisoners=prisoners, weeks=weeks, seed=seed, end=end.toordinal())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = EstateFiles(out, progress or (lambda message: None))
    iso = IsoDates()

    def rng(stage: str) -> Random:
        return Random(f"{seed}/{stage}")  # noqa: S311 -- synthetic data, not security

    estate = Estate(options=options)
    estate.prisons = build_prisons(rng("prisons"), options)
    build_prisoners(rng("prisoners"), estate)
    set_population_and_benchmarks(rng("benchmarks"), estate)
    build_staff(rng("staff"), estate)
    delivery = rng("delivery")
    for prison in estate.prisons:
        prison.delivery_factor = delivery.uniform(0.85, 1.15)

    files.write("prisons.csv", (
        (p.code, p.name, p.estate, p.country, iso(p.key_work_start), p.pom_model,
         iso(p.pom_model_chosen_on), str(p.key_worker_capacity))
        for p in estate.prisons
    ))
    files.write("wings.csv", (
        (p.code, wing, f"{wing} wing") for p in estate.prisons for wing in p.wings
    ))
    files.write("benchmarks.csv", (
        (p.code, iso(effective_from), hundredths(fte))
        for p in estate.prisons
        for effective_from, fte in p.benchmarks
    ))
    codes = [p.code for p in estate.prisons]
    files.write("staff.csv", (
        (s.staff_id, s.first_name, s.last_name, codes[s.prison], str(s.band), s.role, hundredths(s.fte),
         s.contracted_hours, iso(s.in_post_from), iso(s.in_post_to), iso(s.trained_on),
         _text(s.key_worker_capacity), s.wing, s.status)
        for s in estate.staff
    ))
    files.write("prisoners.csv", (
        (x.prison_number, x.first_name, x.last_name, iso(x.date_of_birth), codes[spell.prison], spell.wing,
         iso(spell.reception), iso(spell.release))
        for x in estate.prisoners for spell in (estate.spells[i] for i in x.spells)
    ))
    files.write("sentences.csv", sentence_rows(rng("sentences"), estate, iso))

    officers_at: list[list[StaffMember]] = [[] for _ in estate.prisons]
    for member in estate.staff:
        if member.band == 3:
            officers_at[member.prison].append(member)
    spells_at: list[list[int]] = [[] for _ in estate.prisons]
    for index, spell in enumerate(estate.spells):
        spells_at[spell.prison].append(index)

    allocating = rng("allocations")
    allocations: list[Allocation] = []
    for prison in estate.prisons:
        at = prison.index
        allocations.extend(allocate_prison(allocating, estate, prison, officers_at[at], spells_at[at]))
    numbers = [x.prison_number for x in estate.prisoners]
    allocations.sort(key=lambda a: (a.prison, numbers[a.prisoner], a.start))
    staff = estate.staff
    files.write("allocations.csv", (
        (numbers[a.prisoner], staff[a.staff].staff_id, codes[a.prison], iso(a.start), iso(a.end))
        for a in allocations
    ))

    by_spell = _allocations_by_spell(estate, allocations)
    with files.open("sessions.csv") as handle:
        writer = SessionWriter(rng("sessions"), estate, handle, iso)
        for position, prison in enumerate(estate.prisons, start=1):
            writer.prison(prison, officers_at[prison.index], spells_at[prison.index], by_spell)
            if position % 20 == 0 and position < len(estate.prisons):
                done = f"{position} of {len(codes)} prisons"
                files.progress(f"sessions.csv: {writer.count:,} rows so far ({done})")
        writer.flush()
    files.done("sessions.csv", writer.count)
    return files.counts


def _allocations_by_spell(estate: Estate, allocations: list[Allocation]) -> dict[int, list[Allocation]]:
    """Each allocation belongs to the prisoner's spell at that prison that contains its start."""
    by_spell: dict[int, list[Allocation]] = {}
    for allocation in allocations:
        for index in estate.prisoners[allocation.prisoner].spells:
            spell = estate.spells[index]
            if spell.prison == allocation.prison and spell.reception <= allocation.start and (
                spell.release is None or allocation.start < spell.release
            ):
                by_spell.setdefault(index, []).append(allocation)
                break
    return by_spell
