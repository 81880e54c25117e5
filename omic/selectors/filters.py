"""The optional filters of a list page's form, applied the one way every selector does."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def filter_given(queryset: QuerySet, **lookups: Any) -> QuerySet:
    """`queryset` filtered by each of `lookups` whose value was given (neither None nor empty
    text), one filter() after another in the order given: a filter left empty is no filter."""
    for lookup, value in lookups.items():
        if value is not None and value != "":
            queryset = queryset.filter(**{lookup: value})
    return queryset
