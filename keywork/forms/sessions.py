"""Key work forms (GOV.UK via crispy-forms-gds). Field names match the services' keyword
names, so a service's ValidationError({field: [...]}) lands beside its field."""

from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from keywork.models import SessionKind


class KeyWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.first_name} {obj.last_name} ({obj.staff_id})"


class SessionDateField(DateInputField):
    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError("Date must be a real date, for example 27 3 2025") from None


class SessionForm(forms.Form):
    key_worker = KeyWorkerChoiceField(
        queryset=None,
        label="Key worker",
        empty_label="Choose the key worker",
        error_messages={"required": "Choose the key worker who held the session"},
    )
    date = SessionDateField(label="Date of the session", help_text="For example, 27 3 2025")
    minutes = forms.IntegerField(
        label="Duration in minutes",
        # GOV.UK asks for a text input with a numeric keypad rather than type=number.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        # The same bounds as the service, so every field's problem shows on the first submit.
        min_value=1,
        max_value=240,
        error_messages={
            "min_value": "Duration must be at least 1 minute: enter how many minutes the session lasted.",
            "max_value": "Duration must be 240 minutes or less: enter how many minutes the session lasted.",
            "required": "Enter how many minutes the session lasted",
            "invalid": "Duration must be a whole number of minutes: enter a number such as 45",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of session"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, key_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = key_workers
        self.fields["date"].error_messages.update(
            required="Enter the date of the session", incomplete="Enter the day, month and year"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("key_worker"),
            Field("date"),
            Field.text("minutes", field_width=Fixed.FIVE),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("notes"),
            Submit("submit", "Save session"),
        )
