"""The loader service (omic/loading/service.py): a whole extract, file by file, each in
one transaction, audited (formats.md, "Loading")."""

import datetime as dt
from decimal import Decimal

import pytest

from omic.loading import file_loaded, load_extract
from omic.models import AuditEvent, Benchmark, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.omic.loading.extract import (
    BENCHMARKS,
    PRISONERS,
    PRISONS,
    STAFF,
    WINGS,
    errors_of,
    run_command,
    write,
    write_extract,
)

pytestmark = pytest.mark.django_db


def test_a_whole_extract_loads_with_values_and_defaults(tmp_path):
    report = load_extract(directory=write_extract(tmp_path))

    assert report.ok, report.errors
    assert [f.name for f in report.files] == [
        "prisons.csv",
        "wings.csv",
        "benchmarks.csv",
        "staff.csv",
        "prisoners.csv",
    ]
    assert [(f.rows, f.inserted, f.updated, f.unchanged) for f in report.files] == [
        (2, 2, 0, 0),
        (3, 3, 0, 0),
        (3, 3, 0, 0),
        (3, 3, 0, 0),
        (3, 3, 0, 0),
    ]
    leeds = Prison.objects.get(code="LEI")
    assert (leeds.name, leeds.estate, leeds.country) == ("HMP Leeds", "male_closed", "england")
    assert leeds.key_work_start_date == dt.date(2019, 1, 7)
    assert (leeds.pom_model, leeds.pom_model_chosen_on) == ("operational", dt.date(2020, 4, 1))
    assert leeds.key_worker_capacity == 6  # empty cell: the default
    cardiff = Prison.objects.get(code="CFI")
    assert (cardiff.country, cardiff.key_work_start_date, cardiff.pom_model) == ("wales", None, "")
    assert cardiff.key_worker_capacity == 5

    assert sorted(Wing.objects.values_list("prison_id", "code", "name")) == [
        ("CFI", "A", "A wing"),
        ("LEI", "A", "A wing"),
        ("LEI", "B", "B wing"),
    ]
    assert sorted(Benchmark.objects.values_list("prison_id", "effective_from", "band3_benchmark_fte")) == [
        ("CFI", dt.date(2019, 1, 7), Decimal("8.25")),
        ("LEI", dt.date(2019, 1, 7), Decimal("10.50")),
        ("LEI", dt.date(2024, 1, 1), Decimal("12.00")),
    ]

    ann, bob, cat = StaffMember.objects.order_by("staff_id")
    assert (ann.first_name, ann.last_name, ann.prison_id, ann.band, ann.role) == (
        "Ann",
        "Smith",
        "LEI",
        3,
        "officer",
    )
    assert (ann.fte, ann.contracted_hours, ann.status) == (Decimal("1.00"), Decimal("37.5"), "active")
    assert ann.wing == Wing.objects.get(prison_id="LEI", code="A")
    assert (ann.in_post_from, ann.in_post_to, ann.key_worker_trained_on) == (
        dt.date(2018, 1, 1),
        None,
        dt.date(2018, 6, 1),
    )
    assert ann.key_worker_capacity is None
    assert (bob.contracted_hours, bob.status, bob.key_worker_capacity) == (Decimal("39"), "unavailable", 3)
    assert (bob.in_post_to, bob.key_worker_trained_on, bob.wing) == (dt.date(2024, 6, 1), None, None)
    assert (cat.fte, cat.band, cat.role, cat.status) == (Decimal("0.80"), 4, "pom", "active")

    john = Prisoner.objects.get(prison_number="A1234BC")
    assert (john.first_name, john.last_name, john.date_of_birth) == ("John", "Smith", dt.date(1990, 5, 17))
    assert Prisoner.objects.get(prison_number="B2345CD").date_of_birth is None
    spells = list(
        CustodySpell.objects.order_by("prisoner_id", "reception_date").values_list(
            "prisoner_id", "prison_id", "wing__code", "reception_date", "release_date"
        )
    )
    assert spells == [
        ("A1234BC", "LEI", "A", dt.date(2024, 1, 3), dt.date(2024, 3, 1)),
        ("A1234BC", "CFI", None, dt.date(2024, 3, 1), None),
        ("B2345CD", "LEI", "B", dt.date(2024, 2, 1), None),
    ]


def test_loading_the_same_folder_twice_changes_nothing(tmp_path):
    write_extract(tmp_path)
    load_extract(directory=tmp_path)
    counts_before = [
        m.objects.count() for m in (Prison, Wing, Benchmark, StaffMember, Prisoner, CustodySpell)
    ]
    spells_before = list(CustodySpell.objects.order_by("id").values())

    again = load_extract(directory=tmp_path)

    assert again.ok
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [
        (0, 0, 2),
        (0, 0, 3),
        (0, 0, 3),
        (0, 0, 3),
        (0, 0, 3),
    ]
    assert [
        m.objects.count() for m in (Prison, Wing, Benchmark, StaffMember, Prisoner, CustodySpell)
    ] == counts_before
    assert list(CustodySpell.objects.order_by("id").values()) == spells_before
    second_run = AuditEvent.objects.filter(action="load_file").order_by("-id")[:5]
    assert {e.object_type: e.after for e in second_run} == {
        "prisons.csv": {"inserted": 0, "updated": 0, "unchanged": 2, "rows": 2},
        "wings.csv": {"inserted": 0, "updated": 0, "unchanged": 3, "rows": 3},
        "benchmarks.csv": {"inserted": 0, "updated": 0, "unchanged": 3, "rows": 3},
        "staff.csv": {"inserted": 0, "updated": 0, "unchanged": 3, "rows": 3},
        "prisoners.csv": {"inserted": 0, "updated": 0, "unchanged": 3, "rows": 3},
    }


def test_changed_rows_are_updated_and_counted(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    write_extract(
        tmp_path,
        prisons=PRISONS.replace("HMP Leeds", "HMP Leeds (new)"),
        benchmarks=BENCHMARKS.replace("8.25", "9.00"),
        staff=STAFF.replace(
            "S3,Cat,Evans,CFI,4,pom,0.8,,2020-01-01,,,,,",
            "S3,Cat,Evans,CFI,4,pom,0.8,,2020-01-01,,,,,inactive",
        ),
        prisoners=PRISONERS.replace("2024-02-01,", "2024-02-01,2024-04-01").replace(
            "Dai,Jones", "Dai,Davies"
        ),
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert [(f.name, f.inserted, f.updated, f.unchanged) for f in report.files] == [
        ("prisons.csv", 0, 1, 1),
        ("wings.csv", 0, 0, 3),
        ("benchmarks.csv", 0, 1, 2),
        ("staff.csv", 0, 1, 2),
        ("prisoners.csv", 0, 1, 2),
    ]
    assert Prison.objects.get(code="LEI").name == "HMP Leeds (new)"
    assert Benchmark.objects.get(prison_id="CFI").band3_benchmark_fte == Decimal("9.00")
    assert StaffMember.objects.get(staff_id="S3").status == "inactive"
    dai = Prisoner.objects.get(prison_number="B2345CD")
    assert dai.last_name == "Davies"
    assert dai.spells.get().release_date == dt.date(2024, 4, 1)


def test_an_absent_optional_column_keeps_existing_values_and_defaults_new_rows(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    only = tmp_path / "again"
    only.mkdir()
    write(
        only,
        "prisons.csv",
        "prison_code,name,estate,country\n"
        "CFI,HMP Cardiff,male_closed,wales\n"
        "BMI,HMP Birmingham,male_closed,england\n",
    )

    report = load_extract(directory=only)

    assert (report["prisons.csv"].inserted, report["prisons.csv"].updated) == (1, 0)
    assert Prison.objects.get(code="CFI").key_worker_capacity == 5  # not reset to the default
    assert Prison.objects.get(code="BMI").key_worker_capacity == 6


def test_other_files_load_when_one_is_bad(tmp_path):
    write_extract(tmp_path, benchmarks=BENCHMARKS.replace("10.50", "ten"))

    report = load_extract(directory=tmp_path)

    assert not report.ok
    assert [f.name for f in report.files if not f.ok] == ["benchmarks.csv"]
    assert not Benchmark.objects.exists()
    assert StaffMember.objects.count() == 3
    assert CustodySpell.objects.count() == 3


def test_files_that_need_a_refused_prisons_file_report_unknown_prisons(tmp_path):
    write_extract(tmp_path, prisons=PRISONS.replace("england", "England"))

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisons.csv") == [
        "prisons.csv:2: country: 'England' is not allowed; use one of england, wales"
    ]
    assert "wings.csv:2: prison_code: prison LEI is not known; add it to prisons.csv or correct the code" in (
        errors_of(report, "wings.csv")
    )
    assert not Prison.objects.exists()


def test_one_audit_record_per_file_loaded(tmp_path):
    write_extract(tmp_path, benchmarks=BENCHMARKS.replace("LEI,2024-01-01", "LEI,"))

    run_command(tmp_path)

    events = AuditEvent.objects.filter(action="load_file").order_by("id")
    assert [e.object_type for e in events] == ["prisons.csv", "wings.csv", "staff.csv", "prisoners.csv"]
    first = events[0]
    assert first.actor is None
    assert first.actor_name.endswith("(load_omic)")
    assert first.after == {"inserted": 2, "updated": 0, "unchanged": 0, "rows": 2}


def test_the_service_records_the_acting_user(tmp_path, make_user):
    admin = make_user("admin")
    write(tmp_path, "prisons.csv", PRISONS)

    load_extract(directory=tmp_path, actor=admin)

    event = AuditEvent.objects.get(action="load_file")
    assert (event.actor, event.actor_name, event.object_type) == (admin, admin.username, "prisons.csv")


def test_file_loaded_is_sent_with_the_staged_rows_after_each_write(tmp_path):
    seen = []

    def receiver(sender, ctx, counts, **kwargs):
        seen.append((sender, counts.inserted, ctx.fetchall("SELECT prison_code FROM {rows} ORDER BY line")))

    file_loaded.connect(receiver)
    try:
        write_extract(tmp_path, wings=WINGS.replace("B wing", ""))
        load_extract(directory=tmp_path)
    finally:
        file_loaded.disconnect(receiver)

    assert [s[0] for s in seen] == ["prisons.csv", "benchmarks.csv"]  # wings.csv (and so the rest) refused
    assert seen[0] == ("prisons.csv", 2, [("LEI",), ("CFI",)])


@pytest.mark.django_db(transaction=True)
def test_a_big_file_gets_room_to_stage_in_memory_on_a_fresh_connection(tmp_path):
    """Staging in temporary tables (no read-ahead), temp_buffers is raised for the biggest
    file before the connection's first temporary table, and a later, smaller file leaves it
    alone (PostgreSQL would refuse the change)."""
    from django.db import connection

    from omic.loading import service

    def temp_buffers():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'temp_buffers'")
            return cursor.fetchone()[0]

    connection.close()  # a fresh connection: no temporary table used yet
    (tmp_path / "prisons.csv").write_text("prison_code,name,estate,country\nLEI,Leeds,male_closed,england\n")
    long_name = "x" * 90
    wings = "prison_code,wing_code,name\n" + "".join(f"LEI,W{n},{long_name}\n" for n in range(30_000))
    (tmp_path / "wings.csv").write_text(wings)
    wanted = (tmp_path / "wings.csv").stat().st_size * service.STAGING_BYTES_PER_FILE_BYTE
    assert temp_buffers() < wanted

    load_extract(directory=tmp_path, read_ahead=False)
    assert wanted <= temp_buffers() < wanted + 8192  # in 8 kB blocks

    service.load_file(path=tmp_path / "prisons.csv")  # smaller: nothing to change
    service._room_for_staging(wanted * 2)  # bigger, but the buffers are fixed now: no error
    assert wanted <= temp_buffers() < wanted + 8192  # in 8 kB blocks
