import pytest


@pytest.fixture
def recompute_calls(monkeypatch):
    """The (prison, days) of every recompute a service schedules."""
    calls = []
    monkeypatch.setattr(
        "keywork.recompute.schedule_recompute",
        lambda *, prison_id, days, prisoner_ids=None: calls.append((prison_id, sorted(set(days)))),
    )
    return calls


@pytest.fixture
def eager_celery():
    """Tasks run in-process while the test runs, as in the demo (no REDIS_URL)."""
    from omic.celery import app

    eager = app.conf.task_always_eager
    app.conf.update(task_always_eager=True)
    yield
    app.conf.update(task_always_eager=eager)
