"""Bulk mode (omic/loading/bulk.py): a write that doubles a table drops and rebuilds its
indexes and constraints, and the schema is as migrated afterwards; which keys and indexes
stay through the write."""

import pytest

from omic.loading import load_extract
from omic.models import Benchmark, CustodySpell, Prison, Prisoner, StaffMember, Wing
from tests.db import schema
from tests.omic.loading.extract import write_extract

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    ("table", "primary_key", "dropped"),
    [
        # nothing references a session's id: its primary key is rebuilt after the write
        ("keywork_session", "keywork_session_pkey", True),
        # spells, allocations and sessions reference a prisoner: that key stays
        ("omic_prisoner", "omic_prisoner_pkey", False),
    ],
)
def test_bulk_mode_keeps_a_primary_key_that_a_foreign_key_stands_on(
    db, monkeypatch, table, primary_key, dropped
):
    from django.db import connection

    from omic.loading import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)

    def constraints():
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [table])
            return {name for (name,) in cursor.fetchall()}

    before = constraints()
    with connection.cursor() as cursor, bulk.bulk_write(cursor, table, 10) as bulk_mode:
        assert bulk_mode
        during = constraints()
    assert (primary_key not in during) is dropped
    # every check and foreign key is dropped during the write, and all are back after it
    assert not any(name.endswith(("_check", "_fk_omic_pris")) for name in during)
    assert constraints() == before


@pytest.mark.parametrize("untouched", [(), ("session_recorded_by",)])
def test_bulk_mode_leaves_a_partial_index_the_write_never_enters(db, monkeypatch, untouched):
    """An extract's sessions have no recorder, so the loader names session_recorded_by as
    untouched: it stays through the write (a rebuild would scan every session for none)."""
    from django.db import connection

    from omic.loading import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'keywork_session'::regclass"
            )
            return {name for (name,) in cursor.fetchall()}

    before = indexes()
    with connection.cursor() as cursor, bulk.bulk_write(cursor, "keywork_session", 10, untouched=untouched):
        during = indexes()
    assert during == set(untouched)
    assert indexes() == before


@pytest.mark.parametrize(("threshold", "analysed"), [(2, True), (10_000, False)])
def test_a_large_first_load_of_prisoners_leaves_them_analysed(tmp_path, monkeypatch, threshold, analysed):
    """Prisoners are inserted without bulk mode, so the loader analyses the table itself once a
    first load is large: pages joining prisoners then plan on their real number (a planner
    that guesses an empty table's size picks hash joins over every allocation, and JIT)."""
    from django.db import connection

    from omic.loading import bulk

    def reltuples():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'omic_prisoner'::regclass")
            return cursor.fetchone()[0]

    write_extract(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE omic_prison, omic_prisoner CASCADE")
        # as never analysed (ANALYZE writes pg_class in place, so an earlier test's figure stays)
        cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE oid = 'omic_prisoner'::regclass")
    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", threshold)
    assert load_extract(directory=tmp_path).ok
    loaded = Prisoner.objects.count()
    assert loaded > 0
    assert reltuples() == (loaded if analysed else -1)
