"""Column specifications (omic/loading/columns.py): the quick typing pass, given each cell
already cast, agrees with the careful one."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


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


def test_the_quick_checks_agree_with_the_careful_ones_or_raise():
    """The loader's quick check, given the cell already cast, may raise (the careful pass
    then runs) but never disagrees, and never raises on a cell the careful check reads.
    So that the test can fail, enough cells of each column must pass the quick check
    without raising, both readable and unreadable ones."""
    from django.db import DataError, connection, transaction

    from omic.loading.columns import Date, Integer
    from omic.loading.prepare import set_local_settings

    # (column, the agreed answer) -> cells the quick check judged without raising
    agreed = {(kind, answer): 0 for kind in ("integer", "date") for answer in (True, False)}

    @settings(max_examples=300, deadline=None)
    @given(
        column_and_cells=st.one_of(
            st.tuples(st.just("integer"), st.lists(_INTEGER_CELLS, min_size=1, max_size=20)),
            st.tuples(st.just("date"), st.lists(_DATE_CELLS, min_size=1, max_size=20)),
        )
    )
    def quick_agrees_or_raises(column_and_cells):
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
                    assert not careful, f"the quick pass raised on {cell!r}, which is readable"
                    continue
                assert quick == careful, cell
                agreed[kind, careful] += 1

    quick_agrees_or_raises()
    # about 570, 25, 155 and 315 of 300 examples' cells: every cast raising would be 0
    assert min(agreed.values()) >= 5, agreed
    assert agreed["integer", True] + agreed["integer", False] >= 100, agreed
    assert agreed["date", True] + agreed["date", False] >= 100, agreed
