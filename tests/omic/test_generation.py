"""generate_estate: the synthetic estate is deterministic and written in the formats.md contract,
and the generate_estate command writes it or loads it. That every row obeys the rules load_omic
will check (keywork.md) is tests/omic/test_generation_rows.py, over this module's `estate`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from omic.generation import generate_estate
from omic.generation.days import last_sunday_before
from omic.management.commands import generate_estate as command_module

END = dt.date(2025, 3, 30)  # a Sunday
WEEKS = 10
OPTIONS = {"prisons": 9, "prisoners": 2500, "weeks": WEEKS, "seed": 11, "end": END}

# The contract, copied from formats.md and pom.md rather than imported from the generator.
CONTRACT = {
    "prisons.csv": "prison_code,name,estate,country,key_work_start_date,pom_model,pom_model_chosen_on,"
    "key_worker_capacity",
    "wings.csv": "prison_code,wing_code,name",
    "benchmarks.csv": "prison_code,effective_from,band3_benchmark_fte",
    "staff.csv": "staff_id,first_name,last_name,prison_code,band,role,fte,contracted_hours,in_post_from,"
    "in_post_to,key_worker_trained_on,key_worker_capacity,wing_code,status",
    "prisoners.csv": "prison_number,first_name,last_name,date_of_birth,prison_code,wing_code,reception_date,"
    "release_date",
    "sentences.csv": "prison_number,sentence_type,sentence_start_date,parole_eligibility_date,"
    "automatic_release_date,conditional_release_date,tariff_expiry_date,target_hearing_date,parole_outcome,"
    "recall,immigration_case,early_allocation,tier,mappa_level,com_name,com_email",
    "allocations.csv": "prison_number,staff_id,prison_code,start_date,end_date",
    "sessions.csv": "session_id,prison_number,staff_id,prison_code,date,duration_minutes,kind",
}
DATE_COLUMNS = {
    "prisons.csv": ("key_work_start_date", "pom_model_chosen_on"),
    "benchmarks.csv": ("effective_from",),
    "staff.csv": ("in_post_from", "in_post_to", "key_worker_trained_on"),
    "prisoners.csv": ("date_of_birth", "reception_date", "release_date"),
    "sentences.csv": (
        "sentence_start_date",
        "parole_eligibility_date",
        "automatic_release_date",
        "conditional_release_date",
        "tariff_expiry_date",
        "target_hearing_date",
    ),
    "allocations.csv": ("start_date", "end_date"),
    "sessions.csv": ("date",),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("estate")
    generate_estate(out, **OPTIONS)
    return out


@pytest.fixture(scope="module")
def estate(folder) -> dict[str, list[dict[str, str]]]:
    return {name: read(folder, name) for name in CONTRACT}


# Determinism and format


def test_same_seed_and_end_give_byte_identical_files(folder, tmp_path):
    generate_estate(tmp_path, **OPTIONS)
    for name in CONTRACT:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_a_different_seed_gives_different_files(folder, tmp_path):
    generate_estate(tmp_path, **{**OPTIONS, "seed": 12})
    for name in ("prisoners.csv", "staff.csv", "sessions.csv"):
        assert (tmp_path / name).read_bytes() != (folder / name).read_bytes(), name


def test_every_file_has_exactly_the_contract_header(folder):
    for name, header in CONTRACT.items():
        with (folder / name).open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\r\n") == header, name


def test_dates_are_iso_or_empty(estate):
    for name, columns in DATE_COLUMNS.items():
        for row in estate[name]:
            for column in columns:
                assert row[column] == "" or ISO_DATE.match(row[column]), (name, column, row[column])


# The command

SMALL_ESTATE = ["--prisons", "5", "--prisoners", "300", "--weeks", "3", "--end", "2025-03-30"]


def test_last_sunday_before_today():
    assert last_sunday_before(dt.date(2025, 3, 31)) == dt.date(2025, 3, 30)  # Monday
    assert last_sunday_before(dt.date(2025, 4, 5)) == dt.date(2025, 3, 30)  # Saturday
    assert last_sunday_before(dt.date(2025, 4, 6)) == dt.date(2025, 3, 30)  # Sunday: the one before


def test_command_writes_the_files_to_out_quietly(tmp_path):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "generate_estate",
        *SMALL_ESTATE,
        "--seed",
        "4",
        "--out",
        str(tmp_path),
        verbosity=0,
        stdout=stdout,
        stderr=stderr,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CONTRACT)
    assert stdout.getvalue() == stderr.getvalue() == ""


def test_command_reports_progress_and_counts(tmp_path):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate_estate", *SMALL_ESTATE, "--out", str(tmp_path), stdout=stdout, stderr=stderr)
    assert "sessions.csv" in stderr.getvalue()
    assert str(tmp_path) in stdout.getvalue()
    sessions = len(read(tmp_path, "sessions.csv"))
    assert f"{sessions:,} rows" in stdout.getvalue()


def test_command_without_out_loads_a_temporary_folder(monkeypatch):
    calls = []

    def fake_call_command(name, folder, **kwargs):
        calls.append((name, sorted(p.name for p in Path(folder).iterdir())))

    monkeypatch.setattr(command_module, "call_command", fake_call_command)
    call_command("generate_estate", "--prisons", "4", "--prisoners", "100", "--weeks", "2", verbosity=0)
    assert calls == [("load_omic", sorted(CONTRACT))]


def test_command_refuses_an_end_in_the_future():
    with pytest.raises(CommandError, match="future"):
        call_command("generate_estate", "--end", "2999-01-04", "--out", "unused", verbosity=0)
