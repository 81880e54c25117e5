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


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    """A fast password hasher, and static files served without a collectstatic manifest."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
