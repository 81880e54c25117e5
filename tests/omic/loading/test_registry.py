"""The registry of file kinds (omic/loading/registry.py): omic's kinds in the contract's
order, and another app's kind loading in its place."""

import pytest

from omic.loading import CONTRACT_ORDER, FileKind, Text, load_extract, register, registered_kinds
from omic.loading import registry as loading_registry
from tests.omic.loading.extract import EXTRACT, PRISONS, errors_of, run_command, write, write_extract

pytestmark = pytest.mark.django_db


def test_omic_registers_its_files_in_the_contract_order():
    names = [k.name for k in registered_kinds()]

    assert [n for n in names if n in EXTRACT] == list(EXTRACT)
    contract = [n for n in names if n in CONTRACT_ORDER]
    assert contract == sorted(contract, key=CONTRACT_ORDER.index)


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
