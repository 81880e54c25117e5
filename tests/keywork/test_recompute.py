"""Which recompute jobs are enqueued for what was asked: one transaction's requests, or a
whole extract load's, gathered by omic.followups and merged into the fewest jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from keywork import compliance, recompute
from keywork.models import PrisonWeek
from keywork.recompute import RECONCILE, Recompute
from omic import dates

WEEK = dt.timedelta(weeks=1)


def planned(requests):
    """The jobs enqueue_recomputes hands to Celery, in order, as tuples."""
    shapes = {
        "reconcile": lambda job: ("reconcile",),
        "estate": lambda job: ("estate", job.week_from, job.week_to),
        "prison": lambda job: (job.prison_id, job.week_from, job.week_to, job.prisoner_ids),
    }
    return [shapes[job.task](job) for job in recompute.plan(requests)]


OPEN_FROM, OPEN_TO = dates.open_weeks()
OLD = OPEN_FROM - 10 * WEEK

CASES = {
    "one prison, as asked": (
        [Recompute("LEI", OLD, OLD, ("A1234BC",))],
        [("LEI", OLD, OLD, ["A1234BC"])],
    ),
    "one prison asked twice: its weeks spanned, its prisoners joined": (
        [Recompute("LEI", OLD, OLD, ("B2345CD",)), Recompute("LEI", OLD + WEEK, OLD + WEEK, ("A1234BC",))],
        [("LEI", OLD, OLD + WEEK, ["A1234BC", "B2345CD"])],
    ),
    "a request for every prisoner widens the other to every prisoner": (
        [Recompute("LEI", OLD, OLD, ("A1234BC",)), Recompute("LEI", OLD, OLD, None)],
        [("LEI", OLD, OLD, None)],
    ),
    "prison figures only (no prisoners) stay narrow": (
        [Recompute("LEI", OLD, OLD, ()), Recompute("LEI", OLD, OLD, ())],
        [("LEI", OLD, OLD, [])],
    ),
    "two prisons, two jobs": (
        [Recompute("LEI", OLD, OLD), Recompute("MDI", OLD, OLD)],
        [("LEI", OLD, OLD, None), ("MDI", OLD, OLD, None)],
    ),
    "the reconciliation covers estate ranges and prisons within the open weeks": (
        [RECONCILE, Recompute(None, OPEN_FROM, OPEN_TO), Recompute("LEI", OPEN_TO, OPEN_TO), RECONCILE],
        [("reconcile",)],
    ),
    "an estate range reaching back: the reconciliation, then the weeks before the open ones": (
        [Recompute(None, OLD, OPEN_TO), RECONCILE, Recompute("LEI", OLD, OLD)],
        [("reconcile",), ("estate", OLD, OPEN_FROM - WEEK)],
    ),
    "estate ranges joined; a prison's weeks outside them kept": (
        [Recompute(None, OLD, OLD + WEEK), Recompute(None, OLD + 2 * WEEK, OLD + 2 * WEEK),
         Recompute("LEI", OLD + WEEK, OLD + WEEK), Recompute("MDI", OPEN_TO, OPEN_TO)],
        [("estate", OLD, OLD + 2 * WEEK), ("MDI", OPEN_TO, OPEN_TO, None)],
    ),
}


@pytest.mark.parametrize("requests, expected", CASES.values(), ids=CASES.keys())
def test_requests_become_the_fewest_jobs_that_cover_them(requests, expected):
    assert planned(requests) == expected


@pytest.mark.django_db(transaction=True)  # each file's transaction really commits
def test_an_extract_load_recomputes_once_after_its_last_file(tmp_path, eager_celery, monkeypatch):
    end = dates.open_weeks()[1] - dt.timedelta(days=1)  # last Sunday: sessions in the open weeks
    options = {"prisons": 3, "prisoners": 300, "weeks": 3, "end": end, "out": str(tmp_path)}
    call_command("generate_estate", verbosity=0, **options)
    recomputes = []
    real = compliance.recompute

    def spy(**kwargs):
        recomputes.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(compliance, "recompute", spy)

    call_command("load_omic", str(tmp_path), verbosity=0)

    # prisoners.csv asked for the reconciliation; allocations and sessions for weeks it covers
    assert [(r["week_from"], r["week_to"], r.get("prison_ids")) for r in recomputes] == [
        (OPEN_FROM, OPEN_TO, None)
    ]
    delivered = PrisonWeek.objects.filter(week_start=OPEN_FROM).values_list("delivered_minutes", flat=True)
    assert len(delivered) == 3 and sum(delivered) > 0  # the one recompute saw the sessions
