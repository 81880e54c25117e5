"""Middleware of the whole app: personal data is never cached, and a control character in an
address or form gets a plain 400 page instead of reaching the database (psycopg2 refuses NUL)."""

from __future__ import annotations

import re

from django.http.multipartparser import MultiPartParserError

from omic import errors

# In an address (path, query names and values) no control character has a meaning.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# In a typed form value tab, line feed and carriage return are text (a note's lines).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class NoStoreMiddleware:
    """Cache-Control: no-store on every response of the app's pages and downloads.

    Nearly every page and every download names prisoners or staff, so no page is kept by a
    browser or a proxy. Static files never get here: whitenoise, before this middleware,
    answers them with its own long-lived caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


def _has_control(pairs, pattern: re.Pattern) -> bool:
    return any(pattern.search(key) or any(pattern.search(v) for v in values) for key, values in pairs)


def bad_input_in(request) -> str | None:
    """Where the request carries a character it may not ("address" or "form"), or None."""
    if _CONTROL.search(request.path_info) or _has_control(request.GET.lists(), _CONTROL):
        return "address"
    if request.method == "POST" and _has_control(request.POST.lists(), _CONTROL_IN_TEXT):
        return "form"
    return None


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            where = bad_input_in(request)
        except MultiPartParserError:
            where = "form"
        if where is not None:
            return errors.bad_input(request, where=where)
        return self.get_response(request)
