"""Signing in and passwords: the lockout after repeated failed sign-ins (django-axes), lifting
it, and changing a password. Every change here is audited (never with a password)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse

from omic import audit
from omic.models import User
from omic.services.users import store_password


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def client_address(request) -> str | None:
    """The address a sign-in came from, as the lockout counts it.

    Behind TRUSTED_PROXY_COUNT proxies the client is the entry that many places from the
    right of X-Forwarded-For (entries further left are whatever the client sent, so they
    are never trusted); with none it is the connection's own address."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' check for sign-ins over the web: a locked-out username or address is
    refused before any password is looked at.

    authenticate() called without a request (Django's test client login, a shell) is no
    sign-in from an address: it is left to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the sign-in page as the view rendered it (its form shows
    lockout_message() in the GOV.UK error summary, omic.forms.SignInForm), as 429."""
    if isinstance(original_response, HttpResponse):
        original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
        return original_response
    return HttpResponse(lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE, content_type="text/plain")


def lockout_message() -> str:
    return (
        f"You have tried to sign in too many times. Wait {lockout_minutes()} minutes and try again, "
        "or ask your prison's admin to unlock your account."
    )


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    """Audit the moment a username or address becomes locked out (not every refusal after it:
    django-axes sends this signal for each failed sign-in while the lock lasts)."""
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures is not None and failures != limit:
        return
    audit.record(
        actor=None,
        action="sign_in.locked_out",
        object_type="user",
        object_id=(username or "")[:60],
        after={"username": (username or "")[:150], "ip_address": ip_address, "failures": failures},
        reason=f"{failures} failed sign-ins in a row",
    )


def unlock_user(*, user: User, by: User | None) -> int:
    """Lift the lockout of `user`: forget their failed sign-ins (from any address).
    Returns how many failure records were cleared; audited even when there were none."""
    username = user.get_username()
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=username)
        failures = sum(attempts.values_list("failures_since_start", flat=True))
        cleared = AxesProxyHandler.reset_attempts(username=username)
        audit.record(
            actor=by,
            action="sign_in.unlocked",
            object_type="user",
            object_id=user.pk,
            before={"username": username, "failures": failures},
            after={"username": username, "failures": 0},
        )
    return cleared


def unlock_address(*, ip_address: str, by: User | None) -> int:
    """Lift the lockout of an address: forget every failed sign-in from it (any username)."""
    with transaction.atomic():
        failures = sum(
            AccessAttempt.objects.filter(ip_address=ip_address).values_list("failures_since_start", flat=True)
        )
        cleared = AxesProxyHandler.reset_attempts(ip_address=ip_address)
        audit.record(
            actor=by,
            action="sign_in.address_unlocked",
            object_type="address",
            object_id=ip_address,
            before={"ip_address": ip_address, "failures": failures},
            after={"ip_address": ip_address, "failures": 0},
        )
    return cleared


def change_password(*, user: User, new_password: str) -> None:
    """Set a new password the user chose (the form has checked the old one and the rules)."""
    with transaction.atomic():
        # The password is the user's own now: an admin's "change it at next sign-in" is met.
        store_password(user, new_password, must_change=False)
        audit.record(
            actor=user,
            action="user.password_changed",
            object_type="user",
            object_id=user.pk,
            after={"username": user.get_username(), "password_changed": True},
        )
