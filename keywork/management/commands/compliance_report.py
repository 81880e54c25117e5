from django.core.management.base import BaseCommand, CommandError

from keywork import reports, services
from keywork.selectors import weekly
from omic import dates, downloads
from omic.management.options import date_option
from omic.models import Prison


class Command(BaseCommand):
    help = "Write the weekly key work compliance report (formats.md) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--prison")
        parser.add_argument("--by", choices=["prison", "prisoner"], default="prison")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="csv")

    def handle(self, *args, date_from, date_to, prison=None, by="prison", fmt="csv", **options):
        self.stdout.ending = ""  # csv and json write their own line ends
        start, end = date_option(date_from, "--from"), date_option(date_to, "--to")
        if end < start:
            raise CommandError("--to is before --from")
        prisons = Prison.objects.filter(code=prison) if prison else Prison.objects.all()
        codes = list(prisons.values_list("code", flat=True))
        if prison and not codes:
            raise CommandError(f"Unknown prison {prison!r}: give a prison code that has been loaded")
        # Weeks whose Monday falls in [from, to].
        first = dates.week_start(start)
        if first < start:
            first += dates.WEEK
        last = dates.week_start(end)
        if last < first:
            return self._write([], by, fmt)
        # Never-computed weeks are computed first (a service); the rows are then only read.
        services.ensure_weeks_computed(prison_ids=codes if prison else None, week_from=first, week_to=last)
        qs = weekly.report_weeks(by=by, week_from=first, week_to=last, prison_id=prison)
        rows = (
            reports.prison_rows(qs.iterator(chunk_size=5000))
            if by == "prison"
            else reports.prisoner_rows(qs.iterator(chunk_size=5000))
        )
        self._write(rows, by, fmt)

    def _write(self, rows, by, fmt):
        columns = reports.PRISON_COLUMNS if by == "prison" else reports.PRISONER_COLUMNS
        if fmt == "json":
            downloads.write_json(rows, self.stdout)
        else:
            downloads.write_csv(rows, columns, self.stdout)
