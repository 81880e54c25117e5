"""A real Celery worker on Redis: a session recorded through the service changes the
prison-week figure without anyone calling the engine."""

import datetime as dt
import os
import time
from decimal import Decimal

import pytest
from django.conf import settings

from keywork import compliance, services
from keywork.models import PrisonWeek
from omic import dates
from tests import factories
from tests.processes import celery_worker

pytestmark = pytest.mark.worker


@pytest.fixture
def celery_worker_process(transactional_db):
    """Start `celery worker` against the test database and the Redis broker."""
    assert settings.REDIS_URL, "the worker test needs REDIS_URL (the README's test command sets it)"
    # A queue of this run's own, so no other worker on the same Redis can take its tasks.
    with celery_worker(broker_url=settings.REDIS_URL, queue=f"test-worker-{os.getpid()}") as proc:
        yield proc


def test_session_recorded_through_the_service_reaches_the_dashboard_via_a_real_worker(
    transactional_db, celery_worker_process, settings
):
    today = dates.today()
    monday = dates.week_start(today)
    prison = factories.PrisonFactory(code="WRK")
    factories.BenchmarkFactory(prison=prison, band3_benchmark_fte=Decimal("1.00"))
    officer = factories.StaffMemberFactory(staff_id="W1", prison=prison)
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="W1234AB", prison=prison, reception_date=monday - dt.timedelta(days=30)
    )
    compliance.recompute(week_from=monday, week_to=monday, prison_ids=["WRK"])
    assert PrisonWeek.objects.get(prison_id="WRK", week_start=monday).delivered_minutes == 0

    user = factories.UserFactory(role="admin")
    services.record_session(
        recorded_by=user,
        prisoner=spell.prisoner,
        prison=prison,
        key_worker=officer,
        date=today,
        minutes=50,
        kind="structured_interview",
    )

    deadline = time.monotonic() + 20
    week = PrisonWeek.objects.get(prison_id="WRK", week_start=monday)
    while week.delivered_minutes != 50 and time.monotonic() < deadline:
        time.sleep(0.1)
        week = PrisonWeek.objects.get(prison_id="WRK", week_start=monday)
    assert (week.delivered_minutes, week.sessions, week.prisoners_seen) == (50, 1, 1)


def test_broker_outage_never_fails_the_write_and_logs_the_missed_prison_week(
    db, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker refuses the publish (as Redis does when it is down): the session still
    saves and the missed prison-week is logged for the nightly reconciliation."""
    from kombu.exceptions import OperationalError

    from keywork import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.recompute_prison_weeks, "apply_async", broker_down)
    prison = factories.PrisonFactory(code="OUT")
    officer = factories.StaffMemberFactory(staff_id="O1", prison=prison)
    spell = factories.CustodySpellFactory(
        prisoner__prison_number="O1234AB",
        prison=prison,
        reception_date=dates.today() - dt.timedelta(days=30),
    )
    user = factories.UserFactory(role="admin")
    logged = caplog.at_level("ERROR", logger="keywork.recompute")
    with logged, django_capture_on_commit_callbacks(execute=True):
        session = services.record_session(
            recorded_by=user,
            prisoner=spell.prisoner,
            prison=prison,
            key_worker=officer,
            date=dates.today(),
            minutes=30,
            kind="other",
        )
    assert session.pk is not None
    week = dates.week_start(dates.today())
    assert f"recompute not enqueued: prison OUT weeks {week} to {week}" in caplog.text
