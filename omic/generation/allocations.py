"""Key worker allocations at rolled-out male closed prisons, simulated in date order: each
prisoner needing a key worker gets the least loaded of a few eligible officers (Band 3,
in post, trained, not away), preferring their wing and free capacity. An allocation ends
with the spell, when the officer leaves post, or at an occasional change of key worker."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from random import Random

from .records import MALE_CLOSED, Estate, Prison, StaffMember

NEVER = 10**9  # an open end, beyond any real day ordinal
HISTORY_DAYS = 182  # allocations may begin up to half a year before the period
CANDIDATES = 4

# Event priorities on one day: ended allocations free capacity, officers leave and join
# the pool, then prisoners are placed.
ENDED, LEAVES, JOINS, NEEDS = 0, 1, 2, 3


@dataclass(slots=True)
class Allocation:
    prisoner: int
    staff: int
    prison: int
    start: int
    end: int | None


@dataclass(slots=True)
class Pool:
    """The officers who may take a new prisoner today; O(1) add, remove and sample."""

    members: list[int] = field(default_factory=list)
    position: dict[int, int] = field(default_factory=dict)

    def add(self, officer: int) -> None:
        if officer not in self.position:
            self.position[officer] = len(self.members)
            self.members.append(officer)

    def remove(self, officer: int) -> None:
        index = self.position.pop(officer, None)
        if index is None:
            return
        last = self.members.pop()
        if last != officer:
            self.members[index] = last
            self.position[last] = index


def eligible_window(officer: StaffMember) -> tuple[int, int] | None:
    """[first, end) of days on which the officer is in post and trained; None if never."""
    if officer.band != 3 or officer.trained_on is None:
        return None
    first = max(officer.in_post_from, officer.trained_on)
    end = officer.in_post_to if officer.in_post_to is not None else NEVER
    return (first, end) if first < end else None


def allocate_prison(
    rng: Random, estate: Estate, prison: Prison, officers: list[StaffMember], spell_indexes: list[int]
) -> list[Allocation]:
    options = estate.options
    if prison.estate != MALE_CLOSED or prison.key_work_start is None or prison.key_work_start > options.end:
        return []
    begin = max(prison.key_work_start, options.start - HISTORY_DAYS)
    spread = HISTORY_DAYS if begin == options.start - HISTORY_DAYS else 28
    events: list[tuple[int, int, int, int]] = []  # (day, priority, sequence, subject)
    sequence = 0

    def push(day: int, priority: int, subject: int) -> None:
        nonlocal sequence
        heapq.heappush(events, (day, priority, sequence, subject))
        sequence += 1

    windows: dict[int, tuple[int, int]] = {}
    capacity: dict[int, int] = {}
    for officer in officers:
        window = eligible_window(officer)
        if window is None:
            continue
        windows[officer.index] = window
        capacity[officer.index] = officer.key_worker_capacity or prison.key_worker_capacity
        takes_until = min(window[1], officer.away_from if officer.away_from is not None else NEVER)
        if window[0] < takes_until:
            push(window[0], JOINS, officer.index)
            if takes_until < NEVER:
                push(takes_until, LEAVES, officer.index)

    spell_end: dict[int, int] = {}
    for index in spell_indexes:
        spell = estate.spells[index]
        ends = spell.release if spell.release is not None else NEVER
        if ends <= begin:
            continue
        if spell.reception < begin:
            need = begin + rng.randrange(spread)
        elif rng.random() < 0.04:
            continue  # never allocated: the "needs a key worker" list is never empty
        else:
            need = spell.reception + min(int(rng.expovariate(1 / 4)), 30)
        if need < ends and need <= options.end:
            spell_end[index] = ends
            push(need, NEEDS, index)

    pool = Pool()
    load: dict[int, int] = dict.fromkeys(windows, 0)
    allocations: list[Allocation] = []
    waits: dict[int, int] = {}
    while events:
        day, priority, _, subject = heapq.heappop(events)
        if priority == ENDED:
            load[subject] -= 1
        elif priority == LEAVES:
            pool.remove(subject)
        elif priority == JOINS:
            pool.add(subject)
        else:
            spell = estate.spells[subject]
            ends = spell_end[subject]
            if not pool.members:
                if day + 7 < ends and day + 7 <= options.end:
                    push(day + 7, NEEDS, subject)
                continue
            members = pool.members
            best = None
            best_score: tuple = ()
            for draw in range(min(4 * CANDIDATES, 4 * len(members))):
                if draw >= CANDIDATES and best is not None and not best_score[0]:
                    break  # a few draws suffice unless every officer drawn is full
                officer = members[rng.randrange(len(members))]
                cap = capacity[officer]
                other_wing = estate.staff[officer].wing != spell.wing
                score = (load[officer] >= cap, other_wing, load[officer] / cap, officer)
                if best is None or score < best_score:
                    best, best_score = officer, score
            assert best is not None
            if best_score[0] and waits.get(subject, 0) < 2 and day + 7 < ends and day + 7 <= options.end:
                # Every officer drawn is full: wait a week for a place (at most twice).
                waits[subject] = waits.get(subject, 0) + 1
                push(day + 7, NEEDS, subject)
                continue
            end = min(ends, windows[best][1])
            if rng.random() < 0.08:
                change = day + 28 + rng.randrange(200)
                if change < end and change <= options.end:
                    end = change
            load[best] += 1
            open_end = end == NEVER
            allocations.append(Allocation(spell.prisoner, best, prison.index, day, None if open_end else end))
            if end != NEVER:
                push(end, ENDED, best)
                # The key worker left post or was changed: a new one, after a short gap at most.
                again = end if end != windows[best][1] else end + rng.randrange(5)
                if end < ends and again < ends and again <= options.end:
                    push(again, NEEDS, subject)
    return allocations
