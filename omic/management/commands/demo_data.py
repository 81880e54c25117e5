"""`demo_data [--force]` (for `make demo`): load a synthetic estate if there is none (or --force),
create the demo users with settings.DEMO_PASSWORD, and recompute the weekly figures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from omic.generation.days import last_sunday_before, today_in_london
from omic.models import Estate, Prison, Role
from omic.services.users import save_user

DEMO_USERS = ("demo-wing", "demo-governor", "demo-admin", "demo-hq")


class Command(BaseCommand):
    help = "Load a demo estate (unless one is loaded; --force to reload) and create the demo users."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="generate and load the estate even if prisons exist"
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        loaded = False
        if options["force"] or not Prison.objects.exists():
            end = last_sunday_before(today_in_london())
            call_command(
                "generate_estate", prisons=6, prisoners=3000, weeks=12, seed=1, end=end,
                verbosity=verbosity, stdout=self.stdout, stderr=self.stderr,
            )
            loaded = True
        else:
            self.stdout.write("The data is already loaded (--force to reload it); creating the demo users.")

        self._create_users()

        if loaded and "recompute_compliance" in get_commands():
            start = end - dt.timedelta(weeks=13)
            call_command(
                "recompute_compliance", "--from", start.isoformat(), "--to", end.isoformat(),
                verbosity=verbosity, stdout=self.stdout, stderr=self.stderr,
            )

        # POM allocations and BCST completions, which the extracts do not carry (allocation's command).
        if loaded and "demo_pom_cases" in get_commands():
            call_command("demo_pom_cases", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)

        self.stdout.write("Demo users: " + ", ".join(DEMO_USERS))
        self.stdout.write(f"Password: {settings.DEMO_PASSWORD}")

    def _create_users(self) -> None:
        prisons = list(Prison.objects.order_by("code"))
        home = next((p for p in prisons if p.estate == Estate.MALE_CLOSED), None)
        if home is None:
            raise CommandError("No male closed prison to give the demo users.")
        second = next((p for p in prisons if p.code != home.code), None)
        wings = list(home.wings.order_by("code").values_list("code", flat=True)[:2])
        password = settings.DEMO_PASSWORD
        users = [
            ("demo-wing", Role.WING_MANAGER, [home.code], wings),
            ("demo-governor", Role.GOVERNOR, [home.code], []),
            ("demo-admin", Role.ADMIN, [home.code] + ([second.code] if second else []), []),
            ("demo-hq", Role.HQ, [], []),
        ]
        for username, role, prison_codes, wing_codes in users:
            try:
                save_user(
                    username=username, role=role, prison_codes=prison_codes,
                    wing_codes=wing_codes, password=password,
                )
            except ValidationError as error:
                raise CommandError(f"{username}: {' '.join(error.messages)}") from error
