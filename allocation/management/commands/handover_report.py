import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from allocation import reports
from omic import downloads
from omic.models import Prison


def parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-06-01") from None


class Command(BaseCommand):
    help = "Write the handover report (pom.md) for a day to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True)
        parser.add_argument("--prison")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="csv")

    def handle(self, *args, date, prison=None, fmt="csv", **options):
        self.stdout.ending = ""  # csv and json write their own line ends
        day = parse_date(date, "--date")
        if prison and not Prison.objects.filter(code=prison).exists():
            raise CommandError(f"Unknown prison {prison!r}: give a prison code that has been loaded")
        rows = reports.handover_rows(on=day, prison_code=prison)
        if fmt == "json":
            downloads.write_json(rows, self.stdout)
        else:
            downloads.write_csv(rows, reports.COLUMNS, self.stdout)
