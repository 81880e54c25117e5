"""The prisoner's POM page forms (GOV.UK via crispy-forms-gds): allocate a POM, deallocate one,
the sentence record, and the responsibility override. Field names match the services'
keywords, so a service's ValidationError({field: [...]}) lands beside its field."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Size, Submit
from django import forms

from allocation.models import MAPPA_LEVELS, PomRole, Responsibility, SentenceType, Tier
from allocation.selectors.poms import Candidate
from allocation.services.sentences import DATE_LABELS
from omic.forms.fields import DateField, gds_layout, radios
from omic.forms.records import _reason


def _layout(*fields, button: str, name: str, css_class: str = ""):
    """gds_layout with a submit button of its own id: several forms share the POM page."""
    helper = gds_layout(*fields, button=button)
    helper.layout.fields[-1] = Submit("submit", button, css_id=f"{name}-submit", css_class=css_class)
    return helper


def _required_reason(label: str, what: str, help_text: str = "") -> forms.CharField:
    field = _reason(label, required=True)
    field.error_messages["required"] = f"Reason is required: say why {what}"
    field.help_text = help_text
    return field


class AllocatePomForm(forms.Form):
    """Allocate (or reallocate) the primary or co-working POM from today."""

    role = radios("Allocate as", choices=PomRole.choices, required="Choose primary POM or co-working POM")
    staff_member = radios(
        "POM",
        required="Choose the POM to allocate",
        invalid="Choose a POM from the list: they may no longer be able to take cases",
    )
    reason = _reason("Reason, if you choose a POM of the type not recommended", required=False)

    def __init__(self, *args, candidates: list[Candidate], recommended_words: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {c.staff.staff_id: c for c in candidates}
        self.fields["staff_member"].choices = [
            Choice(c.staff.staff_id, f"{c.staff.full_name} ({c.staff.staff_id})", hint=c.words)
            for c in candidates
        ]
        self.fields["staff_member"].help_text = (
            f"A {recommended_words} is recommended for this prisoner: they are listed first."
            if recommended_words
            else ""
        )
        self.fields["reason"].help_text = "Kept with the allocation and in the audit record"
        self.helper = _layout(
            Field.radios("role", legend_size=Size.SMALL, inline=True),
            Field.radios("staff_member", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            button="Allocate POM",
            name="allocate",
        )

    def clean_staff_member(self):
        return self.candidates[self.cleaned_data["staff_member"]].staff


class DeallocatePomForm(forms.Form):
    role = radios("POM to deallocate", required="Choose the POM to deallocate")
    reason = _required_reason("Reason", "the POM is being deallocated", "For example, POM left the prison")

    def __init__(self, *args, current: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (a.role, f"{a.get_role_display()}: {a.staff_member.full_name} ({a.staff_member_id})")
            for a in current
        ]
        if len(current) == 1:
            self.initial.setdefault("role", current[0].role)
        self.helper = _layout(
            Field.radios("role", legend_size=Size.SMALL),
            Field.textarea("reason", rows=2),
            button="Deallocate POM",
            name="deallocate",
            css_class="govuk-button--warning",
        )


def _optional_choice(label: str, choices, empty: str = "Not known") -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", empty), *choices], required=False, label=label)


class SentenceForm(forms.Form):
    """Every field of the sentence record (pom.md "Sentence record")."""

    sentence_type = radios(
        "Sentence type",
        choices=SentenceType.choices,
        required="Choose the sentence type: determinate or indeterminate",
    )
    sentence_start_date = DateField(label="Sentence start date")
    parole_eligibility_date = DateField(
        label=DATE_LABELS["parole_eligibility_date"] + " (PED)", required=False
    )
    automatic_release_date = DateField(label=DATE_LABELS["automatic_release_date"] + " (ARD)", required=False)
    conditional_release_date = DateField(
        label=DATE_LABELS["conditional_release_date"] + " (CRD)", required=False
    )
    tariff_expiry_date = DateField(label=DATE_LABELS["tariff_expiry_date"] + " (TED)", required=False)
    target_hearing_date = DateField(label=DATE_LABELS["target_hearing_date"] + " (THD)", required=False)
    parole_outcome = forms.CharField(
        label="Parole outcome (optional)", required=False, max_length=200,
        help_text="As the parole board wrote it, for example Release, or Remain in closed conditions",
        error_messages={"max_length": "Parole outcome must be 200 characters or fewer"},
    )  # fmt: skip
    recall = forms.BooleanField(label="Recall", required=False)
    immigration_case = forms.BooleanField(label="Immigration case", required=False)
    early_allocation = forms.BooleanField(label="Early allocation", required=False)
    tier = _optional_choice("Tier", Tier.choices)
    mappa_level = forms.TypedChoiceField(
        choices=[("", "Not known"), *((n, str(n)) for n in MAPPA_LEVELS)],
        coerce=int,
        empty_value=None,
        required=False,
        label="MAPPA level",
    )
    com_name = forms.CharField(
        label="COM name (optional)", required=False, max_length=200,
        error_messages={"max_length": "COM name must be 200 characters or fewer"},
    )  # fmt: skip
    com_email = forms.CharField(
        label="COM email (optional)", required=False, max_length=254,
        error_messages={"max_length": "COM email must be 254 characters or fewer"},
    )  # fmt: skip
    reason = _reason("Reason for the change (optional)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _layout(
            Field.radios("sentence_type", legend_size=Size.SMALL, inline=True),
            Field("sentence_start_date"),
            *(Field(name) for name in DATE_LABELS),
            Field.text("parole_outcome"),
            Field.checkbox("recall", small=True),
            Field.checkbox("immigration_case", small=True),
            Field.checkbox("early_allocation", small=True),
            Field.select("tier"),
            Field.select("mappa_level"),
            Field.text("com_name"),
            Field.text("com_email", field_width=Fixed.TWENTY),
            Field.textarea("reason", rows=2),
            button="Save sentence record",
            name="sentence",
        )


class OverrideForm(forms.Form):
    responsibility = radios(
        "Responsibility", choices=Responsibility.choices, required="Choose who is responsible"
    )
    reason = _required_reason("Reason", "the calculated responsibility is overridden")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _layout(
            Field.radios("responsibility", legend_size=Size.SMALL),
            Field.textarea("reason", rows=2),
            button="Override responsibility",
            name="override",
        )


class RemoveOverrideForm(forms.Form):
    reason = _required_reason("Reason", "the override is removed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Reason for removing the override"
        self.helper = _layout(
            Field.textarea("reason", rows=2), button="Remove override", name="remove_override"
        )
