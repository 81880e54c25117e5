from django.core.management.base import BaseCommand

from allocation import reports
from omic import downloads
from omic.management.options import date_option, require_loaded_prison

NOT_A_DATE = "{option} {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-06-01"


class Command(BaseCommand):
    help = "Write the handover report (pom.md) for a day to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True)
        parser.add_argument("--prison")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="csv")

    def handle(self, *args, date, prison=None, fmt="csv", **options):
        self.stdout.ending = ""  # csv and json write their own line ends
        day = date_option(date, "--date", NOT_A_DATE)
        require_loaded_prison(prison)
        rows = reports.handover_rows(on=day, prison_code=prison)
        if fmt == "json":
            downloads.write_json(rows, self.stdout)
        else:
            downloads.write_csv(rows, reports.COLUMNS, self.stdout)
