"""Key work sessions at rolled-out male closed prisons, streamed straight to the file.

Delivery aims at the policy's 45 minutes per prisoner per week on average, varied by prison,
week and prisoner; a suspended week (below benchmark, untrained officers) delivers less,
and a prisoner without a key worker is seen less often. Each custody day draws at most one
session, mostly on weekdays. The allocated key worker usually delivers; otherwise an
eligible officer covers (Band 3, in post at the prison and trained on the day, not away)."""

from __future__ import annotations

from random import Random
from typing import TextIO

from .allocations import NEVER, Allocation, eligible_window
from .days import IsoDates, monday_of, weekday
from .prisons import benchmark_on
from .records import MALE_CLOSED, Estate, Prison, StaffMember

HEADER = ("session_id", "prison_number", "staff_id", "prison_code", "date", "duration_minutes", "kind")
TARGET_MINUTES = 45
# Kinds as a 100-slot table (weights), each with its shortest duration and the number of
# whole minutes above it: (kind, low, span).
KIND_TABLE: tuple[tuple[str, int, int], ...] = (
    (("structured_interview", 20, 46),) * 44
    + (("structured_interview", 91, 60),)
    + (("activity_conversation", 10, 21),) * 27
    + (("acct_review", 30, 46),) * 8
    + (("family_visit", 30, 61),) * 6
    + (("other", 10, 41),) * 14
)
MEAN_DURATION = sum(low + (span - 1) / 2 for _, low, span in KIND_TABLE) / len(KIND_TABLE)
DAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.25, 0.15)
PRISONER_FACTORS = (0.35, 0.7, 0.9, 1.0, 1.0, 1.1, 1.3, 1.7)
COVER_SHARE = 0.15
UNALLOCATED_SHARE = 0.5  # how often a prisoner with no key worker is still seen
SUSPENDED_SHARE = 0.6
FLUSH_ROWS = 20000


def key_work_enabled(prison: Prison, band3: list[StaffMember], monday: int) -> bool:
    """keywork.md: male closed, rolled out, benchmark met, every Band 3 in post trained."""
    if prison.estate != MALE_CLOSED or prison.key_work_start is None or prison.key_work_start > monday:
        return False
    benchmark = benchmark_on(prison, monday)
    if benchmark is None:
        return False
    fte = 0
    for officer in band3:
        if officer.in_post_from <= monday and (officer.in_post_to is None or monday < officer.in_post_to):
            if officer.trained_on is None or officer.trained_on > monday:
                return False
            fte += officer.fte
    return fte >= benchmark


def _session_staff_by_day(officers: list[StaffMember], first: int, last: int) -> list[tuple[int, ...]]:
    """For each day first..last, the officers who may deliver a session at the prison."""
    spans = []
    for officer in officers:
        window = eligible_window(officer)
        if window is None:
            continue
        until = min(window[1], officer.away_from if officer.away_from is not None else NEVER)
        if window[0] < until:
            spans.append((window[0], until, officer.index))
    changes = sorted({first, last + 1, *(d for s, u, _ in spans for d in (s, u) if first < d <= last)})
    by_day: list[tuple[int, ...]] = []
    for segment_start, segment_end in zip(changes, changes[1:], strict=False):
        present = tuple(index for s, u, index in spans if s <= segment_start < u)
        by_day.extend([present] * (segment_end - segment_start))
    return by_day


class SessionWriter:
    def __init__(self, rng: Random, estate: Estate, out: TextIO, iso: IsoDates) -> None:
        self.rng = rng
        self.estate = estate
        self.out = out
        self.iso = iso
        self.count = 0
        self.minutes = 0
        self.buffer: list[str] = []
        lam = TARGET_MINUTES / MEAN_DURATION
        total = sum(DAY_WEIGHTS)
        self.day_chance = tuple(lam * w / total for w in DAY_WEIGHTS)

    def prison(
        self, prison: Prison, officers: list[StaffMember], spell_indexes: list[int],
        allocations: dict[int, list[Allocation]],
    ) -> None:
        """Sessions at one prison. `allocations` maps a spell to its allocations in date order."""
        options = self.estate.options
        started = prison.key_work_start
        if prison.estate != MALE_CLOSED or started is None or started > options.end:
            return
        rng, iso, staff = self.rng, self.iso, self.estate.staff
        first = max(options.start, started)
        last = options.end
        band3 = [o for o in officers if o.band == 3]
        factor = prison.delivery_factor
        chance: list[float] = []
        week_factor = 0.0
        for day in range(first, last + 1):
            if day == first or weekday(day) == 0:
                enabled = key_work_enabled(prison, band3, monday_of(day))
                week_factor = factor * rng.uniform(0.85, 1.12) * (1.0 if enabled else SUSPENDED_SHARE)
            chance.append(self.day_chance[weekday(day)] * week_factor)
        staff_by_day = _session_staff_by_day(officers, first, last)
        code = prison.code
        spells = self.estate.spells
        prisoners = self.estate.prisoners
        buffer = self.buffer
        random = rng.random
        for spell_index in spell_indexes:
            spell = spells[spell_index]
            lo = max(spell.reception, first)
            hi = min(spell.release if spell.release is not None else NEVER, last + 1)
            if lo >= hi:
                continue
            number = prisoners[spell.prisoner].prison_number
            prisoner_factor = PRISONER_FACTORS[int(random() * len(PRISONER_FACTORS))]
            ahead = allocations.get(spell_index, [])
            pointer = 0
            for day in range(lo, hi):
                if random() >= chance[day - first] * prisoner_factor:
                    continue
                while pointer < len(ahead) and ahead[pointer].end is not None and ahead[pointer].end <= day:
                    pointer += 1
                worker = None
                if pointer < len(ahead) and ahead[pointer].start <= day:
                    allocated = staff[ahead[pointer].staff]
                    if random() >= COVER_SHARE and (allocated.away_from is None or day < allocated.away_from):
                        worker = allocated
                elif random() >= UNALLOCATED_SHARE:
                    continue
                if worker is None:
                    present = staff_by_day[day - first]
                    if not present:
                        continue
                    worker = staff[present[int(random() * len(present))]]
                kind, low, span = KIND_TABLE[int(random() * 100)]
                minutes = low + int(random() * span)
                self.count += 1
                self.minutes += minutes
                buffer.append(f"K{self.count:08d},{number},{worker.staff_id},{code},{iso(day)},{minutes},{kind}\n")
            if len(buffer) >= FLUSH_ROWS:
                self.flush()

    def flush(self) -> None:
        self.out.writelines(self.buffer)
        self.buffer.clear()
