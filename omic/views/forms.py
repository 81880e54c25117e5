"""What every core page with a form does alike: put a service's refusals beside their fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def show_refusals(form: forms.Form, error: ValidationError) -> None:
    """Each message by its field (or at the top when the form has no such field)."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
