"""`python manage.py allocate_key_workers --prison CODE [--date DATE] [--confirm]` (formats.md).

Prints the proposal as CSV (prison_number, staff_id, reason) sorted by prison number; with
--confirm it also saves it, as allocations starting on DATE (default today) with no end date.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from keywork.auto_allocation import propose_allocations
from keywork.services import confirm_allocations
from omic import dates, downloads
from omic.management.options import date_option
from omic.models import Prison

PROPOSAL_COLUMNS = ("prison_number", "staff_id", "reason")


class Command(BaseCommand):
    help = (
        "Propose key workers for the prisoners of a prison who have none (CSV); --confirm saves the proposal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prison", required=True, help="prison code, e.g. LEI")
        parser.add_argument("--date", help="YYYY-MM-DD: the day allocations start (default today)")
        parser.add_argument("--confirm", action="store_true", help="save the proposal as allocations")

    def handle(self, *args, prison: str, date: str | None, confirm: bool, **options) -> None:
        code = prison.strip().upper()
        found = Prison.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"Unknown prison: {prison}")
        on = date_option(date, "--date") if date else dates.today()

        proposals = sorted(propose_allocations(prison=found, on=on), key=lambda p: p.prison_number)
        downloads.write_csv((p._asdict() for p in proposals), PROPOSAL_COLUMNS, self.stdout)

        if confirm:
            try:
                created = confirm_allocations(prison=found, on=on, confirmed_by=None, proposals=proposals)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            # Standard error, so that standard output stays a clean CSV.
            self.stderr.write(f"Saved {len(created)} allocations at {found.code} starting {on.isoformat()}.")
