"""Getting a file into the staging table (omic/loading/staging.py): headers, quotes,
blanks, line numbers and bytes that are not UTF-8."""

import pytest

from omic.loading import load_extract
from omic.models import Prison
from tests.omic.loading.extract import errors_of, write

pytestmark = pytest.mark.django_db


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
