"""Every CSV the app writes, downloads and command output alike, goes through here, so that
each follows formats.md ("Output conventions", "Exports and spreadsheets") the same way.

- Nothing is an empty cell, booleans are ``true``/``false``, dates ``YYYY-MM-DD``, a list of
  codes is joined with ``;``. Numbers are written as given: callers round them (minutes and
  FTE to 2 places, percentages to 1) because the places depend on the column.
- Text that a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return) gets a leading ``'``. Only text is escaped: ``-4.32`` written from a
  number stays a number.
- A download carries ``Cache-Control: no-store``: it holds personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.http import HttpRequest, HttpResponse

from omic import access

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(csv_cell(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: IO[str]) -> int:
    """A header of `columns`, then each row's cells in that order; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in columns])
        count += 1
    return count


def wants_csv(request: HttpRequest) -> bool:
    """`?format=csv` asks for the page's table as a download (403 for a role that may not)."""
    if request.GET.get("format") != "csv":
        return False
    access.require(request.user, access.Action.DOWNLOAD)
    return True


def csv_response(
    filename: str, columns: Mapping[str, Callable[[Any], Any]], objects: Iterable
) -> HttpResponse:
    """A CSV download: a header of the column names, then one row per object with each
    column's function applied to it."""
    response = download_response(filename)
    rows = ({name: value(obj) for name, value in columns.items()} for obj in objects)
    write_csv(rows, list(columns), response)
    return response


def download_response(filename: str) -> HttpResponse:
    """An empty CSV attachment, for a caller that writes its rows with `write_csv`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    """A JSON list of objects with the same keys as the CSV; nothing is null, numbers are numbers."""
    items = [{k: _json_value(v) for k, v in row.items()} for row in rows]
    json.dump(items, out, indent=1)
    out.write("\n")
    return len(items)


TWO_PLACES, ONE_PLACE = Decimal("0.01"), Decimal("0.1")


def two_places(value: Decimal | int | None) -> Decimal | None:
    """Minutes and FTE in a CSV: 2 decimal places, half up."""
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def one_place(value: Decimal | None) -> Decimal | None:
    """Percentages in a CSV: 1 decimal place, half up."""
    return None if value is None else Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
