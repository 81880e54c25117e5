"""load_omic and the loader service (formats.md, "Loading")."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from omic.loading import (
    CONTRACT_ORDER,
    Check,
    FileKind,
    Integer,
    LoadCounts,
    Text,
    file_loaded,
    load_extract,
    register,
    registered_kinds,
)
from omic.loading import registry as loading_registry
from omic.models import AuditEvent, Benchmark, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.db import schema
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, WingFactory

pytestmark = pytest.mark.django_db

PRISONS = """\
prison_code,name,estate,country,key_work_start_date,pom_model,pom_model_chosen_on,key_worker_capacity
LEI,HMP Leeds,male_closed,england,2019-01-07,operational,2020-04-01,
CFI,HMP Cardiff,male_closed,wales,,,,5
"""
WINGS = """\
prison_code,wing_code,name
LEI,A,A wing
LEI,B,B wing
CFI,A,A wing
"""
BENCHMARKS = """\
prison_code,effective_from,band3_benchmark_fte
LEI,2019-01-07,10.50
LEI,2024-01-01,12
CFI,2019-01-07,8.25
"""
STAFF = """\
staff_id,first_name,last_name,prison_code,band,role,fte,contracted_hours,in_post_from,in_post_to,\
key_worker_trained_on,key_worker_capacity,wing_code,status
S1,Ann,Smith,LEI,3,officer,1.00,37.5,2018-01-01,,2018-06-01,,A,
S2,Bob,Jones,LEI,3,officer,0.50,,2019-01-01,2024-06-01,,3,,unavailable
S3,Cat,Evans,CFI,4,pom,0.8,,2020-01-01,,,,,
"""
PRISONERS = """\
prison_number,first_name,last_name,date_of_birth,prison_code,wing_code,reception_date,release_date
A1234BC,John,Smith,1990-05-17,LEI,A,2024-01-03,2024-03-01
A1234BC,John,Smith,1990-05-17,CFI,,2024-03-01,
B2345CD,Dai,Jones,,LEI,B,2024-02-01,
"""
EXTRACT = {
    "prisons.csv": PRISONS,
    "wings.csv": WINGS,
    "benchmarks.csv": BENCHMARKS,
    "staff.csv": STAFF,
    "prisoners.csv": PRISONERS,
}


def write(folder, name, text, *, bom=False):
    (folder / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def write_extract(folder, **replace):
    for name, text in EXTRACT.items():
        text = replace.get(name.removesuffix(".csv"), text)
        if text is not None:
            write(folder, name, text)
    return folder


def run_command(folder, verbosity=1):
    out, err = StringIO(), StringIO()
    try:
        call_command("load_omic", str(folder), stdout=out, stderr=err, verbosity=verbosity)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def errors_of(report, name):
    return [str(e) for e in report[name].errors]


# -- the happy path ----------------------------------------------------------------------


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


def test_bom_columns_in_any_order_extra_columns_and_padding_are_accepted(tmp_path):
    write(
        tmp_path,
        "prisons.csv",
        "country,Notes,estate, prison_code ,name\r\n"
        "england,ignore me,male_open, LEI ,Somewhere\r\n"
        "wales,,female,SWA,  HMP Swansea  \r\n",
        bom=True,
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert sorted(Prison.objects.values_list("code", "name", "estate", "country")) == [
        ("LEI", "Somewhere", "male_open", "england"),
        ("SWA", "HMP Swansea", "female", "wales"),
    ]


def test_quoted_values_blank_lines_and_trailing_commas_are_read(tmp_path):
    write(
        tmp_path,
        "prisons.csv",
        'prison_code,name,estate,country\nLEI,"HMP Leeds, ""the big one""",male_closed,england,\n\n'
        'CFI,"HMP\nCardiff",male_closed,wales\n\n',
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert report["prisons.csv"].rows == 2
    assert Prison.objects.get(code="LEI").name == 'HMP Leeds, "the big one"'
    assert Prison.objects.get(code="CFI").name == "HMP\nCardiff"


def test_tabs_are_trimmed_and_a_file_with_no_blank_at_all_is_read_as_it_is(tmp_path):
    """Trimming is skipped only for a file that holds no space or tab anywhere."""
    from omic.loading.staging import _scan

    plain, tabbed = tmp_path / "plain", tmp_path / "tabbed"
    for folder, row in (
        (plain, "LEI,Leeds,male_closed,england"),
        (tabbed, "\tCFI,Cardiff\t,male_closed,wales\t"),
    ):
        folder.mkdir()
        write(folder, "prisons.csv", f"prison_code,name,estate,country\n{row}\n")
    assert (_scan(plain / "prisons.csv"), _scan(tabbed / "prisons.csv")) == ((False, False), (False, True))

    assert load_extract(directory=plain).ok
    report = load_extract(directory=tabbed)

    assert report.ok, report.errors
    assert sorted(Prison.objects.values_list("code", "name", "country")) == [
        ("CFI", "Cardiff", "wales"),
        ("LEI", "Leeds", "england"),
    ]


# -- idempotence and updates ---------------------------------------------------------------


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


CORE_MODELS = (Prison, Wing, Benchmark, StaffMember, Prisoner, CustodySpell)


def _core_rows():
    """Every core table's rows as values, without the ids a load assigns (a wing by code)."""
    rows = {}
    for model in CORE_MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        fields = ["wing__code" if f == "wing_id" else f for f in fields]
        rows[model.__name__] = sorted(model.objects.values_list(*fields))
    return rows


def test_a_bulk_first_load_writes_what_a_row_by_row_one_does_and_keeps_the_schema(tmp_path, monkeypatch):
    """Bulk mode (here from 2 rows) drops each core table's indexes and constraints, except
    the keys ON CONFLICT stands on, and rebuilds them before commit: the rows are those of
    a row-by-row load, the schema is as migrated, and a second load (which would not
    double the tables, so is row by row) changes nothing."""
    from django.db import connection

    from omic.loading import bulk

    write_extract(tmp_path)
    tables = [model._meta.db_table for model in CORE_MODELS]
    migrated = {table: schema(table) for table in tables}
    assert load_extract(directory=tmp_path).ok
    row_by_row = _core_rows()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE omic_prison, omic_prisoner CASCADE")
    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)
    in_bulk = []
    is_bulk = bulk._is_bulk
    monkeypatch.setattr(
        bulk, "_is_bulk", lambda cursor, table, n: is_bulk(cursor, table, n) and not in_bulk.append(table)
    )

    assert load_extract(directory=tmp_path).ok

    assert in_bulk == ["omic_prison", "omic_wing", "omic_benchmark", "omic_staffmember", "omic_custodyspell"]
    assert _core_rows() == row_by_row
    assert {table: schema(table) for table in tables} == migrated
    in_bulk.clear()
    again = load_extract(directory=tmp_path)
    assert (in_bulk, sum(f.inserted + f.updated for f in again.files)) == ([], 0)


@pytest.mark.parametrize(
    ("table", "columns", "arbiters"),
    [
        ("omic_staffmember", ("staff_id",), ("omic_staffmember_pkey",)),
        ("omic_wing", ("code", "prison_id"), ("wing_code_unique_in_prison",)),
        # a partial unique index, not a constraint: named as an index
        ("keywork_keyworkerallocation", ("start_date", "prisoner_id"), ("kw_alloc_natural_key",)),
        ("omic_staffmember", ("prison_id",), ()),
    ],
)
def test_unique_on_names_the_arbiters_of_an_on_conflict(table, columns, arbiters):
    from django.db import connection

    from omic.loading.bulk import unique_on

    with connection.cursor() as cursor:
        assert unique_on(cursor, table, columns) == arbiters


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


def test_a_prisoner_detail_change_alone_counts_as_one_updated_row(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    write_extract(tmp_path, prisoners=PRISONERS.replace("John,Smith", "Jon,Smith"))

    result = load_extract(directory=tmp_path)["prisoners.csv"]

    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert Prisoner.objects.get(prison_number="A1234BC").first_name == "Jon"


def test_when_a_prisoners_rows_differ_the_latest_spell_gives_the_details(tmp_path):
    write_extract(
        tmp_path,
        prisoners=PRISONERS.replace("John,Smith,1990-05-17,CFI", "Jonathan,Smith,1990-05-18,CFI"),
    )

    load_extract(directory=tmp_path)

    john = Prisoner.objects.get(prison_number="A1234BC")
    assert (john.first_name, john.date_of_birth) == ("Jonathan", dt.date(1990, 5, 18))


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


def test_a_transfer_closing_a_loaded_spell_loads_in_one_go(tmp_path):
    """The open spell is shortened before the new spell is inserted, so the database's
    no-overlap constraint never sees the two at once."""
    load_extract(directory=write_extract(tmp_path))
    write_extract(
        tmp_path,
        prisoners=PRISONERS.replace("LEI,B,2024-02-01,\n", "LEI,B,2024-02-01,2024-05-06\n")
        + "B2345CD,Dai,Jones,,CFI,A,2024-05-06,\n",
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert (report["prisoners.csv"].inserted, report["prisoners.csv"].updated) == (1, 1)
    assert list(
        CustodySpell.objects.filter(prisoner_id="B2345CD")
        .order_by("reception_date")
        .values_list("prison_id", "release_date")
    ) == [("LEI", dt.date(2024, 5, 6)), ("CFI", None)]


# -- bad rows ----------------------------------------------------------------------------

BAD_ROWS = [
    pytest.param(
        "prisons",
        PRISONS.replace(",2019-01-07,", ",2019-02-30,"),
        ["prisons.csv:2: key_work_start_date: '2019-02-30' is not a date; use YYYY-MM-DD, e.g. 2024-03-31"],
        id="impossible date",
    ),
    pytest.param(
        "prisons",
        PRISONS.replace(",2019-01-07,", ",07/01/2019,").replace(",2020-04-01,", ",today,"),
        [
            "prisons.csv:2: key_work_start_date: '07/01/2019' is not a date; use YYYY-MM-DD, e.g. 2024-03-31",
            "prisons.csv:2: pom_model_chosen_on: 'today' is not a date; use YYYY-MM-DD, e.g. 2024-03-31",
        ],
        id="date in another format",
    ),
    pytest.param(
        "prisons",
        PRISONS.replace("CFI,HMP Cardiff,male_closed", "CFI,HMP Cardiff,male"),
        [
            "prisons.csv:3: estate: 'male' is not allowed; use one of male_closed, male_open, female, "
            "youth_custody"
        ],
        id="bad estate",
    ),
    pytest.param(
        "prisons",
        PRISONS.replace("wales", "scotland").replace("operational", "remote").replace(",5\n", ",0\n"),
        [
            "prisons.csv:2: pom_model: 'remote' is not allowed; use one of operational, non_operational, or "
            "leave it empty",
            "prisons.csv:3: country: 'scotland' is not allowed; use one of england, wales",
            "prisons.csv:3: key_worker_capacity: '0' is out of range; key_worker_capacity must be from 1 to "
            "50",
        ],
        id="bad country, pom model and capacity",
    ),
    pytest.param(
        "prisons",
        PRISONS.replace("CFI,", "cfi,").replace("HMP Leeds", ""),
        [
            "prisons.csv:2: name: is empty; every row needs a name",
            "prisons.csv:3: prison_code: 'cfi' is not a prison code; use 3 capital letters, e.g. LEI",
        ],
        id="bad prison code and empty name",
    ),
    pytest.param(
        "prisons",
        PRISONS + "LEI,HMP Leeds again,male_closed,england,,,,\n",
        [
            "prisons.csv:4: prison_code: LEI appears again (first on line 2); each prison_code may appear "
            "once in the file"
        ],
        id="duplicate key",
    ),
    pytest.param(
        "wings",
        WINGS + "ZZZ,A,A wing\nLEI,C,C wing\nLEI,A,A wing again\n",
        [
            "wings.csv:5: prison_code: prison ZZZ is not known; add it to prisons.csv or correct the code",
            "wings.csv:7: prison_code: LEI, A appears again (first on line 2); each (prison_code, "
            "wing_code) may "
            "appear once in the file",
        ],
        id="unknown prison and duplicate wing",
    ),
    pytest.param(
        "benchmarks",
        BENCHMARKS + "LEI,2025-01-06,-1\nCFI,2025-01-06,1.005\nCFI,2026-01-05,lots\n",
        [
            "benchmarks.csv:5: band3_benchmark_fte: '-1' is out of range; band3_benchmark_fte must be from 0 "
            "to 999999.99",
            "benchmarks.csv:6: band3_benchmark_fte: '1.005' has more than 2 decimal places",
            "benchmarks.csv:7: band3_benchmark_fte: 'lots' is not a number; write it with a decimal point, "
            "e.g. 0.50",
        ],
        id="bad benchmark",
    ),
    pytest.param(
        "staff",
        STAFF.replace("LEI,3,officer,1.00", "LEI,12,officer,1.50").replace(
            "CFI,4,pom,0.8", "CFI,1,chef,0.333"
        ),
        [
            "staff.csv:2: band: '12' is out of range; band must be from 2 to 11",
            "staff.csv:2: fte: '1.50' is out of range; fte must be from 0.01 to 1.00",
            "staff.csv:4: band: '1' is out of range; band must be from 2 to 11",
            "staff.csv:4: role: 'chef' is not allowed; use one of officer, pom, probation_pom, manager, "
            "other",
            "staff.csv:4: fte: '0.333' has more than 2 decimal places",
        ],
        id="band, role and fte",
    ),
    pytest.param(
        "staff",
        STAFF.replace(
            "LEI,3,officer,0.50,,2019-01-01,2024-06-01", "LEI,3,officer,0.50,,2019-01-01,2019-01-01"
        )
        .replace(",,A,\n", ",,Z,\n")
        .replace("S3,Cat,Evans,CFI,4,pom,0.8,,", "S3,Cat,Evans,CFI,three,pom,0,,"),
        [
            "staff.csv:2: wing_code: wing Z is not a wing of LEI; add it to wings.csv or correct the code",
            "staff.csv:3: in_post_to: 2019-01-01 is not after in_post_from 2019-01-01; the end of a post "
            "comes "
            "after its start (leave in_post_to empty while in post)",
            "staff.csv:4: band: 'three' is not a whole number",
            "staff.csv:4: fte: '0' is out of range; fte must be from 0.01 to 1.00",
        ],
        id="unknown wing, post dates, unreadable band",
    ),
    pytest.param(
        "prisoners",
        PRISONERS.replace("B2345CD", "B2345C").replace("CFI,,2024-03-01", "CFI,Z,2024-03-01"),
        [
            "prisoners.csv:3: wing_code: wing Z is not a wing of CFI; add it to wings.csv or correct the "
            "code",
            "prisoners.csv:4: prison_number: 'B2345C' is not a prison number; use a capital letter, 4 digits "
            "and 2 capitals, e.g. A1234BC",
        ],
        id="bad prison number and unknown wing",
    ),
    pytest.param(
        "prisoners",
        PRISONERS.replace("2024-02-01,", "2024-02-01,2024-02-01").replace(",LEI,A,", ",XXX,A,"),
        [
            "prisoners.csv:2: prison_code: prison XXX is not known; add it to prisons.csv or correct the "
            "code",
            "prisoners.csv:4: release_date: 2024-02-01 is not after reception_date 2024-02-01; a spell must "
            "end "
            "after it starts (leave release_date empty while in custody)",
        ],
        id="unknown prison and release before reception",
    ),
    pytest.param(
        "prisoners",
        PRISONERS.replace("CFI,,2024-03-01,", "CFI,,2024-02-20,"),
        [
            "prisoners.csv:3: reception_date: spell overlaps the spell at LEI from 2024-01-03 (line 2); a "
            "transfer must start on or after the previous release date"
        ],
        id="overlapping spells in the file",
    ),
    pytest.param(
        "prisoners",
        PRISONERS + "A1234BC,John,Smith,1990-05-17,LEI,B,2024-01-03,\n",
        [
            "prisoners.csv:5: prison_number: A1234BC, LEI, 2024-01-03 appears again (first on line 2); each "
            "(prison_number, prison_code, reception_date) may appear once in the file"
        ],
        id="duplicate spell is a duplicate, not an overlap",
    ),
    pytest.param(
        "prisoners",
        "prison_number,prison_code,first_name\nA1234BC,LEI,John\n",
        [
            "prisoners.csv:1: reception_date: required column is missing from the header; add a "
            "reception_date column"
        ],
        id="missing required column",
    ),
    pytest.param(
        "staff",
        STAFF.replace("S2,Bob,Jones,LEI,3", "S2,Bob,Jones,LEI"),
        [
            "staff.csv:3: staff_id: the row has 13 values but the header has 14 columns; put values that "
            "contain commas in double quotes"
        ],
        id="short row",
    ),
]


@pytest.mark.parametrize(("kind", "text", "expected"), BAD_ROWS)
def test_a_file_with_bad_rows_loads_nothing_and_says_why(tmp_path, kind, text, expected):
    report = load_extract(directory=write_extract(tmp_path, **{kind: text}))

    name = f"{kind}.csv"
    assert errors_of(report, name) == expected
    assert report[name].inserted == report[name].updated == 0
    models = {
        "prisons": [Prison],
        "wings": [Wing],
        "benchmarks": [Benchmark],
        "staff": [StaffMember],
        "prisoners": [Prisoner, CustodySpell],
    }[kind]
    assert not any(model.objects.exists() for model in models)
    assert not AuditEvent.objects.filter(object_type=name).exists()
    if kind not in ("prisons", "wings"):  # the files after those refer to their rows
        assert all(f.ok for f in report.files if f.name != name), report.errors


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


def test_a_malformed_code_is_reported_once_not_also_as_unknown(tmp_path):
    write_extract(tmp_path, wings=WINGS.replace("CFI,A", "cf,A"))

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "wings.csv") == [
        "wings.csv:4: prison_code: 'cf' is not a prison code; use 3 capital letters, e.g. LEI"
    ]


def test_a_spell_overlapping_a_loaded_spell_is_refused(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    write(
        tmp_path,
        "prisoners.csv",
        "prison_number,prison_code,reception_date,release_date\n"
        "B2345CD,CFI,2024-03-04,\n"  # B2345CD is still in custody at LEI from 2024-02-01
        "A1234BC,LEI,2023-12-01,2024-01-05\n",  # runs into the loaded LEI spell from 2024-01-03
    )

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisoners.csv") == [
        "prisoners.csv:2: reception_date: spell overlaps the spell at LEI from 2024-02-01 already loaded "
        "(still "
        "in custody); a transfer must start on or after the previous release date, so give that spell its "
        "release_date in this file or correct this reception_date",
        "prisoners.csv:3: reception_date: spell overlaps the spell at LEI from 2024-01-03 already loaded; "
        "this "
        "spell needs a release_date on or before 2024-01-03",
    ]
    assert CustodySpell.objects.count() == 3


def test_a_row_with_the_same_key_replaces_the_loaded_spell_rather_than_overlapping_it(tmp_path):
    prisoner = PrisonerFactory(prison_number="C3456DE")
    leeds = PrisonFactory(code="LEI")
    CustodySpellFactory(
        prisoner=prisoner, prison=leeds, reception_date=dt.date(2024, 1, 1), release_date=None
    )
    PrisonFactory(code="CFI")
    write(
        tmp_path,
        "prisoners.csv",
        "prison_number,prison_code,reception_date,release_date\n"
        "C3456DE,CFI,2024-06-03,\n"
        "C3456DE,LEI,2024-01-01,2024-06-03\n",
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert (report["prisoners.csv"].inserted, report["prisoners.csv"].updated) == (1, 1)
    assert sorted(prisoner.spells.values_list("prison_id", "release_date")) == [
        ("CFI", None),
        ("LEI", dt.date(2024, 6, 3)),
    ]


def test_a_wing_added_in_the_database_is_known_to_the_load(tmp_path):
    WingFactory(prison=PrisonFactory(code="LEI"), code="X")
    write(
        tmp_path,
        "prisoners.csv",
        "prison_number,prison_code,wing_code,reception_date\nD4567EF,LEI,X,2024-01-01\n",
    )

    report = load_extract(directory=tmp_path)

    assert report.ok, report.errors
    assert CustodySpell.objects.get().wing.code == "X"


def test_line_numbers_count_physical_lines_after_a_quoted_newline(tmp_path):
    write(
        tmp_path,
        "prisons.csv",
        'prison_code,name,estate,country\nLEI,"HMP\nLeeds",male_closed,england\nCFI,HMP Cardiff,male,wales\n',
    )

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisons.csv") == [
        "prisons.csv:4: estate: 'male' is not allowed; use one of male_closed, male_open, female, "
        "youth_custody"
    ]


def test_bytes_that_are_not_utf8_are_reported_on_their_line(tmp_path):
    (tmp_path / "prisons.csv").write_bytes(
        b"prison_code,name,estate,country\n"
        b"LEI,HMP Leeds,male_closed,england\n"
        b"CFI,HMP C\xe6rdydd,male_closed,wales\n"
    )

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisons.csv") == [
        "prisons.csv:3: prison_code: the row has bytes that are not UTF-8; save the file as UTF-8"
    ]
    assert not Prison.objects.exists()


def test_an_empty_file_is_reported(tmp_path):
    write(tmp_path, "wings.csv", "")

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "wings.csv") == [
        "wings.csv:1: prison_code: the file is empty; it needs a header row"
    ]


def test_a_header_only_file_loads_nothing_and_is_fine(tmp_path):
    write(tmp_path, "wings.csv", "prison_code,wing_code,name\n")

    result = load_extract(directory=tmp_path)["wings.csv"]

    assert result.ok
    assert (result.rows, result.inserted) == (0, 0)


# -- the audit ---------------------------------------------------------------------------


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


# -- the command -------------------------------------------------------------------------


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


# -- the registry ------------------------------------------------------------------------


def test_omic_registers_its_files_in_the_contract_order():
    names = [k.name for k in registered_kinds()]

    assert [n for n in names if n in EXTRACT] == list(EXTRACT)
    contract = [n for n in names if n in CONTRACT_ORDER]
    assert contract == sorted(contract, key=CONTRACT_ORDER.index)


@pytest.fixture
def extra_kind():
    """A kind registered the way keywork registers sessions.csv (removed afterwards)."""
    written = []

    def write_rows(ctx):
        written.extend(ctx.fetchall("SELECT thing_id, size FROM {rows} ORDER BY line"))
        return LoadCounts(inserted=len(written))

    kind = register(
        FileKind(
            name="things.csv",
            order=75,
            key=("thing_id",),
            columns=(Text(name="thing_id", required=True), Integer(name="size", min=1, default=2)),
            checks=(
                Check(
                    "SELECT line, 'thing_id', 'thing ' || thing_id || ' is forbidden' FROM {rows} "
                    "WHERE thing_id = 'bad'"
                ),
            ),
            write=write_rows,
        )
    )
    yield kind, written
    del loading_registry._kinds["things.csv"]


def test_another_app_can_register_a_file_kind_that_loads_in_its_place(tmp_path, extra_kind):
    kind, written = extra_kind
    write_extract(tmp_path)
    write(tmp_path, "things.csv", "size,thing_id\n5,T1\n,T2\n")

    report = load_extract(directory=tmp_path)

    assert [f.name for f in report.files][-2:] == ["prisoners.csv", "things.csv"]
    assert report["things.csv"].inserted == 2
    assert written == [("T1", 5), ("T2", 2)]


def test_a_registered_kinds_checks_refuse_its_rows(tmp_path, extra_kind):
    _, written = extra_kind
    write(tmp_path, "things.csv", "thing_id,size\nT1,0\nbad,3\n")

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "things.csv") == [
        "things.csv:2: size: '0' is out of range; size must be at least 1",
        "things.csv:3: thing_id: thing bad is forbidden",
    ]
    assert written == []


def test_registering_a_different_kind_under_a_taken_name_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register(
            FileKind(name="prisons.csv", key=("x",), columns=(Text(name="x", required=True),), write=len)
        )


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


def test_a_row_at_an_unknown_prison_is_not_also_reported_as_an_overlap(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    write_extract(
        tmp_path, prisoners=PRISONERS.replace("B2345CD,Dai,Jones,,LEI,B", "B2345CD,Dai,Jones,,LEX,")
    )

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisoners.csv") == [
        "prisoners.csv:4: prison_code: prison LEX is not known; add it to prisons.csv or correct the code"
    ]


def test_a_contract_file_no_app_loads_yet_is_named_as_skipped(tmp_path, monkeypatch):
    monkeypatch.delitem(loading_registry._kinds, "wings.csv")  # as if its app were not installed
    write(tmp_path, "prisons.csv", PRISONS)
    write(tmp_path, "unknown.csv", "x\n1\n")
    unregistered = [n for n in CONTRACT_ORDER if n not in {k.name for k in registered_kinds()}]
    for name in unregistered:
        write(tmp_path, name, "x\n1\n")

    code, out, err = run_command(tmp_path)

    assert code == 0
    assert "wings.csv" in unregistered
    assert err.splitlines() == [
        f"{name}: skipped; no installed app loads this file yet" for name in unregistered
    ]
    assert out.splitlines() == ["prisons.csv: 2 rows; 2 inserted, 0 updated, 0 unchanged"]


_INTEGER_CELLS = st.one_of(
    st.integers(min_value=-(10**11), max_value=10**11).map(str),
    st.from_regex(r"\A[+-]?[0-9_]{1,12}\Z"),  # signs, leading zeros, too many digits, 1_000
    st.text(alphabet="0123456789+- .e_x", max_size=12),
)
_DATE_CELLS = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),  # years 1-999 print as 0999
    st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}\Z"),  # 2024-2-30, 2024-02-1, 10000-01-01
    st.sampled_from(["today", "3/1/2024", "20240301", "2024-03-01 BC", "Mar 1 2024", "2024-03-01T00:00"]),
    st.text(alphabet="0123456789-/ ", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(
    column_and_cells=st.one_of(
        st.tuples(st.just("integer"), st.lists(_INTEGER_CELLS, min_size=1, max_size=20)),
        st.tuples(st.just("date"), st.lists(_DATE_CELLS, min_size=1, max_size=20)),
    )
)
def test_the_quick_checks_agree_with_the_careful_ones_or_raise(column_and_cells):
    """The loader's quick check, given the cell already cast, may raise (the careful pass
    then runs) but never disagrees."""
    from django.db import DataError, connection, transaction

    from omic.loading.columns import Date, Integer
    from omic.loading.prepare import set_local_settings

    kind, cells = column_and_cells
    column = {"integer": Integer, "date": Date}[kind](name="n")
    with transaction.atomic(), connection.cursor() as cursor:
        set_local_settings(cursor)  # datestyle ISO, as the loader runs
        for cell in cells:
            cursor.execute(f"SELECT {column.readable('x')} FROM (SELECT %s::text AS x) c", [cell])
            careful = cursor.fetchone()[0]
            try:
                with transaction.atomic():
                    quick_sql = column.quick_readable("x", "v")
                    cursor.execute(
                        f"SELECT {quick_sql} FROM (SELECT x, {column.cast('x')} AS v "
                        "FROM (SELECT %s::text AS x) c OFFSET 0) c",
                        [cell],
                    )
                    quick = cursor.fetchone()[0]
            except DataError:
                continue
            assert quick == careful, cell


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
