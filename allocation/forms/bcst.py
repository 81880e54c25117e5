"""The admin's form recording a BCST's completion: the date, and who completed it."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from omic.forms.fields import DateField, gds_layout


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.staff_id}, Band {obj.band})"


class BcstCompletionForm(forms.Form):
    completed_on = DateField(label="Date completed")
    completed_by = StaffChoiceField(
        queryset=None,
        label="Completed by",
        empty_label="Choose a member of staff",
        help_text="A member of staff of Band 4 or above",
        error_messages={"required": "Select the member of staff who completed the BCST"},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_by"].queryset = staff
        self.helper = gds_layout(
            Field("completed_on", legend_size=Size.SMALL),
            Field.select("completed_by"),
            button="Record completion",
        )
