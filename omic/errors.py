"""The error pages: 400 for input the app refuses, 500 with the request id to quote."""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from omic import request_ids

SERVICE_NAME = "Manage key work and POM cases"
logger = logging.getLogger(__name__)


def bad_input(request, *, where: str) -> HttpResponse:
    """The address or form held a character the app does not accept (a control character)."""
    return render(request, "400.html", {"where": where}, status=400)


def bad_request(request, exception=None) -> HttpResponse:
    """handler400: Django's own refusals (a bad Host header, too many fields)."""
    try:
        return render(request, "400.html", {"where": "request"}, status=400)
    except Exception:  # the page must not fail too: plain text instead
        logger.exception("the 400 page could not be rendered")
        return HttpResponseBadRequest("Bad request.", content_type="text/plain")


def server_error(request) -> HttpResponse:
    """handler500: the GOV.UK problem page with the request id that the logged traceback carries.

    It renders without the request's context processors: the fault may be the database,
    and the signed-in user, the header's prisons and the messages all read it."""
    request_id = getattr(request, "id", None) or request_ids.current()
    try:
        context = {"request_id": request_id, "service_name": SERVICE_NAME}
        page = loader.get_template("500.html").render(context)
    except Exception:  # the page must not fail too: plain text instead
        logger.exception("the 500 page could not be rendered")
        page = f"Sorry, there is a problem with the service. Request id: {request_id}"
        return HttpResponseServerError(page, content_type="text/plain")
    return HttpResponseServerError(page)
