"""A 500 is logged with its traceback and the request id, and the 500 page shows that id."""

import logging
import re

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture
def failing_client(client, settings, db):
    settings.ROOT_URLCONF = "tests.omic.failing_urls"
    assert settings.DEBUG is False  # pytest-django runs with DEBUG off, as production does
    client.raise_request_exception = False
    return client


def request_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]


def test_a_500_shows_the_request_id_and_logs_the_traceback_with_it(failing_client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.get("/fails/", headers={"x-request-id": "lb-7f3a9c21-0001"})

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert '<strong class="govuk-!-font-weight-bold" id="request-id">lb-7f3a9c21-0001</strong>' in html
    assert "secret-looking detail" not in html and "Traceback" not in html  # nothing leaks to the user
    assert response["X-Request-ID"] == "lb-7f3a9c21-0001"
    assert response["Cache-Control"] == "no-store"

    [record] = request_errors(caplog)
    assert record.request_id == "lb-7f3a9c21-0001"
    assert record.exc_info is not None and record.exc_info[0].__name__ == "DeliberateFault"
    # As the configured handler writes it to stderr: the id on the line, then the traceback.
    [handler] = logging.getLogger("django").handlers
    assert isinstance(handler, logging.StreamHandler)
    assert "stream" not in django_settings.LOGGING["handlers"]["console"]  # so stderr
    line = handler.format(record)
    assert line.splitlines()[0].endswith("request_id=lb-7f3a9c21-0001 Internal Server Error: /fails/")
    assert "Traceback (most recent call last):" in line
    assert "DeliberateFault: a deliberate fault for the test" in line


def test_without_an_id_from_the_load_balancer_a_new_one_is_made(failing_client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        first = failing_client.get("/fails/")
        second = failing_client.get("/fails/")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert ids[0] != ids[1]
    assert [r.request_id for r in request_errors(caplog)] == ids
    for response, request_id in zip((first, second), ids, strict=True):
        assert request_id in response.content.decode()


@pytest.mark.parametrize(
    "offered", ["short", "has space in it", "x" * 129, "<script>alert(1)</script>", "a\x1bb-1234567"]
)
def test_an_unsafe_offered_id_is_replaced(failing_client, offered, caplog):
    response = failing_client.get("/fails/", headers={"x-request-id": offered})
    assert response["X-Request-ID"] != offered
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_every_response_carries_its_request_id(client, db):
    response = client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_4xx_is_logged_with_its_request_id_too(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/login/?next=%00", headers={"x-request-id": "lb-7f3a9c21-0002"})
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert logging.getLogger("django").handlers[0].filter(record)
    assert record.request_id == "lb-7f3a9c21-0002"
