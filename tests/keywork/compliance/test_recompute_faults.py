"""A recompute killed mid-run and run again, or run twice at once, gives the same figures as
one clean run (DESIGN.md: tasks are "safe to run twice or concurrently"). Real processes and
connections: `recompute_compliance` in a subprocess killed with SIGKILL while its rebuild is
half swapped in, and recomputes on threads with connections of their own."""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from keywork import compliance
from omic import dates
from omic.models import Prison
from tests.concurrency import at_once
from tests.processes import database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the other processes see committed rows

END = dates.open_weeks()[0] - dt.timedelta(days=1)  # a Sunday: the generated sessions end here
WEEKS = 10  # above REBUILD_MIN_WEEKS: an estate-wide range takes the partition rebuild
FIRST = dates.week_start(END) - dt.timedelta(weeks=WEEKS - 1)
LAST = dates.week_start(dates.today())


def figures() -> dict[str, list[tuple]]:
    """Every stored weekly figure (computed_at aside), in key order."""
    tables = {
        "keywork_prison_week": "prison_id, week_start",
        "keywork_prisoner_week": "prison_id, week_start, prisoner_id",
    }
    result = {}
    with connection.cursor() as cursor:
        for table, key in tables.items():
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            names = [c.name for c in cursor.description]
            keep = [i for i, name in enumerate(names) if name != "computed_at"]
            result[table] = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    return result


@pytest.fixture
def clean_and_stale():
    """A generated estate (4 prisons, 400 prisoners, 10 weeks of sessions); the figures of one
    clean run, then the stored figures made stale (no minutes delivered anywhere)."""
    call_command("generate_estate", prisons=4, prisoners=400, weeks=WEEKS, end=END, seed=7, verbosity=0)
    compliance.recompute(week_from=FIRST, week_to=LAST)
    clean = figures()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE keywork_prisoner_week SET delivered_minutes = 0, sessions = 0")
        cursor.execute(
            "UPDATE keywork_prison_week SET delivered_minutes = 0, sessions = 0, prisoners_seen = 0"
        )
    stale = figures()
    assert stale != clean  # the estate has sessions, so a recompute has something to repair
    return clean, stale


def backends_waiting_on(statement: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
            [statement + "%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


def backends_alive(pids: list[int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
        return cursor.fetchone()[0] > 0


def test_a_rebuild_killed_half_swapped_in_changes_nothing_and_the_next_run_gives_the_clean_figures(
    clean_and_stale,
):
    clean, stale = clean_and_stale
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, "manage.py", "recompute_compliance", "--from", str(FIRST), "--to", str(LAST)]
    # Hold the prison-week table: the subprocess builds every partition (committing its new
    # tables on connections of their own), swaps the first in, and then waits, mid-run.
    blocker = connections.create_connection("default")
    try:
        with blocker.cursor() as cursor:
            cursor.execute("BEGIN; LOCK TABLE keywork_prison_week IN ACCESS EXCLUSIVE MODE")
            proc = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stderr=subprocess.DEVNULL)
            try:
                killed = wait_for(lambda: backends_waiting_on("INSERT INTO keywork_prison_week"), seconds=60)
                assert killed, "the rebuild never reached its swap"
            finally:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(10)
            cursor.execute("COMMIT")
    finally:
        blocker.close()

    # The killed run's transaction never commits: once its server process notices, nothing
    # of it shows (the old figures, every partition attached); its leftover tables are
    # dropped by the next run.
    assert wait_for(lambda: not backends_alive(killed), seconds=30), "the killed run's backend lives on"
    assert figures() == stale

    compliance.recompute(week_from=FIRST, week_to=LAST)
    assert figures() == clean


def run_at_once(*jobs):
    """Run the recomputes on threads at once (each thread has its own connection)."""
    results = at_once(*(functools.partial(compliance.recompute, **job) for job in jobs))
    assert [r for r in results if isinstance(r, Exception)] == []


ESTATE = {"week_from": FIRST, "week_to": LAST}
OPEN = {"week_from": dates.open_weeks()[0], "week_to": LAST}


@pytest.mark.parametrize(
    "jobs",
    [
        pytest.param([ESTATE, ESTATE], id="two full rebuilds"),
        pytest.param([ESTATE, OPEN, OPEN], id="a rebuild and two open-week recomputes"),
    ],
)
def test_recomputes_run_at_once_give_the_clean_figures(clean_and_stale, jobs):
    clean, _ = clean_and_stale
    run_at_once(*jobs)
    assert figures() == clean


def test_prison_recomputes_of_the_same_weeks_at_once_give_the_clean_figures(clean_and_stale):
    clean, _ = clean_and_stale
    prisons = list(Prison.objects.order_by("code").values_list("code", flat=True))
    assert len(prisons) == 4
    # every prison twice, the incremental path, all at once; then the whole range once more
    per_prison = [{**ESTATE, "prison_ids": [code]} for code in prisons]
    run_at_once(*per_prison, *per_prison)
    assert figures() == clean
    compliance.recompute(week_from=FIRST, week_to=LAST)
    assert figures() == clean
