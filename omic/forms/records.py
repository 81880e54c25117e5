"""Admins' forms for a prison's records: a staff member, a benchmark, the prison settings."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from omic.forms.fields import DateField, NumberField, gds_layout
from omic.models import PomModel, StaffStatus, UnavailableReason
from omic.services.refusals import REASON_MAX_LENGTH


def _reason(label: str, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for the change",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )


class WingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class StaffForm(forms.Form):
    band = NumberField(whole=True, what="the band, from 2 to 11", label="Band")
    fte = NumberField(what="the FTE, such as 1.00 or 0.60", label="FTE", help_text="1.00 is full time")
    contracted_hours = NumberField(what="contracted hours, such as 39", label="Contracted hours a week")
    in_post_from = DateField(label="In post from")
    in_post_to = DateField(label="Left post on", required=False, help_text="Leave empty while in post")
    key_worker_trained_on = DateField(
        label="Key worker training completed on",
        required=False,
        help_text="A future date if training is booked; leave empty if not trained",
    )
    key_worker_capacity = NumberField(
        whole=True,
        what="a caseload from 1 to 50",
        label="Key worker capacity (optional)",
        required=False,
        help_text="Leave empty to use the prison's default",
    )
    wing = WingChoiceField(
        queryset=None, required=False, label="Wing (optional)", empty_label="No wing"
    )
    status = forms.ChoiceField(choices=StaffStatus.choices, widget=forms.RadioSelect, label="Status")
    unavailable_reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *UnavailableReason.choices],
        required=False,
        label="If unavailable, why",
    )
    expected_back_on = DateField(
        label="If unavailable, expected back on", required=False, help_text="Leave empty if not known"
    )
    reason = _reason("Reason for the change (optional)", required=False)

    def __init__(self, *args, wings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wing"].queryset = wings
        for name in ("band", "fte", "contracted_hours"):
            self.fields[name].error_messages["required"] = f"Enter the {self.fields[name].label.lower()}"
        self.helper = gds_layout(
            Field.text("band", field_width=Fixed.TWO),
            Field.text("fte", field_width=Fixed.FOUR),
            Field.text("contracted_hours", field_width=Fixed.FOUR),
            Field("in_post_from"),
            Field("in_post_to"),
            Field("key_worker_trained_on"),
            Field.text("key_worker_capacity", field_width=Fixed.TWO),
            Field.select("wing"),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field.select("unavailable_reason"),
            Field("expected_back_on"),
            Field.textarea("reason"),
            button="Save changes",
        )


class BenchmarkForm(forms.Form):
    effective_from = DateField(label="Effective from")
    band3_benchmark_fte = NumberField(
        what="the benchmark in FTE, such as 42.50", label="Band 3 benchmark FTE"
    )
    reason = _reason("Reason (required for a correction)", required=False)

    def __init__(self, *args, button: str = "Add benchmark", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band3_benchmark_fte"].error_messages["required"] = "Enter the Band 3 benchmark FTE"
        self.helper = gds_layout(
            Field("effective_from"),
            Field.text("band3_benchmark_fte", field_width=Fixed.FIVE),
            Field.textarea("reason"),
            button=button,
        )


class PrisonSettingsForm(forms.Form):
    key_work_start_date = DateField(
        label="Key work start date", required=False, help_text="Leave empty if key work has not rolled out"
    )
    key_worker_capacity = NumberField(
        whole=True, what="a caseload from 1 to 50", label="Default key worker capacity"
    )
    pom_model = forms.ChoiceField(
        choices=[("", "Not chosen yet"), *PomModel.choices],
        required=False,
        widget=forms.RadioSelect,
        label="POM model",
    )
    pom_model_chosen_on = DateField(label="Date the POM model was chosen", required=False)
    reason = _reason("Reason for the change (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker_capacity"].error_messages["required"] = (
            "Enter the default key worker capacity"
        )
        self.helper = gds_layout(
            Field("key_work_start_date"),
            Field.text("key_worker_capacity", field_width=Fixed.TWO),
            Field.radios("pom_model", legend_size=Size.SMALL),
            Field("pom_model_chosen_on"),
            Field.textarea("reason"),
            button="Save settings",
        )
