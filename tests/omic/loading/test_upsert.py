"""Upsert's statements (omic/loading/upsert.py): the options a kind with columns of its own
uses (sessions), and that a kind without them gets none of their SQL."""

from pathlib import Path

import pytest

from keywork.loading.sessions import SESSION_ROWS, SESSIONS
from omic.loading.context import LoadContext
from omic.loading.kinds.staff import STAFF
from omic.loading.upsert import Upsert, cell
from omic.models import Wing


def context(kind, columns) -> LoadContext:
    return LoadContext(kind=kind, cursor=None, path=Path("x.csv"), present=frozenset(columns))


def sessions() -> LoadContext:
    return context(None, [c.name for c in SESSIONS.columns])


def test_insert_only_values_are_inserted_but_never_set_or_compared():
    sql = SESSION_ROWS.statement(sessions())
    inserted, conflict = sql.split("ON CONFLICT")

    for column in ("source", "notes", "recorded_at", "deleted_reason"):
        assert f'"{column}"' in inserted.split("SELECT")[0]
        assert f'"{column}"' not in conflict
        assert f't0."{column}"' not in inserted


def test_a_stamp_is_set_with_a_change_but_is_not_one():
    sql = SESSION_ROWS.statement(sessions())
    conflict = sql.split("ON CONFLICT")[1]
    assigned, compared = conflict.split(" WHERE ", 1)

    assert '"updated_at" = EXCLUDED."updated_at"' in assigned
    assert "updated_at" not in compared
    assert 't0."updated_at"' not in sql


def test_the_update_is_held_to_its_condition_and_the_rows_come_in_key_order():
    sql = SESSION_ROWS.statement(sessions())

    assert ' WHERE (t.deleted_at IS NULL) AND (t."prisoner_id", ' in sql
    assert sql.index("ORDER BY s.session_id") < sql.index("ON CONFLICT")


def test_the_first_load_insert_takes_its_own_order_and_reserved_ids():
    plain = SESSION_ROWS.insert_statement(sessions())
    numbered = SESSION_ROWS.insert_statement(sessions(), first_id=1001)

    assert "ORDER BY s.date" in plain and '"id"' not in plain
    assert 'INSERT INTO "keywork_session" ("id", "source", ' in numbered
    assert "SELECT 1001 + s.line - 2, 'extract', " in numbered


def test_an_upsert_without_the_options_has_none_of_their_sql():
    ctx = context(STAFF, [c.name for c in STAFF.columns])
    sql = STAFF.write.statement(ctx)

    assert "ORDER BY" not in sql
    # every column but the key is set and compared, with no condition before the comparison
    assigned, compared = sql.split("ON CONFLICT")[1].split(" WHERE ", 1)
    assert assigned.count("= EXCLUDED.") == len(STAFF.write.values) - 1
    assert compared.startswith('(t."first_name", ')
    assert 'ORDER BY r."staff_id"' in STAFF.write.insert_statement(ctx)


def test_ids_are_reserved_only_by_an_upsert_that_numbers_its_rows_by_line():
    wings = Upsert(model=Wing, key=("prison_id", "code"), values={"code": cell("wing_code")})

    with pytest.raises(ValueError, match="no ids_by_line"):
        wings.reserve_ids(context(None, ("wing_code",)))
