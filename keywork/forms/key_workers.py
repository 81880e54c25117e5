"""The allocation page's forms (GOV.UK via crispy-forms-gds): allocate or reallocate a key worker,
end an allocation, and confirm the auto-allocation proposal. They turn what was typed into the
prison's own objects; keywork.services validates the rest, writes and audits."""

from __future__ import annotations

import datetime as dt
import json
import re

from crispy_forms_gds.layout import Field, Fixed, Submit
from django import forms
from django.core.exceptions import ValidationError

from keywork import auto_allocation
from keywork.auto_allocation import Proposal
from keywork.models import KeyWorkerAllocation
from keywork.selectors import allocate as allocate_selectors
from keywork.services.refusals import REASON_MAX_LENGTH
from omic.forms.fields import gds_helper
from omic.models import Prison, Prisoner, StaffMember

PRISON_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
PLACED_RULES = frozenset(allocate_selectors.RULES)


class PrisonNumberField(forms.CharField):
    """A prison number as people type it: spaces and lower case are forgiven."""

    def to_python(self, value):
        return re.sub(r"\s+", "", super().to_python(value)).upper()

    def validate(self, value):
        super().validate(value)
        if value and not PRISON_NUMBER.match(value):
            raise ValidationError("Enter a prison number in the right format, like A1234BC")


class EligibleKeyWorkers(forms.models.ModelChoiceIterator):
    """Only the key workers who may take another prisoner are offered (full, unavailable,
    untrained ones are not); the field still accepts any key worker here, so that one who filled
    up or became unavailable since the page was shown gets the service's refusal saying why."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.filter(eligible=True):
            yield self.choice(obj)


class AllocationKeyWorkerField(forms.ModelChoiceField):
    """Each key worker offered with their caseload against capacity."""

    iterator = EligibleKeyWorkers

    def label_from_instance(self, obj: StaffMember) -> str:
        wing = f", {obj.wing.name}" if obj.wing_id else ""
        name = f"{obj.first_name} {obj.last_name}".strip() or obj.staff_id
        return f"{name} ({obj.staff_id}{wing}) – caseload {obj.caseload} of {obj.capacity}"


class PrisonerTodayForm(forms.Form):
    """A form about one prisoner at `prison` today, named by prison number in its `prisoner`
    field: `find` turns the number into what the form acts on, and a number it finds nothing
    for is refused with `not_found`."""

    not_found = ""

    def __init__(self, *args, prison: Prison, on: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.prison, self.on = prison, on

    def find(self, number: str):
        raise NotImplementedError

    def clean_prisoner(self):
        number = self.cleaned_data["prisoner"]
        found = self.find(number)
        if found is None:
            raise ValidationError(
                f"{number} {self.not_found} at {self.prison.name} today: check the prison number"
            )
        return found


class AllocateForm(PrisonerTodayForm):
    """Allocate a key worker to a prisoner from today; a current allocation is ended (reallocation)."""

    prisoner = PrisonNumberField(
        label="Prison number",
        help_text="For example, A1234BC",
        error_messages={"required": "Enter the prison number of the prisoner who needs a key worker"},
    )
    key_worker = AllocationKeyWorkerField(
        queryset=None,
        label="Key worker",
        help_text="Only key workers who can take another prisoner today are listed, with their caseload",
        empty_label="Choose a key worker",
        error_messages={
            "required": "Choose the key worker to allocate",
            "invalid_choice": "Choose a key worker in post at this prison",
        },
    )
    reason = forms.CharField(
        label="Reason (optional)",
        help_text="For example, new arrival, or moved to another wing. It is kept in the audit record.",
        required=False,
        max_length=REASON_MAX_LENGTH,
        error_messages={"max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = allocate_selectors.key_worker_choices(self.prison, self.on)
        self.helper = gds_helper(
            Field.text("prisoner", field_width=Fixed.TEN),
            Field.select("key_worker", css_class="govuk-!-width-full"),
            Field.text("reason"),
            Submit("submit", "Allocate key worker", css_id="allocate-submit"),
        )

    not_found = "is not in custody"

    def find(self, number: str) -> Prisoner | None:
        return allocate_selectors.prisoner_in_custody(self.prison, self.on, number)


class EndAllocationForm(PrisonerTodayForm):
    """End a prisoner's current key worker allocation today (the first day without them)."""

    prisoner = PrisonNumberField(
        label="Prison number",
        help_text="For example, A1234BC",
        error_messages={"required": "Enter the prison number of the prisoner whose allocation ends"},
    )
    # Required here as in the service, so both fields' problems show on the first submit.
    reason = forms.CharField(
        label="Reason",
        help_text="For example, key worker on long-term sick leave",
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": "Enter the reason the allocation is ending",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("prisoner", field_width=Fixed.TEN),
            Field.text("reason"),
            Submit("submit", "End allocation", css_id="end-submit", css_class="govuk-button--warning"),
        )

    not_found = "has no key worker"

    def find(self, number: str) -> KeyWorkerAllocation | None:
        return allocate_selectors.allocation_at(self.prison, self.on, number)


class ConfirmAllocationsForm(forms.Form):
    """The proposal the admin reviewed, carried in one hidden field (one field, not one per prisoner,
    so a large prison stays under Django's limit on the number of fields). The service checks every
    proposal again, so a stale or altered one is refused, never saved."""

    proposals = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def encode(proposals: list[Proposal]) -> str:
        return json.dumps([[p.prison_number, p.staff_id, p.reason] for p in proposals if p.placed])

    def clean_proposals(self) -> list[Proposal]:
        unreadable = ValidationError(
            "The proposal could not be read: review the proposal below and confirm it again"
        )
        try:
            rows = json.loads(self.cleaned_data["proposals"] or "[]")
        except ValueError:
            raise unreadable from None
        if not isinstance(rows, list):
            raise unreadable
        proposals = []
        for row in rows:
            if not (isinstance(row, list) and len(row) == 3 and all(isinstance(item, str) for item in row)):
                raise unreadable
            number, staff_id, rule = row
            if not PRISON_NUMBER.match(number) or not staff_id or rule not in PLACED_RULES:
                raise unreadable
            proposals.append(auto_allocation.Proposal(number, staff_id, rule))
        return proposals


class MoveCaseloadForm(ConfirmAllocationsForm):
    """The reviewed proposal for moving every prisoner of one key worker who cannot do the job."""

    staff_id = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, prison: Prison, **kwargs):
        super().__init__(*args, **kwargs)
        self.prison = prison

    def clean_staff_id(self) -> str:
        staff_id = self.cleaned_data["staff_id"]
        if not StaffMember.objects.filter(pk=staff_id).exists():
            raise ValidationError("That key worker is not known here: choose one from the list below")
        return staff_id
