"""Asserting a service's refusal: what it said, field by field."""

import pytest
from django.core.exceptions import ValidationError


def refusal(service, /, **kwargs) -> dict[str, list[str]]:
    """The messages, by field, of the ValidationError `service(**kwargs)` raises; the test fails
    if it raises none."""
    with pytest.raises(ValidationError) as refused:
        service(**kwargs)
    return refused.value.message_dict
