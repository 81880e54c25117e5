"""Sorting a paged table on the server: a page in the browser can sort only the rows it has,
so a table split into pages is sorted by the query, from ?sort=KEY&dir=asc|desc."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F, OrderBy
from django.http import HttpRequest


@dataclass(frozen=True)
class SortOrder:
    """The column a table is sorted by (None: the page's own default order) and which way."""

    key: str | None = None
    descending: bool = False

    @classmethod
    def from_request(cls, request: HttpRequest, keys: Sequence[str]) -> SortOrder:
        """?sort= names one of `keys`, else the default; ?dir=desc sorts it descending."""
        key = request.GET.get("sort")
        if key not in keys:
            return cls()
        return cls(key, request.GET.get("dir") == "desc")

    def aria_sort(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"

    def order_by(self, fields: Mapping[str, Sequence[str]], default: Sequence, tiebreak: str) -> list:
        """ORDER BY for the chosen column's fields (blanks last either way) then `tiebreak`,
        so that rows with equal values keep one order from page to page."""
        if self.key is None:
            return [*default, tiebreak]
        chosen: list = [
            OrderBy(F(name), descending=self.descending, nulls_last=True) for name in fields[self.key]
        ]
        return [*chosen, tiebreak]
