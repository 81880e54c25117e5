"""`create_bcsts [--date D]`: backfill the BCST tasks of new custody episodes received in the
28 days before D (default today), e.g. after deploying onto an estate loaded before BCSTs
existed. Idempotent; the same service as the loader's (allocation.services.bcst)."""

import datetime as dt

from django.core.management.base import BaseCommand

from allocation import services
from allocation.services.bcst import BACKFILL_DAYS


class Command(BaseCommand):
    help = f"Create the BCST tasks of new custody episodes received in the last {BACKFILL_DAYS} days."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="the day to count back from (YYYY-MM-DD)"
        )

    def handle(self, *args, **options) -> None:
        created = services.create_bcsts(today=options["date"])
        self.stdout.write(f"{created} BCST task{'' if created == 1 else 's'} created.")
