"""The nightly handover recalculation on a synthetic estate (goal: 85,000 prisoners in
under 5 s). Uses DATABASE_URL (created and migrated if missing); builds the estate with
generate_series (120 prisons, N prisoners in custody, every sentence type and special
case in the mix) unless it is there already, then times three runs: the first night
(every row inserted), the next night (every row's calculated_on moves) and the same night
again (nothing changes).

    DATABASE_URL=postgres://... python bench/handover.py [--prisoners 85000]

`measure_loaded_estate` is bench/run.py's part for POM case management, on the estate
generate_estate wrote and load_omic loaded: the first load of sentences.csv, the nightly
recalculation, handover_report for the estate, and the handover dashboard's server time
for the largest prison."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omic.settings")

ESTATE = """
INSERT INTO omic_prison (code, name, estate, country, pom_model, key_worker_capacity)
SELECT chr(65 + i / 26 / 26 % 26) || chr(65 + i / 26 % 26) || chr(65 + i % 26), 'HMP ' || i,
       (ARRAY['male_closed', 'male_open', 'female', 'youth_custody'])[1 + i % 4], 'england', '', 6
FROM generate_series(0, 119) i;
INSERT INTO omic_prisoner (prison_number, first_name, last_name, date_of_birth)
SELECT 'A' || lpad((i % 10000)::text, 4, '0') || chr(65 + i / 10000 % 26) || chr(65 + i / 260000 % 26),
       'F', 'L', DATE '1960-01-01' + (i * 37 % 20000)
FROM generate_series(0, %(n)s - 1) i;
INSERT INTO omic_custodyspell (prisoner_id, prison_id, reception_date)
SELECT p.prison_number, pr.code, DATE '2020-01-01' + p.k % 2000
FROM (SELECT prison_number, abs(hashtext(prison_number)) AS k FROM omic_prisoner) p
JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS i FROM omic_prison) pr ON pr.i = p.k % 120;
INSERT INTO allocation_sentence (prisoner_id, sentence_type, sentence_start_date, parole_eligibility_date,
    automatic_release_date, conditional_release_date, tariff_expiry_date, target_hearing_date, parole_outcome,
    recall, immigration_case, early_allocation, tier, mappa_level, com_name, com_email)
SELECT prison_number,
       CASE WHEN k % 7 = 0 THEN 'indeterminate' ELSE 'determinate' END,
       DATE '2019-01-01' + k % 2000,
       CASE WHEN k % 5 = 0 THEN DATE '2025-01-01' + k % 2500 END,
       DATE '2025-01-01' + k % 2600, DATE '2025-01-01' + k % 2700,
       CASE WHEN k % 7 = 0 THEN DATE '2024-01-01' + k % 3000 END,
       CASE WHEN k % 14 = 0 THEN DATE '2025-06-01' + k % 1000 END,
       CASE WHEN k % 3 = 0 THEN 'Refused' WHEN k % 3 = 1 THEN 'Release on licence' ELSE '' END,
       k % 23 = 0, k % 29 = 0, k % 17 = 0, (ARRAY['', 'A', 'B', 'C', 'D'])[1 + k % 5],
       CASE WHEN k % 4 < 3 THEN k % 4 END,
       CASE WHEN k % 3 = 0 THEN 'Jo Bloggs' ELSE '' END, ''
FROM (SELECT prison_number, abs(hashtext(prison_number)) AS k FROM omic_prisoner) p
WHERE k % 20 <> 0;  -- one in twenty unsentenced
"""


def measure_loaded_estate(folder: Path, end: dt.date) -> list[tuple[str, str]]:
    import io
    import statistics
    import tempfile

    from django.core.management import call_command
    from django.db import connection

    from allocation import services
    from omic.loading import load_extract

    rows = []
    # sentences.csv on its own into an empty sentence table: the file's own time, and until
    # its follow-up (every prisoner's handover recalculated, Celery eager) is done.
    sentences = folder / "sentences.csv"
    lines = len(sentences.read_bytes().splitlines()) - 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE allocation_sentence")
    with tempfile.TemporaryDirectory() as only:
        (Path(only) / "sentences.csv").symlink_to(sentences)
        started = time.perf_counter()
        report = load_extract(directory=only, read_ahead=False)
        total = time.perf_counter() - started
    (result,) = report.files
    rows.append(
        (
            "load_omic of sentences.csv, empty sentence table",
            f"{lines:,} rows in {result.seconds:.2f} s = {lines / result.seconds:,.0f} rows/s "
            f"({total:.2f} s with the handover recalculation it triggers)",
        )
    )
    for label in ("nightly handover recalculation, every prisoner in custody", "the same night again"):
        started = time.perf_counter()
        result = services.recalculate_handovers(today=end)
        seconds = time.perf_counter() - started
        rows.append((label, f"{seconds:.2f} s: {result.prisoners:,} prisoners, {result.written:,} written"))
    taken = []
    for _ in range(3):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("handover_report", "--date", end.isoformat(), stdout=out)
        taken.append(time.perf_counter() - started)
    report_rows = out.getvalue().count("\n") - 1
    rows.append(
        (
            "handover_report for the estate, CSV (median of 3)",
            f"{statistics.median(taken):.2f} s: {report_rows:,} rows",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prisoners", type=int, default=85_000)
    args = parser.parse_args()
    from bench.run import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from allocation import services
    from omic.models import Prisoner

    call_command("migrate", verbosity=0)
    if Prisoner.objects.count() != args.prisoners:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE allocation_handover, allocation_sentence, omic_custodyspell, omic_prisoner, "
                "omic_prison CASCADE"
            )
            cursor.execute(ESTATE.replace("%(n)s", str(int(args.prisoners))))
            cursor.execute("ANALYZE")
    night = dt.date(2026, 12, 1)
    for label, day in (("first night", night), ("next night", night + dt.timedelta(days=1)),
                       ("same night again", night + dt.timedelta(days=1))):  # fmt: skip
        started = time.perf_counter()
        result = services.recalculate_handovers(today=day)
        seconds = time.perf_counter() - started
        print(f"{label}: {result.prisoners} prisoners, {result.written} written in {seconds:.2f} s "
              f"({result.prisoners / seconds:,.0f} prisoners/s)")  # fmt: skip


if __name__ == "__main__":
    main()
