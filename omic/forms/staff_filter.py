"""The staff list's filters (GET): band, status, wing, untrained Band 3 officers."""

from __future__ import annotations

from django import forms

from omic.models import StaffStatus


class StaffFilter(forms.Form):
    band = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Band",
        choices=[("", "Any"), *((str(b), str(b)) for b in range(2, 12))],
    )  # fmt: skip
    status = forms.ChoiceField(required=False, label="Status", choices=[("", "Any"), *StaffStatus.choices])
    wing = forms.ChoiceField(required=False, label="Wing")
    untrained = forms.BooleanField(required=False, label="Only untrained Band 3 officers")

    def __init__(self, *args, wings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wing"].choices = [("", "Any"), *((w.code, w.name) for w in wings)]
