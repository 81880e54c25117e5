"""Key work forms (GOV.UK via crispy-forms-gds). Field names match the services' keyword
names, so a service's ValidationError({field: [...]}) lands beside its field."""

from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fixed, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from keywork.models import NotHeldReason, SessionKind
from keywork.services import NOTES_MAX_LENGTH, REASON_MAX_LENGTH
from keywork.services.sessions import BCST_REFUSAL
from omic.forms.fields import gds_helper, radios

NOTES_TOO_LONG = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer: shorten them."


class KeyWorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.first_name} {obj.last_name} ({obj.staff_id})"


class SessionDateField(DateInputField):
    """The date {what}: "Date {what}" its label, "Enter the date {what}" when it is left empty."""

    def __init__(self, what: str, **kwargs):
        super().__init__(label=f"Date {what}", help_text="For example, 27 3 2025", **kwargs)
        self.error_messages.update(
            required=f"Enter the date {what}", incomplete="Enter the day, month and year"
        )

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError("Date must be a real date, for example 27 3 2025") from None


class KindField(forms.ChoiceField):
    """The kinds of key work session; a BCST is refused with the reason, not "not a choice"."""

    def validate(self, value):
        if isinstance(value, str) and value.strip().lower() == "bcst":
            raise ValidationError(BCST_REFUSAL)
        super().validate(value)


def notes_field() -> forms.CharField:
    return forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text=f"Up to {NOTES_MAX_LENGTH:,} characters",
        error_messages={"max_length": NOTES_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def reason_field(label: str, what: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": f"Reason is required: say why {what}.",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it.",
        },
    )


KEY_WORKER_NOT_OFFERED = (
    "Key worker must be one of those listed: choose the trained Band 3 key worker who held the session."
)


class SessionForm(forms.Form):
    key_worker = KeyWorkerChoiceField(
        queryset=None,
        label="Key worker",
        empty_label="Choose the key worker",
        error_messages={
            "required": "Choose the key worker who held the session",
            "invalid_choice": KEY_WORKER_NOT_OFFERED,
        },
    )
    date = SessionDateField("of the session")
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
    kind = radios(
        "Kind of session",
        field=KindField,
        choices=SessionKind.choices,
        required="Choose the kind of session",
        invalid="Kind must be one of those listed: choose the kind of session that was held.",
    )
    notes = notes_field()
    # A one-time token (kept in the user's session by the view): the same form posted twice
    # is recognised and not saved again.
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    submit_label = "Save session"

    def __init__(self, *args, key_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = key_workers
        self.helper = gds_helper(
            Field.select("key_worker"),
            Field("date"),
            Field.text("minutes", field_width=Fixed.FIVE),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("notes"),
            *self.extra_layout(),
            Field("form_token"),
            Submit("submit", self.submit_label),
        )

    def extra_layout(self) -> list:
        return []


class SessionCorrectionForm(SessionForm):
    """Correct a session: the same fields, and why."""

    reason = reason_field("Reason for the correction", "the session is being corrected")
    submit_label = "Save correction"

    def extra_layout(self) -> list:
        return [Field.text("reason")]


class SessionDeleteForm(forms.Form):
    reason = reason_field("Reason for deleting the session", "the session is being deleted")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="delete", **kwargs)
        self.helper = gds_helper(
            Field.text("reason"), Submit("submit", "Delete session", css_class="govuk-button--warning")
        )


class SessionNotHeldForm(forms.Form):
    """A planned session that did not take place (keywork.md, "Sessions that did not happen")."""

    date = SessionDateField("the session was planned for")
    reason = radios(
        "Why it did not take place",
        choices=NotHeldReason.choices,
        required="Choose why the session did not take place",
        invalid="Reason must be one of those listed: choose why the session was not held.",
    )
    key_worker = KeyWorkerChoiceField(
        queryset=None,
        label="Key worker (optional)",
        required=False,
        empty_label="No key worker",
        error_messages={"invalid_choice": "Key worker must be one of those listed, or none: choose again."},
    )
    notes = notes_field()

    def __init__(self, *args, key_workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = key_workers
        self.helper = gds_helper(
            Field("date"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.select("key_worker"),
            Field.textarea("notes"),
            Submit("submit", "Save"),
        )
