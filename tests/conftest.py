import os

import pytest

from tests import factories


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every test must run: a skip is turned into a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which must run every test: {report.longrepr}"


@pytest.fixture
def make_user(db):
    """make_user(role, prisons=[...], wings=[...]) -> a signed-in-able user."""

    def _make(role, prisons=(), wings=(), **kwargs):
        user = factories.UserFactory(role=role, **kwargs)
        user.prisons.set(prisons)
        user.wings.set(wings)
        return user

    return _make


@pytest.fixture
def users(estate, make_user):
    """One user of each role over the test module's `estate` (LEI, its wing A, and BMI): the
    wing manager of LEI's wing A, LEI's governor and admin, HQ, and an admin of BMI only."""
    return {
        "wing_manager": make_user("wing_manager", wings=[estate["wing_a"]]),
        "governor": make_user("governor", prisons=[estate["lei"]]),
        "admin": make_user("admin", prisons=[estate["lei"]]),
        "other_admin": make_user("admin", prisons=[estate["bmi"]]),
        "hq": make_user("hq"),
    }


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    """A fast password hasher (production-strength hashing costs ~0.3 s a user), and static files
    served straight from static/ (the manifest storage needs collectstatic first; live_server's
    static handler serves the plain /static/ names the pages link)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def queries_do_not_grow(django_assert_max_num_queries):
    """queries_do_not_grow(fetch, grow, at_most=30): `fetch()` costs at most `at_most` queries,
    and after `grow()` has added rows it costs no more than it did (no N+1). Returns what the
    second fetch returned."""

    def check(fetch, grow, at_most=30):
        with django_assert_max_num_queries(at_most) as before:
            fetch()
        grow()
        with django_assert_max_num_queries(len(before.captured_queries)):
            return fetch()

    return check


@pytest.fixture
def eager_celery():
    """Tasks run in-process while the test runs, as in the demo (no REDIS_URL)."""
    from omic.celery import app

    eager = app.conf.task_always_eager
    app.conf.update(task_always_eager=True)
    yield
    app.conf.update(task_always_eager=eager)
