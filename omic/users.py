"""The user service: every write to a User (role, scope, staff link, password) goes through here,
is validated, and is audited (never with the password)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from omic import audit
from omic.models import Prison, Role, StaffMember, User, Wing


def _codes(values: Iterable[str]) -> list[str]:
    """Strip, drop blanks and duplicates, keep order."""
    seen: dict[str, None] = {}
    for value in values:
        value = (value or "").strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "role": user.role,
        "prisons": sorted(user.prisons.values_list("code", flat=True)),
        "wings": sorted(f"{prison}-{code}" for prison, code in user.wings.values_list("prison_id", "code")),
        "staff_id": user.staff_member_id,
    }


def save_user(
    *,
    username: str,
    role: str,
    prison_codes: Iterable[str] = (),
    wing_codes: Iterable[str] = (),
    staff_id: str | None = None,
    password: str | None = None,
    by: User | None = None,
) -> tuple[User, bool]:
    """Create or update the user `username`; returns (user, created).

    Wing codes are per prison: a code W means wing W in each of the given prisons that has one.
    A password of None leaves an existing password alone (a new user gets an unusable one).
    Raises ValidationError keyed by field name."""
    username = (username or "").strip()
    prison_codes = [code.upper() for code in _codes(prison_codes)]
    wing_codes = _codes(wing_codes)
    staff_id = (staff_id or "").strip() or None
    errors: dict[str, list[str]] = {}

    if not username:
        errors.setdefault("username", []).append("A username is required.")
    if role not in Role.values:
        errors.setdefault("role", []).append(
            f"{role!r} is not a role; choose one of {', '.join(Role.values)}."
        )

    prisons = list(Prison.objects.filter(code__in=prison_codes))
    missing = [code for code in prison_codes if code not in {p.code for p in prisons}]
    if missing:
        errors.setdefault("prisons", []).append(f"No such prison: {', '.join(missing)}.")

    wings: list[Wing] = []
    if wing_codes:
        if not prison_codes:
            errors.setdefault("wings", []).append("Wings need the prisons they are in (--prisons).")
        else:
            wings = list(Wing.objects.filter(prison__in=prisons, code__in=wing_codes))
            found = {wing.code for wing in wings}
            unknown = [code for code in wing_codes if code not in found]
            if unknown:
                errors.setdefault("wings", []).append(
                    f"No wing {', '.join(unknown)} in {', '.join(prison_codes)}."
                )

    staff = None
    if staff_id is not None:
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            errors.setdefault("staff_member", []).append(f"No such staff member: {staff_id}.")

    existing = User.objects.filter(username=username).first() if username else None
    if password is not None:
        candidate = existing or User(username=username)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            errors.setdefault("password", []).extend(error.messages)

    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        before = None if created else _snapshot(user)
        if created:
            user = User(username=username)
        user.role = role
        user.staff_member = staff
        if password is not None:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        user.prisons.set(prisons)
        user.wings.set(wings)
        after = _snapshot(user)
        after["password_changed"] = password is not None
        audit.record(
            actor=by,
            action="user.save",
            prison_id=prison_codes[0] if prison_codes else None,
            object_type="user",
            object_id=user.pk,
            before=before,
            after=after,
        )
    return user, created
