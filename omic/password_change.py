"""A user given a password by an admin must choose their own before anything else: until
they do, every page but the password change, sign-out and the service pages sends them
there (formats.md: admins "set a new password that the user must change at next sign-in")."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

OPEN_WHILE_CHANGING = (
    "omic:password_change", "omic:password_change_done", "omic:logout",
    "omic:help", "omic:accessibility", "omic:privacy", "omic:cookies",
)  # fmt: skip


class MustChangePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            if self._open is None:
                self._open = tuple(reverse(name) for name in OPEN_WHILE_CHANGING)
            if request.path not in self._open and not request.path.startswith("/static/"):
                return redirect("omic:password_change")
        return self.get_response(request)
