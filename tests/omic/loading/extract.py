"""The small extract the loader's tests load (omic's five files), how they write it and
read the report, and the bad rows each file kind refuses (also read ahead, in
test_read_ahead.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from omic.loading import load_extract
from omic.models import AuditEvent

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


def load_bad_rows(folder, kind, text, expected):
    """Load the extract with `kind`'s file replaced by `text` (a BAD_ROWS case): its errors are
    `expected`, it wrote no row and no audit record. Returns the report and the file's name."""
    report = load_extract(directory=write_extract(folder, **{kind: text}))
    name = f"{kind}.csv"
    assert errors_of(report, name) == expected
    assert report[name].inserted == report[name].updated == 0
    assert not AuditEvent.objects.filter(object_type=name).exists()
    return report, name


def bad(case, text, *messages):
    """A BAD_ROWS case: the file the `messages` name, given as `text`, is refused with them."""
    kind = messages[0].split(".csv:")[0]
    return pytest.param(kind, text, list(messages), id=case)


BAD_ROWS = [
    bad(
        "impossible date",
        PRISONS.replace(",2019-01-07,", ",2019-02-30,"),
        "prisons.csv:2: key_work_start_date: '2019-02-30' is not a date; use YYYY-MM-DD, e.g. 2024-03-31",
    ),
    bad(
        "date in another format",
        PRISONS.replace(",2019-01-07,", ",07/01/2019,").replace(",2020-04-01,", ",today,"),
        "prisons.csv:2: key_work_start_date: '07/01/2019' is not a date; use YYYY-MM-DD, e.g. 2024-03-31",
        "prisons.csv:2: pom_model_chosen_on: 'today' is not a date; use YYYY-MM-DD, e.g. 2024-03-31",
    ),
    bad(
        "bad estate",
        PRISONS.replace("CFI,HMP Cardiff,male_closed", "CFI,HMP Cardiff,male"),
        "prisons.csv:3: estate: 'male' is not allowed; use one of male_closed, male_open, female, "
        "youth_custody",
    ),
    bad(
        "bad country, pom model and capacity",
        PRISONS.replace("wales", "scotland").replace("operational", "remote").replace(",5\n", ",0\n"),
        "prisons.csv:2: pom_model: 'remote' is not allowed; use one of operational, non_operational, or "
        "leave it empty",
        "prisons.csv:3: country: 'scotland' is not allowed; use one of england, wales",
        "prisons.csv:3: key_worker_capacity: '0' is out of range; key_worker_capacity must be from 1 to 50",
    ),
    bad(
        "bad prison code and empty name",
        PRISONS.replace("CFI,", "cfi,").replace("HMP Leeds", ""),
        "prisons.csv:2: name: is empty; every row needs a name",
        "prisons.csv:3: prison_code: 'cfi' is not a prison code; use 3 capital letters, e.g. LEI",
    ),
    bad(
        "duplicate key",
        PRISONS + "LEI,HMP Leeds again,male_closed,england,,,,\n",
        "prisons.csv:4: prison_code: LEI appears again (first on line 2); each prison_code may appear "
        "once in the file",
    ),
    bad(
        "unknown prison and duplicate wing",
        WINGS + "ZZZ,A,A wing\nLEI,C,C wing\nLEI,A,A wing again\n",
        "wings.csv:5: prison_code: prison ZZZ is not known; add it to prisons.csv or correct the code",
        "wings.csv:7: prison_code: LEI, A appears again (first on line 2); each (prison_code, wing_code) "
        "may appear once in the file",
    ),
    bad(
        "bad benchmark",
        BENCHMARKS + "LEI,2025-01-06,-1\nCFI,2025-01-06,1.005\nCFI,2026-01-05,lots\n",
        "benchmarks.csv:5: band3_benchmark_fte: '-1' is out of range; band3_benchmark_fte must be from 0 "
        "to 999999.99",
        "benchmarks.csv:6: band3_benchmark_fte: '1.005' has more than 2 decimal places",
        "benchmarks.csv:7: band3_benchmark_fte: 'lots' is not a number; write it with a decimal point, "
        "e.g. 0.50",
    ),
    bad(
        "band, role and fte",
        STAFF.replace("LEI,3,officer,1.00", "LEI,12,officer,1.50").replace(
            "CFI,4,pom,0.8", "CFI,1,chef,0.333"
        ),
        "staff.csv:2: band: '12' is out of range; band must be from 2 to 11",
        "staff.csv:2: fte: '1.50' is out of range; fte must be from 0.01 to 1.00",
        "staff.csv:4: band: '1' is out of range; band must be from 2 to 11",
        "staff.csv:4: role: 'chef' is not allowed; use one of officer, pom, probation_pom, manager, other",
        "staff.csv:4: fte: '0.333' has more than 2 decimal places",
    ),
    bad(
        "unknown wing, post dates, unreadable band",
        STAFF.replace(
            "LEI,3,officer,0.50,,2019-01-01,2024-06-01", "LEI,3,officer,0.50,,2019-01-01,2019-01-01"
        )
        .replace(",,A,\n", ",,Z,\n")
        .replace("S3,Cat,Evans,CFI,4,pom,0.8,,", "S3,Cat,Evans,CFI,three,pom,0,,"),
        "staff.csv:2: wing_code: wing Z is not a wing of LEI; add it to wings.csv or correct the code",
        "staff.csv:3: in_post_to: 2019-01-01 is not after in_post_from 2019-01-01; the end of a post comes "
        "after its start (leave in_post_to empty while in post)",
        "staff.csv:4: band: 'three' is not a whole number",
        "staff.csv:4: fte: '0' is out of range; fte must be from 0.01 to 1.00",
    ),
    bad(
        "bad prison number and unknown wing",
        PRISONERS.replace("B2345CD", "B2345C").replace("CFI,,2024-03-01", "CFI,Z,2024-03-01"),
        "prisoners.csv:3: wing_code: wing Z is not a wing of CFI; add it to wings.csv or correct the code",
        "prisoners.csv:4: prison_number: 'B2345C' is not a prison number; use a capital letter, 4 digits "
        "and 2 capitals, e.g. A1234BC",
    ),
    bad(
        "unknown prison and release before reception",
        PRISONERS.replace("2024-02-01,", "2024-02-01,2024-02-01").replace(",LEI,A,", ",XXX,A,"),
        "prisoners.csv:2: prison_code: prison XXX is not known; add it to prisons.csv or correct the code",
        "prisoners.csv:4: release_date: 2024-02-01 is not after reception_date 2024-02-01; a spell must "
        "end after it starts (leave release_date empty while in custody)",
    ),
    bad(
        "overlapping spells in the file",
        PRISONERS.replace("CFI,,2024-03-01,", "CFI,,2024-02-20,"),
        "prisoners.csv:3: reception_date: spell overlaps the spell at LEI from 2024-01-03 (line 2); a "
        "transfer must start on or after the previous release date",
    ),
    bad(
        "duplicate spell is a duplicate, not an overlap",
        PRISONERS + "A1234BC,John,Smith,1990-05-17,LEI,B,2024-01-03,\n",
        "prisoners.csv:5: prison_number: A1234BC, LEI, 2024-01-03 appears again (first on line 2); each "
        "(prison_number, prison_code, reception_date) may appear once in the file",
    ),
    bad(
        "missing required column",
        "prison_number,prison_code,first_name\nA1234BC,LEI,John\n",
        "prisoners.csv:1: reception_date: required column is missing from the header; add a "
        "reception_date column",
    ),
    bad(
        "short row",
        STAFF.replace("S2,Bob,Jones,LEI,3", "S2,Bob,Jones,LEI"),
        "staff.csv:3: staff_id: the row has 13 values but the header has 14 columns; put values that "
        "contain commas in double quotes",
    ),
]
