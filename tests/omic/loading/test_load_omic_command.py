"""`python manage.py load_omic DIR` (omic/management/commands/load_omic.py): its summary,
its exit status and its progress."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.omic.loading.extract import PRISONERS, PRISONS, STAFF, run_command, write, write_extract

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_summary_per_file(tmp_path):
    code, out, err = run_command(write_extract(tmp_path))

    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        "prisons.csv: 2 rows; 2 inserted, 0 updated, 0 unchanged",
        "wings.csv: 3 rows; 3 inserted, 0 updated, 0 unchanged",
        "benchmarks.csv: 3 rows; 3 inserted, 0 updated, 0 unchanged",
        "staff.csv: 3 rows; 3 inserted, 0 updated, 0 unchanged",
        "prisoners.csv: 3 rows; 3 inserted, 0 updated, 0 unchanged",
    ]


def test_the_command_exits_with_status_1_and_lists_every_bad_row(tmp_path):
    write_extract(
        tmp_path,
        staff=STAFF.replace("LEI,3,officer,1.00", "LEI,3,officer,2"),
        prisoners=PRISONERS.replace("CFI,,2024-03-01", "CFI,,2024-02-29"),
    )

    code, out, err = run_command(tmp_path)

    assert code == 1
    assert "prisons.csv: 2 rows; 2 inserted" in out
    assert err.splitlines() == [
        "staff.csv: 1 bad row of 3; nothing loaded from this file",
        "staff.csv:2: fte: '2' is out of range; fte must be from 0.01 to 1.00",
        "prisoners.csv: 1 bad row of 3; nothing loaded from this file",
        "prisoners.csv:3: reception_date: spell overlaps the spell at LEI from 2024-01-03 (line 2); a "
        "transfer "
        "must start on or after the previous release date",
    ]


def test_the_command_needs_an_existing_folder(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("load_omic", str(tmp_path / "nowhere"), stdout=StringIO(), stderr=StringIO())


def test_the_command_says_so_when_the_folder_has_none_of_the_files(tmp_path):
    write(tmp_path, "readme.txt", "hello")

    with pytest.raises(CommandError, match="holds none of the files load_omic reads: prisons.csv, wings.csv"):
        call_command("load_omic", str(tmp_path), stdout=StringIO(), stderr=StringIO())


def test_progress_is_shown_at_verbosity_2_and_quiet_otherwise(tmp_path):
    write(tmp_path, "prisons.csv", PRISONS)

    _, _, quiet = run_command(tmp_path)
    _, _, verbose = run_command(tmp_path, verbosity=2)

    assert quiet == ""
    assert "prisons.csv: read done in" in verbose
    assert "prisons.csv: check done in" in verbose
    assert "prisons.csv: write done in" in verbose
