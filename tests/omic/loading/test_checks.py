"""Bad rows (omic/loading/prepare.py, columns.py, checks.py): every cell's own rules and
the cross-row checks, each reported once per cell; a file with any bad row loads nothing."""

import pytest

from omic.loading import load_extract
from omic.models import Benchmark, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.omic.loading.extract import BAD_ROWS, WINGS, errors_of, load_bad_rows, write_extract

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "text", "expected"), BAD_ROWS)
def test_a_file_with_bad_rows_loads_nothing_and_says_why(tmp_path, kind, text, expected):
    report, name = load_bad_rows(tmp_path, kind, text, expected)
    models = {
        "prisons": [Prison],
        "wings": [Wing],
        "benchmarks": [Benchmark],
        "staff": [StaffMember],
        "prisoners": [Prisoner, CustodySpell],
    }[kind]
    assert not any(model.objects.exists() for model in models)
    if kind not in ("prisons", "wings"):  # the files after those refer to their rows
        assert all(f.ok for f in report.files if f.name != name), report.errors


def test_a_malformed_code_is_reported_once_not_also_as_unknown(tmp_path):
    write_extract(tmp_path, wings=WINGS.replace("CFI,A", "cf,A"))

    report = load_extract(directory=tmp_path)

    assert errors_of(report, "wings.csv") == [
        "wings.csv:4: prison_code: 'cf' is not a prison code; use 3 capital letters, e.g. LEI"
    ]
