"""omic.downloads: the one CSV writer (formats.md "Output conventions", "Exports and spreadsheets")."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from omic import downloads


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (dt.date(2025, 3, 3), "2025-03-03"),
        (["below_benchmark", "untrained_band3"], "below_benchmark;untrained_band3"),
        (Decimal("-4.32"), "-4.32"),  # a number the app writes stays a number
        (-3, "-3"),
        ("Smith", "Smith"),
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+44 20", "'+44 20"),
        ("-Jones", "'-Jones"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("O'Neil", "O'Neil"),
    ],
)
def test_csv_cell_follows_the_conventions_and_escapes_formulas(value, cell):
    assert downloads.csv_cell(value) == cell


def test_write_csv_writes_the_header_then_rows_in_column_order():
    out = io.StringIO()
    rows = [{"b": 1, "a": "=x"}, {"b": None, "a": True}]
    assert downloads.write_csv(rows, ("a", "b"), out) == 2
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["a", "b"], ["'=x", "1"], ["true", ""]]


def test_a_download_is_an_attachment_never_stored_by_the_browser():
    response = downloads.csv_response("x.csv", {"name": str.upper}, ["ann", "=bob"])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.decode().splitlines() == ["name", "ANN", "'=BOB"]


@pytest.mark.parametrize(
    ("value", "two", "one"),
    [(Decimal("0.125"), Decimal("0.13"), Decimal("0.1")), (Decimal("0.05"), Decimal("0.05"), Decimal("0.1")),
     (0, Decimal("0.00"), Decimal("0.0")), (None, None, None)],
)
def test_rounding_is_half_up(value, two, one):
    assert downloads.two_places(value) == two
    assert downloads.one_place(value) == one
