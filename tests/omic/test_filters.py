"""omic.selectors.filters.filter_given: a filter left empty is no filter."""

import datetime as dt

from omic.models import AuditEvent
from omic.selectors.filters import filter_given

EVENTS = AuditEvent.objects.filter(prison_id="LEI")
DAY = dt.date(2026, 1, 5)


def _same_sql(a, b) -> bool:
    return str(a.query) == str(b.query)


def test_empty_values_add_no_filter():
    given = filter_given(EVENTS, object_type="", actor_name__icontains="", at__date__gte=None)
    assert _same_sql(given, EVENTS)


def test_given_values_filter_one_after_another_in_order():
    given = filter_given(EVENTS, object_type="session", actor_name__icontains="", at__date__gte=DAY)
    assert _same_sql(given, EVENTS.filter(object_type="session").filter(at__date__gte=DAY))


def test_zero_is_a_value():
    assert _same_sql(filter_given(EVENTS, object_id=0), EVENTS.filter(object_id=0))
