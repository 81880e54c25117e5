import pytest


@pytest.fixture
def eager_celery():
    """Tasks run in-process while the test runs, as in the demo (no REDIS_URL)."""
    from omic.celery import app

    eager = app.conf.task_always_eager
    app.conf.update(task_always_eager=True)
    yield
    app.conf.update(task_always_eager=eager)
