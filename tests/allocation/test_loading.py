"""sentences.csv as a load_omic file kind (formats.md "Loading", pom.md "Sentence record")."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from allocation.models import Handover, Sentence
from omic.loading import registered_kinds
from omic.models import AuditEvent
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "prison_number,sentence_type,sentence_start_date,parole_eligibility_date,automatic_release_date,"
    "conditional_release_date,tariff_expiry_date,target_hearing_date,parole_outcome,recall,"
    "immigration_case,early_allocation,tier,mappa_level,com_name,com_email\n"
)
GOOD = (
    HEADER + "A1234BC,determinate,2024-01-01,,2026-11-02,2026-12-01,,,,false,FALSE,true,A,,Jo Bloggs,"
    "jo.bloggs@justice.gov.uk\n"
    + "B2345CD,indeterminate,2015-03-01,,,,2027-03-15,2020-09-01,Refused,true,false,,C,2,,\n"
)


@pytest.fixture
def estate():
    lei = PrisonFactory(code="LEI")
    for number in ("A1234BC", "B2345CD"):
        CustodySpellFactory(prisoner=PrisonerFactory(prison_number=number), prison=lei)
    return lei


def load(tmp_path, text, name="sentences.csv"):
    folder = tmp_path / "extract"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("load_omic", str(folder), stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def test_sentences_take_their_place_in_the_contract_order():
    names = [k.name for k in registered_kinds()]
    assert names.index("prisoners.csv") < names.index("sentences.csv") < names.index("allocations.csv")


def test_happy_path_loads_every_column(estate, tmp_path):
    status, out, err = load(tmp_path, GOOD)

    assert status == 0, err
    assert "sentences.csv: 2 rows; 2 inserted, 0 updated, 0 unchanged" in out
    a = Sentence.objects.get(prisoner_id="A1234BC")
    assert (a.sentence_type, a.sentence_start_date, a.parole_eligibility_date) == (
        "determinate",
        dt.date(2024, 1, 1),
        None,
    )
    assert (a.automatic_release_date, a.conditional_release_date) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 12, 1),
    )
    assert (a.recall, a.immigration_case, a.early_allocation) == (False, False, True)
    assert (a.tier, a.mappa_level, a.com_name, a.com_email) == (
        "A",
        None,
        "Jo Bloggs",
        "jo.bloggs@justice.gov.uk",
    )
    b = Sentence.objects.get(prisoner_id="B2345CD")
    assert (b.sentence_type, b.tariff_expiry_date, b.target_hearing_date) == (
        "indeterminate",
        dt.date(2027, 3, 15),
        dt.date(2020, 9, 1),
    )
    assert (b.parole_outcome, b.recall, b.early_allocation, b.tier, b.mappa_level) == (
        "Refused",
        True,
        False,
        "C",
        2,
    )
    assert (b.com_name, b.com_email) == ("", "")
    event = AuditEvent.objects.get(action="load_file", object_type="sentences.csv")
    assert event.after == {"inserted": 2, "updated": 0, "unchanged": 0, "rows": 2}


def test_a_reload_changes_nothing_and_a_changed_row_is_updated(estate, tmp_path):
    load(tmp_path, GOOD)
    status, out, _ = load(tmp_path, GOOD)
    assert status == 0
    assert "sentences.csv: 2 rows; 0 inserted, 0 updated, 2 unchanged" in out

    status, out, _ = load(tmp_path, GOOD.replace(",A,,Jo Bloggs", ",B,1,Jo Bloggs"))
    assert "sentences.csv: 2 rows; 0 inserted, 1 updated, 1 unchanged" in out
    assert Sentence.objects.values_list("tier", "mappa_level").get(prisoner_id="A1234BC") == ("B", 1)


def test_absent_optional_columns_take_their_defaults(estate, tmp_path):
    status, _, err = load(
        tmp_path, "prison_number,sentence_type,sentence_start_date\nA1234BC,determinate,2024-01-01\n"
    )
    assert status == 0, err
    s = Sentence.objects.get()
    assert (s.recall, s.tier, s.mappa_level, s.parole_outcome, s.com_name) == (False, "", None, "", "")


COLUMNS = HEADER.strip().split(",")
A_ROW = {"prison_number": "A1234BC", "sentence_type": "determinate", "sentence_start_date": "2024-01-01"}

BAD_CELLS = [
    # (the column with a bad cell in A_ROW, the cell, a piece of the message)
    ("prison_number", "Z9999ZZ", "prisoner Z9999ZZ is not known"),
    ("sentence_type", "life", "'life' is not allowed; use one of determinate, indeterminate"),
    ("sentence_start_date", "2024-02-30", "'2024-02-30' is not a date"),
    ("sentence_start_date", "", "is empty"),
    ("recall", "yes", "'yes' is not true or false"),
    ("immigration_case", "1", "'1' is not true or false"),
    ("tier", "E", "'E' is not allowed; use one of A, B, C, D"),
    ("mappa_level", "4", "'4' is out of range; mappa_level must be from 0 to 3"),
    ("mappa_level", "-1", "out of range"),
    ("mappa_level", "high", "'high' is not a whole number"),
    ("com_email", "jo at justice", "not an email address"),
]


@pytest.mark.parametrize(("column", "cell", "message"), BAD_CELLS, ids=[f"{c}={v}" for c, v, _ in BAD_CELLS])
def test_a_bad_row_is_reported_and_nothing_loads(estate, tmp_path, column, cell, message):
    cells = dict.fromkeys(COLUMNS, "") | A_ROW | {column: cell}
    text = HEADER + "B2345CD,determinate,2024-01-01" + "," * 13 + "\n" + ",".join(cells.values()) + "\n"
    status, out, err = load(tmp_path, text)

    assert status == 1
    reported = [line for line in err.splitlines() if line.startswith("sentences.csv:3:")]
    assert len(reported) == 1, err
    assert reported[0].startswith(f"sentences.csv:3: {column}: "), reported
    assert message in reported[0]
    assert not Sentence.objects.exists()  # the good row on line 2 is not loaded either


def test_a_prisoner_appears_once(estate, tmp_path):
    row = "A1234BC,determinate,2024-01-01" + "," * 13 + "\n"
    status, _, err = load(tmp_path, HEADER + row + row)
    assert status == 1
    assert "sentences.csv:3: prison_number: A1234BC appears again (first on line 2)" in err


def test_a_load_recalculates_its_prisoners_on_commit(
    estate, tmp_path, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        status, _, err = load(tmp_path, GOOD)
    assert status == 0, err
    stored = {h.prisoner_id: h for h in Handover.objects.all()}
    assert set(stored) == {"A1234BC", "B2345CD"}
    a = stored["A1234BC"]
    # early allocation: ERD 2026-11-02 - 15 months
    assert (a.in_scope, a.earliest_release_date, a.handover_date, a.reason) == (
        True,
        dt.date(2026, 11, 2),
        dt.date(2025, 8, 2),
        "early_allocation",
    )
    assert stored["B2345CD"].reason == "recall_case"
