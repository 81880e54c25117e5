from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min

from keywork import compliance
from omic import dates
from omic.management.options import date_option, require_loaded_prison
from omic.models import CustodySpell


class Command(BaseCommand):
    help = "Recompute the weekly key work figures (the same code the Celery jobs run)."

    def add_arguments(self, parser):
        parser.add_argument("--prison", help="prison code (default: every prison)")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (default: earliest custody spell)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (default: the current week)")

    def handle(self, *args, prison=None, date_from=None, date_to=None, **options):
        require_loaded_prison(prison)
        end = date_option(date_to, "--to") if date_to else dates.today()
        if date_from:
            start = date_option(date_from, "--from")
        else:
            spells = CustodySpell.objects.filter(prison_id=prison) if prison else CustodySpell.objects.all()
            start = spells.aggregate(first=Min("reception_date"))["first"] or end
        if end < start:
            raise CommandError("--to is before --from")
        self.stderr.write(f"Recomputing weeks {dates.week_start(start)} to {dates.week_start(end)}…")
        result = compliance.recompute(week_from=start, week_to=end, prison_ids=[prison] if prison else None)
        self.stdout.write(
            f"Wrote {result.prison_weeks} prison-weeks and {result.prisoner_weeks} prisoner-weeks "
            f"in {result.seconds:.2f} s ({result.mode})"
        )
