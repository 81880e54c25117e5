"""The user service: every write to a User (role, scope, staff link, password) goes through here,
is validated, and is audited (never with the password)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
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


# ---------------------------------------------------------------------------------------------
# Admins manage the users of their prisons (formats.md `/prisons/<CODE>/users/`). An admin
# gives access only to the prison they manage it from, never makes an HQ user, and never
# touches a user's access to prisons outside their own.

ADMIN_GIVES = (Role.WING_MANAGER, Role.GOVERNOR, Role.ADMIN)
NAME_MAX_LENGTH = 150


def users_of(prison: Prison):
    """The prison's users: those given the prison, or wings in it (HQ sees every prison and is
    nobody's to manage)."""
    from django.db.models import Q

    return (
        User.objects.filter(Q(prisons=prison) | Q(wings__prison=prison))
        .exclude(role=Role.HQ)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _check_admin_scope(by: User, prison: Prison) -> None:
    if by.role != Role.ADMIN or not by.prisons.filter(pk=prison.pk).exists():
        raise PermissionDenied("only an admin of the prison manages its users")


def _check_access_choice(
    prison: Prison, role: str, wing_codes: list[str], staff_id: str | None, errors: dict
) -> list[Wing]:
    if role not in ADMIN_GIVES:
        errors.setdefault("role", []).append("Choose wing manager, governor or admin (HQ sets up HQ users).")
    wings = list(Wing.objects.filter(prison=prison, code__in=wing_codes))
    unknown = sorted(set(wing_codes) - {w.code for w in wings})
    if unknown:
        errors.setdefault("wings", []).append(f"{prison.name} has no wing {', '.join(unknown)}.")
    if role == Role.WING_MANAGER and not wing_codes:
        errors.setdefault("wings", []).append("Choose the wings this wing manager looks after.")
    if role != Role.WING_MANAGER and wing_codes:
        errors.setdefault("wings", []).append("Only wing managers have wings: clear them.")
    if staff_id and not StaffMember.objects.filter(staff_id=staff_id, prison=prison).exists():
        errors.setdefault("staff_member", []).append(f"{staff_id} is not on the staff of {prison.name}.")
    return wings


def add_user_to_prison(
    *,
    by: User,
    prison: Prison,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    wing_codes: Iterable[str] = (),
    staff_id: str | None = None,
    password: str,
) -> User:
    """A new user of `prison`, who must choose their own password at first sign-in."""
    _check_admin_scope(by, prison)
    username, staff_id = (username or "").strip(), (staff_id or "").strip() or None
    wing_codes = _codes(wing_codes)
    errors: dict[str, list[str]] = {}
    if not username:
        errors.setdefault("username", []).append("Enter a username.")
    elif User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(f"The username {username} is taken: choose another.")
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value or "") > NAME_MAX_LENGTH:
            errors.setdefault(field, []).append(f"Names must be {NAME_MAX_LENGTH} characters or fewer.")
    wings = _check_access_choice(prison, role, wing_codes, staff_id, errors)
    try:
        validate_password(password or "", User(username=username, first_name=first_name, last_name=last_name))
    except ValidationError as error:
        errors.setdefault("password", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(
            username=username,
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            role=role,
            staff_member_id=staff_id,
            must_change_password=True,
        )
        user.set_password(password)
        user.save()
        user.prisons.set([prison])
        user.wings.set(wings)
        audit.record(
            actor=by,
            action="user.add",
            prison_id=prison.pk,
            object_type="user",
            object_id=user.username,
            after=_snapshot(user),
        )
    return user


def change_user_access(
    *,
    by: User,
    prison: Prison,
    user: User,
    role: str,
    wing_codes: Iterable[str] = (),
    staff_id: str | None = None,
    is_active: bool = True,
) -> User:
    """Change a user's role, wings (in this prison), staff link, or switch them off. Their
    access to other prisons is left as it is."""
    _check_admin_scope(by, prison)
    if not users_of(prison).filter(pk=user.pk).exists():
        raise PermissionDenied("not a user of this prison")
    wing_codes, staff_id = _codes(wing_codes), (staff_id or "").strip() or None
    errors: dict[str, list[str]] = {}
    wings = _check_access_choice(prison, role, wing_codes, staff_id, errors)
    if user.pk == by.pk and (not is_active or role != Role.ADMIN):
        errors.setdefault("role", []).append("You cannot take away your own admin access: ask another admin.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(user) | {"is_active": user.is_active}
        user.role, user.staff_member_id, user.is_active = role, staff_id, is_active
        user.save(update_fields=["role", "staff_member", "is_active"])
        if role == Role.WING_MANAGER or user.prisons.filter(pk=prison.pk).exists():
            user.prisons.add(prison)
        user.wings.remove(*user.wings.filter(prison=prison).exclude(pk__in=[w.pk for w in wings]))
        user.wings.add(*wings)
        after = _snapshot(user) | {"is_active": user.is_active}
        if after != before:
            audit.record(
                actor=by,
                action="user.access",
                prison_id=prison.pk,
                object_type="user",
                object_id=user.username,
                before=before,
                after=after,
            )
    return user


def store_password(user: User, password: str, *, must_change: bool) -> None:
    """Save `user`'s new password (hashed), and whether they must choose their own at next
    sign-in: true when an admin set it, false when it is the user's own."""
    user.set_password(password)
    user.must_change_password = must_change
    user.save(update_fields=["password", "must_change_password"])


def set_new_password(*, by: User, prison: Prison, user: User, password: str) -> User:
    """A new password from an admin: the user must choose their own at next sign-in. The audit
    record says that it changed, never what to."""
    _check_admin_scope(by, prison)
    if not users_of(prison).filter(pk=user.pk).exists():
        raise PermissionDenied("not a user of this prison")
    try:
        validate_password(password or "", user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    with transaction.atomic():
        store_password(user, password, must_change=True)
        audit.record(
            actor=by,
            action="user.password_set",
            prison_id=prison.pk,
            object_type="user",
            object_id=user.username,
            after={"must_change_password": True},
        )
    return user
