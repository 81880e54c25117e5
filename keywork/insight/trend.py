"""The governor's 12-week compliance trend, drawn on the server as SVG (DESIGN.md: charts are
server-rendered with a table alternative): points for weeks with key work on, a grey band
for suspended weeks, and a sentence that says the same for screen readers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from keywork import reports

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 44, 28, 12
Y_MAX_DEFAULT = 120  # %; the axis grows for a prison well over 100 %


@dataclass(frozen=True)
class TrendWeek:
    week_start: dt.date
    on: bool
    compliance_pct: Decimal | None
    x: float
    y: float | None
    band_x: float  # left edge of the week's column (a suspended week is shaded)


@dataclass(frozen=True)
class Trend:
    weeks: list[TrendWeek]
    points: str  # the polyline's "x,y x,y" over weeks with a figure
    y_max: int
    gridlines: list[tuple[int, float]]  # (percentage, y)
    band_width: float
    summary: str


def trend(rows) -> Trend:
    """`rows`: PrisonWeek rows, oldest first."""
    figures = [
        reports.compliance_pct(r.delivered_minutes, r.entitled_sevenths) if r.key_work_enabled else None
        for r in rows
    ]
    top = max([Y_MAX_DEFAULT, *(int(f) + 10 for f in figures if f is not None)])
    step = (WIDTH - LEFT - 10) / max(len(rows), 1)
    plot = HEIGHT - BOTTOM - TOP

    def y_of(pct: Decimal) -> float:
        return round(TOP + plot * (1 - float(pct) / top), 1)

    weeks = [
        TrendWeek(
            r.week_start,
            r.key_work_enabled,
            f,
            round(LEFT + step * (i + 0.5), 1),
            None if f is None else y_of(f),
            round(LEFT + step * i, 1),
        )
        for i, (r, f) in enumerate(zip(rows, figures, strict=True))
    ]
    points = " ".join(f"{w.x},{w.y}" for w in weeks if w.y is not None)
    grid = [(p, y_of(Decimal(p))) for p in range(0, top + 1, 25 if top <= 150 else 50)]
    on = [w for w in weeks if w.compliance_pct is not None]
    suspended = sum(1 for w in weeks if not w.on)
    if not weeks:
        summary = "No weeks have been computed yet."
    elif not on:
        summary = f"Key work was suspended in all {len(weeks)} weeks shown."
    else:
        low, high = min(on, key=lambda w: w.compliance_pct), max(on, key=lambda w: w.compliance_pct)
        summary = (
            f"Over {len(weeks)} weeks from {weeks[0].week_start:%-d %B %Y}, compliance ranged from "
            f"{low.compliance_pct}% (week of {low.week_start:%-d %B}) to {high.compliance_pct}% "
            f"(week of {high.week_start:%-d %B}); the latest week with key work on was "
            f"{on[-1].compliance_pct}%."
        )
        if suspended:
            summary += f" Key work was suspended in {suspended} of the weeks."
    return Trend(weeks, points, top, grid, round(step, 1), summary)
