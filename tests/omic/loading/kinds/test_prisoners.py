"""prisoners.csv (omic/loading/kinds/prisoners.py): custody spells and the prisoner's
details, spells that must not overlap."""

import datetime as dt

import pytest

from omic.loading import load_extract
from omic.models import CustodySpell, Prisoner
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, WingFactory
from tests.omic.loading.extract import PRISONERS, errors_of, write, write_extract

pytestmark = pytest.mark.django_db


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


def test_a_row_at_an_unknown_prison_is_not_also_reported_as_an_overlap(tmp_path):
    load_extract(directory=write_extract(tmp_path))
    write_extract(
        tmp_path, prisoners=PRISONERS.replace("B2345CD,Dai,Jones,,LEI,B", "B2345CD,Dai,Jones,,LEX,")
    )

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "prisoners.csv") == [
        "prisoners.csv:4: prison_code: prison LEX is not known; add it to prisons.csv or correct the code"
    ]
