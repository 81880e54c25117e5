"""Nothing is lost when the broker is down: a recompute asked for by a write is kept in the
outbox (keywork.models.RecomputeRequest) in the write's own transaction, and run when the
broker is back (the sweep) or by the nightly reconciliation. Against a Redis of the test's
own, stopped and started by the test, and a real Celery worker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keywork import compliance, recompute, services, tasks
from keywork.models import PrisonWeek, RecomputeRequest
from omic import dates
from tests import factories
from tests.processes import RedisServer, celery_broker, celery_worker, wait_for

WEEK = dt.timedelta(weeks=1)
TODAY = dates.today()
OPEN_WEEK = dates.week_start(TODAY)
OLD_WEEK = OPEN_WEEK - 20 * WEEK  # months old: no nightly reconciliation of the open weeks reaches it


@pytest.fixture
def own_redis():
    """A Redis of this test's own on a free port, which this process publishes to."""
    server = RedisServer()
    server.start()
    try:
        with celery_broker(server.url):
            yield server
    finally:
        server.stop()


@pytest.fixture
def estate(transactional_db):
    """HMP Outbox: key work on (benchmark met, the officer trained), one prisoner in custody
    since long before the old week; both weeks computed with nothing delivered."""
    prison = factories.PrisonFactory(code="OBX")
    factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal("1.00"))
    officer = factories.StaffMemberFactory(staff_id="OB1", prison=prison)
    prisoner = factories.in_custody(prison, "B1234OX", received=OLD_WEEK - 10 * WEEK)
    for week in (OLD_WEEK, OPEN_WEEK):
        compliance.recompute(week_from=week, week_to=week, prison_ids=["OBX"])
    return {
        "prison": prison,
        "officer": officer,
        "prisoner": prisoner,
        "user": factories.UserFactory(role="admin"),
    }


def record(estate, day, minutes):
    return services.record_session(
        recorded_by=estate["user"],
        prisoner=estate["prisoner"],
        prison=estate["prison"],
        key_worker=estate["officer"],
        date=day,
        minutes=minutes,
        kind="structured_interview",
    )


def delivered(week):
    row = PrisonWeek.objects.get(prison_id="OBX", week_start=week)
    return row.delivered_minutes, row.sessions, row.prisoners_seen


def clean_figures(weeks):
    """The figures a clean recompute of `weeks` gives (written, then read back)."""
    for week in weeks:
        compliance.recompute(week_from=week, week_to=week, prison_ids=["OBX"])
    return {week: delivered(week) for week in weeks}


@pytest.mark.worker
def test_sessions_recorded_while_the_broker_is_down_reach_both_weeks_figures_once_it_is_back(
    estate, own_redis, caplog
):
    own_redis.stop()
    with caplog.at_level("ERROR", logger="keywork.recompute"):
        record(estate, TODAY, 50)
        record(estate, OLD_WEEK + dt.timedelta(days=2), 35)
    # the writes landed; their recomputes wait in the outbox, the figures are not yet updated
    assert RecomputeRequest.objects.filter(prison_id="OBX").count() == 2
    assert "kept in the outbox" in caplog.text
    assert delivered(OPEN_WEEK) == (0, 0, 0) and delivered(OLD_WEEK) == (0, 0, 0)

    own_redis.start()
    with celery_worker(broker_url=own_redis.url):
        # what beat sends every 5 minutes (taking every row, however young, for the test)
        tasks.sweep_recompute_outbox.delay(0)
        assert wait_for(lambda: not RecomputeRequest.objects.exists()), "the sweep did not empty the outbox"

    assert delivered(OPEN_WEEK) == (50, 1, 1)
    assert delivered(OLD_WEEK) == (35, 1, 1)
    assert clean_figures([OPEN_WEEK, OLD_WEEK]) == {OPEN_WEEK: (50, 1, 1), OLD_WEEK: (35, 1, 1)}


@pytest.mark.worker
def test_with_the_broker_up_the_job_is_enqueued_and_the_outbox_row_deleted(estate, own_redis):
    with celery_worker(broker_url=own_redis.url):
        record(estate, OLD_WEEK, 20)
        assert wait_for(lambda: delivered(OLD_WEEK) == (20, 1, 1)), delivered(OLD_WEEK)
    assert not RecomputeRequest.objects.exists()


def test_the_nightly_reconciliation_also_sweeps_the_outbox(estate, own_redis):
    own_redis.stop()
    record(estate, OLD_WEEK + dt.timedelta(days=1), 40)
    assert RecomputeRequest.objects.count() == 1 and delivered(OLD_WEEK) == (0, 0, 0)

    assert tasks.reconcile_open_weeks() == {"swept": 1}  # the task's body, as the worker runs it

    assert delivered(OLD_WEEK) == (40, 1, 1)
    assert not RecomputeRequest.objects.exists()


def test_a_refused_write_leaves_nothing_in_the_outbox(estate, own_redis):
    own_redis.stop()
    with pytest.raises(ValidationError):
        record(estate, TODAY + dt.timedelta(days=1), 30)  # in the future: refused
    assert not RecomputeRequest.objects.exists()


def test_the_periodic_sweep_leaves_young_rows_to_their_own_enqueue(estate, own_redis):
    own_redis.stop()
    record(estate, OLD_WEEK, 25)
    assert recompute.sweep_outbox() == 0  # the default minimum age: a row just written is left
    assert RecomputeRequest.objects.count() == 1
    assert recompute.sweep_outbox(older_than=dt.timedelta(0)) == 1
    assert delivered(OLD_WEEK) == (25, 1, 1) and not RecomputeRequest.objects.exists()
