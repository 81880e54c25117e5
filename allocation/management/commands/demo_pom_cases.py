"""`demo_pom_cases` (run by `demo_data`): POM allocations and BCST completions for the demo
estate (allocation.demo_cases)."""

from django.core.management.base import BaseCommand

from allocation.demo_cases import make_demo_cases
from omic import dates


class Command(BaseCommand):
    help = "Allocate POMs to most prisoners in scope and complete some BCSTs (demo data)."

    def handle(self, *args, **options) -> None:
        allocated, completed = make_demo_cases(today=dates.today())
        self.stdout.write(f"{allocated} POM allocations made, {completed} BCSTs completed.")
