"""Reading ahead (omic/loading/read_ahead.py): a second connection stages each file while
the loading connection writes the files before it. It needs each file's transaction to
really commit, so these tests run outside a test transaction."""

import pytest
from django.db import connection

from omic.loading import Progress, file_loaded, load_extract, read_ahead
from omic.loading.read_ahead import PREFIX, drop_abandoned
from omic.models import Benchmark, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.omic.loading.extract import BAD_ROWS, EXTRACT, PRISONERS, errors_of, load_bad_rows, write_extract

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def every_file_is_big(monkeypatch):
    """The test extracts are tiny: read every file after the first ahead."""
    monkeypatch.setattr(read_ahead, "MIN_BYTES", 0)


def staged_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s ORDER BY 1", [PREFIX + "%"])
        return [name for (name,) in cursor.fetchall()]


def estate_rows():
    """Everything the extract wrote, without generated ids."""
    return {
        "prisons": sorted(Prison.objects.values_list("code", "name", "key_worker_capacity")),
        "wings": sorted(Wing.objects.values_list("prison_id", "code", "name")),
        "benchmarks": sorted(
            Benchmark.objects.values_list("prison_id", "effective_from", "band3_benchmark_fte")
        ),
        "staff": sorted(StaffMember.objects.values_list("staff_id", "prison_id", "band", "fte", "status")),
        "prisoners": sorted(Prisoner.objects.values_list("prison_number", "first_name", "date_of_birth")),
        "spells": sorted(
            CustodySpell.objects.values_list(
                "prisoner_id", "prison_id", "wing__code", "reception_date", "release_date"
            )
        ),
    }


@pytest.fixture
def staged_from():
    """The rows table each loaded file's writer read (via file_loaded)."""
    names = []

    def receiver(sender, ctx, counts, **kwargs):
        names.append(ctx.rows)

    file_loaded.connect(receiver)
    yield names
    file_loaded.disconnect(receiver)


class Recorded(Progress):
    def __init__(self):
        self.events = []
        self.bytes = {}

    def bytes_read(self, name, count):
        self.bytes[name] = self.bytes.get(name, 0) + count

    def phase(self, name, phase, seconds, rows=None):
        self.events.append((name, phase))


def test_a_load_read_ahead_writes_what_one_connection_writes_and_leaves_no_staged_table(
    tmp_path, staged_from
):
    progress = Recorded()
    report = load_extract(directory=write_extract(tmp_path), progress=progress)
    assert report.ok, report.errors
    ahead = estate_rows()
    # each file after the first was read from the tables the second connection staged
    assert len(staged_from) == len(EXTRACT)
    assert not staged_from[0].startswith(PREFIX)
    assert all(name.startswith(PREFIX) for name in staged_from[1:]), staged_from
    assert staged_tables() == []
    # the bytes it read were shown as the loading connection waited or took each file
    for name in EXTRACT:
        assert 0 < progress.bytes[name] <= (tmp_path / name).stat().st_size
        assert [p for n, p in progress.events if n == name] == ["read", "check", "write"]

    for model in (CustodySpell, Prisoner, StaffMember, Benchmark, Wing, Prison):
        model.objects.all().delete()
    report = load_extract(directory=tmp_path, read_ahead=False)
    assert report.ok, report.errors
    assert estate_rows() == ahead
    assert ahead["spells"][0] == ("A1234BC", "CFI", None, *ahead["spells"][0][3:])
    assert len(ahead["spells"]) == 3


@pytest.mark.parametrize(("kind", "text", "expected"), BAD_ROWS)
def test_bad_rows_read_ahead_are_reported_as_by_one_connection(tmp_path, kind, text, expected):
    load_bad_rows(tmp_path, kind, text, expected)
    assert staged_tables() == []


def test_a_cross_file_check_sees_the_rows_written_after_staging_began(tmp_path):
    """A prisoner's spell at a prison added by the same load: the prisoners file is staged
    before prisons.csv commits, and checked after (an unknown prison is still reported)."""
    prisoners = PRISONERS + "C3456DE,Ian,Rees,,LEX,,2024-02-01,\n"

    report = load_extract(directory=write_extract(tmp_path, prisoners=prisoners))

    assert errors_of(report, "prisoners.csv") == [
        "prisoners.csv:5: prison_code: prison LEX is not known; add it to prisons.csv or correct the code"
    ]
    assert staged_tables() == []


def test_the_staged_tables_are_dropped_when_a_load_stops_part_way(tmp_path):
    def receiver(sender, ctx, counts, **kwargs):
        if sender == "benchmarks.csv":
            raise RuntimeError("an app's hook failed")

    file_loaded.connect(receiver)
    try:
        with pytest.raises(RuntimeError, match="hook failed"):
            load_extract(directory=write_extract(tmp_path))
    finally:
        file_loaded.disconnect(receiver)

    assert staged_tables() == []
    assert Wing.objects.count() == 3  # committed before the failure
    assert not Benchmark.objects.exists()  # its transaction rolled back
    assert not StaffMember.objects.exists()  # never reached


def test_tables_of_a_loader_that_died_are_dropped_and_a_live_loaders_are_kept():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (live,) = cursor.fetchone()
        cursor.execute("SELECT max(pid) + 1000000 FROM pg_stat_activity")
        (dead,) = cursor.fetchone()
        for pid in (live, dead):
            cursor.execute(f"CREATE UNLOGGED TABLE {PREFIX}{pid}_0_raw (line integer)")

    assert drop_abandoned() == [f"{PREFIX}{dead}_0_raw"]
    assert staged_tables() == [f"{PREFIX}{live}_0_raw"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PREFIX}{live}_0_raw")


def test_a_load_inside_a_callers_transaction_stages_on_its_own_connection(tmp_path, staged_from):
    from django.db import transaction

    with transaction.atomic():
        report = load_extract(directory=write_extract(tmp_path))

    assert report.ok, report.errors
    assert not any(name.startswith(PREFIX) for name in staged_from)
    assert Prisoner.objects.count() == 2


def test_the_last_files_checks_are_shared_between_the_two_connections(tmp_path):
    """Once nothing is left to stage, every other check of a file runs on the staging
    connection; the messages come back in the kind's order either way."""
    from omic.loading import Check, FileKind, LoadCounts, Text, register
    from omic.loading import registry as loading_registry

    def checked_by(thing):
        return Check(
            "SELECT line, 'thing_id', 'checked by ' || pg_backend_pid() "
            f"FROM {{rows}} WHERE thing_id = '{thing}'"
        )

    register(
        FileKind(
            name="things.csv",
            order=75,  # after prisoners.csv: the last file
            key=("thing_id",),
            columns=(Text(name="thing_id", required=True),),
            checks=(checked_by("c0"), checked_by("c1"), checked_by("c2")),
            write=lambda ctx: LoadCounts(),
        )
    )
    try:
        write_extract(tmp_path)
        (tmp_path / "things.csv").write_text("thing_id\nc2\nc1\nc0\n")
        report = load_extract(directory=tmp_path)
    finally:
        del loading_registry._kinds["things.csv"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (loading,) = cursor.fetchone()

    errors = report["things.csv"].errors
    assert [e.line for e in errors] == [2, 3, 4]
    by = {e.line: int(e.message.removeprefix("checked by ")) for e in errors}
    assert by[4] == by[2] == loading  # c0 and c2
    assert by[3] != loading  # c1, on the staging connection
    assert staged_tables() == []


def test_only_big_files_are_read_ahead_and_a_small_last_file_is_checked_where_it_was_staged(
    tmp_path, staged_from, monkeypatch
):
    """The small files are staged by the loading connection (in its own transaction, where
    the staging connection cannot see them, so it checks them too, even when the staging
    connection has nothing left to do); the big ones after the first are read ahead."""
    write_extract(tmp_path)
    sizes = {name: (tmp_path / name).stat().st_size for name in EXTRACT}
    biggest = max(sizes, key=sizes.get)
    assert biggest == "staff.csv"  # then prisoners.csv, the last file, is small
    monkeypatch.setattr(read_ahead, "MIN_BYTES", sizes[biggest])

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    ahead = [name for name, staged in zip(EXTRACT, staged_from, strict=True) if staged.startswith(PREFIX)]
    assert ahead == ["staff.csv"]
    assert estate_rows()["prisoners"][0][0] == "A1234BC"
    assert staged_tables() == []
