"""`generate_estate`: write a realistic synthetic estate as the CSV files of formats.md,
into --out, or (without --out) into a temporary folder that is then loaded with
`load_omic`. National scale is `--prisons 120 --prisoners 85000 --weeks 52`."""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from omic.generation import FILES, generate_estate
from omic.generation.days import last_sunday_before, today_in_london


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from error


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


class Command(BaseCommand):
    help = (
        "Generate a synthetic estate (prisons, wings, benchmarks, staff, prisoners, sentences, "
        "key worker allocations and sessions) as CSV files; load it unless --out is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--prisons", type=positive, default=8, help="number of prisons (default 8)")
        parser.add_argument(
            "--prisoners", type=not_negative, default=4000, help="distinct prisoners in total (default 4000)"
        )
        parser.add_argument("--weeks", type=positive, default=12, help="weeks of sessions (default 12)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--end", type=iso_date, default=None,
            help="last day of the data, YYYY-MM-DD (default: the last Sunday before today, Europe/London)",
        )
        parser.add_argument("--out", default=None, help="write the files here and do not load them")

    def handle(self, *args, **options) -> None:
        today = today_in_london()
        end = options["end"] or last_sunday_before(today)
        if end > today:
            raise CommandError(f"--end {end} is in the future: no session may be dated after today ({today})")
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stderr.write(message)

        arguments = {
            "prisons": options["prisons"],
            "prisoners": options["prisoners"],
            "weeks": options["weeks"],
            "seed": options["seed"],
            "end": end,
            "progress": progress,
        }
        if options["out"]:
            out = Path(options["out"])
            counts = self._generate(out, arguments, verbosity)
            self._report(out, counts, end, arguments["weeks"], verbosity)
            return
        with tempfile.TemporaryDirectory(prefix="omic-estate-") as folder:
            counts = self._generate(Path(folder), arguments, verbosity)
            self._report(Path(folder), counts, end, arguments["weeks"], verbosity)
            if verbosity >= 1:
                self.stdout.write(f"Loading {folder} with load_omic")
            call_command("load_omic", folder, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)

    def _generate(self, out: Path, arguments: dict, verbosity: int) -> dict[str, int]:
        started = time.monotonic()
        try:
            counts = generate_estate(out, **arguments)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            self.stderr.write(f"Generated in {time.monotonic() - started:.1f} s")
        return counts

    def _report(self, out: Path, counts: dict[str, int], end: dt.date, weeks: int, verbosity: int) -> None:
        if verbosity < 1:
            return
        first = end - dt.timedelta(days=7 * weeks - 1)
        self.stdout.write(f"Wrote {len(counts)} files to {out} (data from {first} to {end}):")
        for name in FILES:
            self.stdout.write(f"  {name:<16} {counts[name]:>10,} rows")
