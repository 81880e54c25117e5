"""A slow, obviously correct reference for the compliance engine: day by day, in Python,
straight from the words of keywork.md. Tests compare the engine against it."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from keywork.models import KeyWorkerAllocation, Session, SessionNotHeld
from omic.models import Benchmark, CustodySpell, Prison, StaffMember


def days_of(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(7)]


def in_interval(day, start, end) -> bool:
    return start <= day and (end is None or day < end)


def reference(week_from: dt.date, week_to: dt.date):
    """Return ({(prison, monday): figures}, {(prison, monday, prisoner): figures})."""
    prisons = list(Prison.objects.all())
    staff = list(StaffMember.objects.all())
    benchmarks = list(Benchmark.objects.all())
    spells = list(CustodySpell.objects.all())
    sessions = [s for s in Session.objects.all() if s.deleted_at is None]
    not_held = [s for s in SessionNotHeld.objects.all() if s.deleted_at is None]
    allocations = [a for a in KeyWorkerAllocation.objects.all() if a.deleted_at is None]
    prison_rows, prisoner_rows = {}, {}
    monday = week_from
    while monday <= week_to:
        week = days_of(monday)
        for prison in prisons:
            band3 = [
                s
                for s in staff
                if s.prison_id == prison.code
                and s.band == 3
                and in_interval(monday, s.in_post_from, s.in_post_to)
            ]
            fte = sum((s.fte for s in band3), start=0)
            untrained = [
                s for s in band3 if s.key_worker_trained_on is None or s.key_worker_trained_on > monday
            ]
            effective = [b for b in benchmarks if b.prison_id == prison.code and b.effective_from <= monday]
            bench = max(effective, key=lambda b: b.effective_from).band3_benchmark_fte if effective else None
            reasons = []
            if prison.estate != "male_closed":
                reasons.append("not_male_closed_estate")
            if prison.key_work_start_date is None or prison.key_work_start_date > monday:
                reasons.append("not_rolled_out")
            if bench is None:
                reasons.append("no_benchmark")
            elif fte < bench:
                reasons.append("below_benchmark")
            if untrained:
                reasons.append("untrained_band3")
            enabled = not reasons
            week_sessions = [s for s in sessions if s.prison_id == prison.code and s.date in week]
            prisoner_numbers = sorted({s.prisoner_id for s in spells if s.prison_id == prison.code})
            met = at_end = with_kw = 0
            total_days = 0
            total_entitled = Fraction(0)
            counted = 0
            for number in prisoner_numbers:
                mine = [s for s in spells if s.prison_id == prison.code and s.prisoner_id == number]
                custody = [
                    d for d in week if any(in_interval(d, s.reception_date, s.release_date) for s in mine)
                ]
                if not custody:
                    continue
                counted += 1
                entitled = Fraction(45 * len(custody), 7) if enabled else Fraction(0)
                theirs = [s for s in week_sessions if s.prisoner_id == number]
                delivered = sum(s.duration_minutes for s in theirs)
                last_day = max(custody)
                kw = [
                    a.key_worker_id
                    for a in allocations
                    if a.prisoner_id == number
                    and a.prison_id == prison.code
                    and in_interval(last_day, a.start_date, a.end_date)
                ]
                key_worker = kw[0] if kw else None
                is_met = entitled > 0 and delivered >= entitled
                met += is_met
                sunday = week[6]
                if sunday in custody:
                    at_end += 1
                    with_kw += key_worker is not None
                total_days += len(custody)
                total_entitled += entitled
                prisoner_rows[(prison.code, monday, number)] = {
                    "custody_days": len(custody),
                    "entitled": entitled,
                    "delivered": delivered,
                    "sessions": len(theirs),
                    "met": is_met,
                    "key_worker": key_worker,
                }
            week_not_held = [n for n in not_held if n.prison_id == prison.code and n.date in week]
            prison_rows[(prison.code, monday)] = {
                "enabled": enabled,
                "reasons": reasons,
                "band3_in_post": len(band3),
                "band3_in_post_fte": fte,
                "band3_untrained": len(untrained),
                "benchmark": bench,
                "prisoners": counted,
                "custody_days": total_days,
                "entitled": total_entitled,
                "delivered": sum(s.duration_minutes for s in week_sessions),
                "sessions": len(week_sessions),
                "prisoners_seen": len({s.prisoner_id for s in week_sessions}),
                "met": met,
                "at_week_end": at_end,
                "with_key_worker": with_kw,
                "staff_redeployed": sum(n.reason == "staff_redeployed" for n in week_not_held),
            }
        monday += dt.timedelta(days=7)
    return prison_rows, prisoner_rows


def engine_rows(week_from: dt.date, week_to: dt.date):
    """The engine's materialised rows in the same shape as reference()."""
    from keywork.models import PrisonerWeek, PrisonWeek

    prison_rows = {
        (w.prison_id, w.week_start): {
            "enabled": w.key_work_enabled,
            "reasons": list(w.suspension_reasons),
            "band3_in_post": w.band3_in_post,
            "band3_in_post_fte": w.band3_in_post_fte,
            "band3_untrained": w.band3_untrained,
            "benchmark": w.band3_benchmark_fte,
            "prisoners": w.prisoners,
            "custody_days": w.custody_days,
            "entitled": Fraction(w.entitled_sevenths, 7),
            "delivered": w.delivered_minutes,
            "sessions": w.sessions,
            "prisoners_seen": w.prisoners_seen,
            "met": w.prisoners_met_entitlement,
            "at_week_end": w.prisoners_at_week_end,
            "with_key_worker": w.prisoners_with_key_worker,
            "staff_redeployed": w.not_held_staff_redeployed,
        }
        for w in PrisonWeek.objects.filter(week_start__range=(week_from, week_to))
    }
    prisoner_rows = {
        (w.prison_id, w.week_start, w.prisoner_id): {
            "custody_days": w.custody_days,
            "entitled": Fraction(w.entitled_sevenths, 7),
            "delivered": w.delivered_minutes,
            "sessions": w.sessions,
            "met": w.met_entitlement,
            "key_worker": w.key_worker_id,
        }
        for w in PrisonerWeek.objects.filter(week_start__range=(week_from, week_to))
    }
    return prison_rows, prisoner_rows
