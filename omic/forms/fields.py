"""Fields every core form shares: GOV.UK dates that say what is wrong in words, and whole or
decimal numbers typed on a tablet's numeric keypad (ASCII digits only)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

ASCII_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# Long enough for any passphrase; short enough that hashing one costs nothing (issue 17).
PASSWORD_MAX_LENGTH = 128


def radios(label: str, *, required: str, invalid: str = "", field=forms.ChoiceField, **kwargs):
    """A GOV.UK radio group: `required` says what to choose when nothing is; `invalid` (if
    given) what to do when the choice posted is not one listed."""
    messages = {"required": required} | ({"invalid_choice": invalid} if invalid else {})
    return field(label=label, widget=forms.RadioSelect, error_messages=messages, **kwargs)


def bound_length(field: forms.CharField, limit: int, what: str) -> forms.CharField:
    """Refuse more than `limit` characters with a message that names the limit (a field Django's
    own forms make, such as the sign-in password, has none)."""
    # (Django's sign-in form sets its username's max_length after the field is made, so the
    # field never checks it: the validator is what refuses.)
    field.max_length = field.max_length or limit
    if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(field.max_length))
    field.error_messages["max_length"] = f"{what} must be {field.max_length} characters or fewer"
    return field


class DateField(DateInputField):
    """Day, month and year boxes; an impossible or overflowing date is refused in words."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2025")
        super().__init__(label=label, required=required, **kwargs)
        self.error_messages.update(
            required=f"Enter the {label[0].lower()}{label[1:]}", incomplete="Enter the day, month and year"
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        if not all(re.fullmatch(r"[0-9]{1,4}", (part or "").strip()) for part in data_list):
            raise ValidationError("Enter the day, month and year as numbers, for example 27 3 2025")
        day, month, year = (int(part) for part in data_list)
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError("Date must be a real date, for example 27 3 2025") from None


class NumberField(forms.Field):
    """A number typed as text (GOV.UK: no type=number), parsed as a Decimal or, with
    `whole`, an int; only ASCII digits are numbers here, and at most MAX_LENGTH of them."""

    MAX_LENGTH = 12

    def __init__(self, *, whole: bool = False, what: str = "a number", **kwargs):
        self.whole, self.what = whole, what
        mode = "numeric" if whole else "decimal"
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": mode, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH or not ASCII_NUMBER.match(value) or (self.whole and "." in value):
            raise ValidationError(f"Enter {self.what} using the digits 0 to 9")
        try:
            return int(value) if self.whole else Decimal(value)
        except (InvalidOperation, ValueError):
            raise ValidationError(f"Enter {self.what} using the digits 0 to 9") from None


def gds_helper(*layout) -> FormHelper:
    """Every form's crispy helper: small labels and the layout given. The templates write the
    <form> tag (some carry hidden fields, such as sign-in's `next`)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*layout)
    return helper


def gds_layout(*fields: Field, button: str) -> FormHelper:
    """Every core form's crispy helper: small labels, the fields, one submit button."""
    return gds_helper(*fields, Submit("submit", button))
