"""`add_user USERNAME --role ROLE [--prisons LEI,BMI] [--wings A,B] [--staff-id ID]`: create or
update a user through omic.services.users.save_user. The password comes from OMIC_PASSWORD, or is asked
for twice on a terminal; it is never a command-line argument."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from omic.models import Role
from omic.services.users import save_user


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create or update a user. The password is read from OMIC_PASSWORD, or asked for on a terminal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of {', '.join(Role.values)}")
        parser.add_argument("--prisons", default="", help="comma-separated prison codes, e.g. LEI,BMI")
        parser.add_argument("--wings", default="", help="comma-separated wing codes, e.g. A,B")
        parser.add_argument("--staff-id", default=None, help="the staff member this user is")

    def _password(self) -> str:
        password = os.environ.get("OMIC_PASSWORD")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError("No password and no terminal to ask on: set OMIC_PASSWORD.")
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The passwords do not match.")
        if not first:
            raise CommandError("The password may not be empty.")
        return first

    def handle(self, *args, **options) -> None:
        password = self._password()
        try:
            user, created = save_user(
                username=options["username"],
                role=options["role"],
                prison_codes=_split(options["prisons"]),
                wing_codes=_split(options["wings"]),
                staff_id=options["staff_id"],
                password=password,
            )
        except ValidationError as error:
            raise CommandError(_message(error)) from error
        scope = ", ".join(user.prisons.values_list("code", flat=True)) or "no prisons"
        self.stdout.write(f"{'Created' if created else 'Updated'} {user.username} ({user.role}; {scope})")
