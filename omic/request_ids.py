"""A request id on every request, every log line written while serving it, and the 500 page.

The id comes from the load balancer's X-Request-ID when it sends a sensible one (so its logs
and ours join up), otherwise a new random one. It is echoed in the response's X-Request-ID.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# Only ids that are safe to write into a log line and a page as they are.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,128}")
_current: ContextVar[str] = ContextVar("request_id", default="-")


def current() -> str:
    """The id of the request being served on this thread, or "-" outside one."""
    return _current.get()


def _from(request) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = _from(request)
        token = _current.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds record.request_id (for the log format) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a 4xx after the middleware has returned; it passes the request.
            record.request_id = getattr(getattr(record, "request", None), "id", None) or current()
        return True
