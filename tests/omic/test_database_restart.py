"""PostgreSQL restarted while the app serves (issue 17, "Faults"): the app, run as production
runs it (gunicorn, DEBUG off), answers with the 500 page while the database is down, and
serves again as soon as it is back, without being restarted -- also when the database
restarted between two requests, leaving the app's kept connection dead (CONN_HEALTH_CHECKS).
A PostgreSQL server of the test's own, stopped and started by the test."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.processes import PostgresServer, free_port, wait_for

PASSWORD = "restart-test-password-1"


@pytest.fixture(scope="module")
def database():
    server = PostgresServer()
    try:
        server.start()
        server.create_database("omic")
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def app(database):
    """gunicorn on the server, one worker and one thread (so one kept database connection),
    with a migrated database and an HQ user."""
    test_only = {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(
        DATABASE_URL=database.url("omic"),
        SECRET_KEY="restart-test-" + "x" * 40,
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="600",
        OMIC_PASSWORD=PASSWORD,
    )
    manage = [sys.executable, "manage.py"]
    quiet = {"env": env, "cwd": settings.BASE_DIR, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **quiet)
    # DEBUG off serves the collected, hashed static files (incremental: quick once done)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], **quiet)
    subprocess.run([*manage, "add_user", "hq-restart", "--role", "hq"], **quiet)
    port = free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "omic.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
    gunicorn += ["--threads", "1", "--timeout", "60", "--graceful-timeout", "2"]
    proc = subprocess.Popen(gunicorn, env=env, cwd=settings.BASE_DIR, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _answers(f"{base}/help/"), seconds=30), "gunicorn did not start"
        yield {"base": base, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200  # noqa: S310 (our http address)
    except OSError:
        return False


class Browser:
    """A signed-in user's requests (cookies kept; errors returned, not raised)."""

    def __init__(self, base: str):
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def get(self, path: str) -> tuple[int, str, float]:
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), time.monotonic() - started

    def sign_in(self, username: str, password: str) -> None:
        _, page, _ = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        request = urllib.request.Request(  # noqa: S310 (our http address)
            self.base + "/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": self.base}
        )
        with self.opener.open(request, timeout=30) as response:
            assert response.url == self.base + "/", "the sign-in did not land on the home page"


def test_while_postgresql_is_down_pages_are_the_500_page_and_they_serve_again_once_it_is_back(database, app):
    browser = Browser(app["base"])
    browser.sign_in("hq-restart", PASSWORD)
    status, page, _ = browser.get("/hq/")
    assert status == 200

    database.stop()
    for path in ("/", "/hq/", "/search/?q=A1234BC"):
        status, page, seconds = browser.get(path)
        assert status == 500, path
        assert "Sorry, there is a problem with the service" in page
        reference = re.search(r"[0-9a-f]{32}|[0-9a-f-]{36}", page)
        assert reference, "the 500 page gives the request id to quote"
        assert "Traceback" not in page and "OperationalError" not in page
        assert seconds < 10, f"{path} took {seconds:.1f} s to fail"

    database.start()
    # the first request after PostgreSQL is back is served: no restart of the app
    status, page, _ = browser.get("/hq/")
    assert status == 200
    assert app["proc"].poll() is None


def test_a_restart_between_two_requests_does_not_fail_the_next_one(database, app):
    """The app keeps its database connection between requests (CONN_MAX_AGE); PostgreSQL
    restarted in between has closed it: the next request must check it and connect again."""
    browser = Browser(app["base"])
    browser.sign_in("hq-restart", PASSWORD)
    assert browser.get("/hq/")[0] == 200
    database.stop()
    database.start()
    for _ in range(3):
        status, _, _ = browser.get("/hq/")
        assert status == 200
