"""Key work forms (GOV.UK via crispy-forms-gds), named for their pages: sessions (the session
form) and key_workers (the allocate page's forms)."""

from keywork.forms.key_workers import (
    PRISON_NUMBER,
    AllocateForm,
    AllocationKeyWorkerField,
    ConfirmAllocationsForm,
    EndAllocationForm,
    PrisonNumberField,
)
from keywork.forms.sessions import KeyWorkerChoiceField, SessionDateField, SessionForm

__all__ = [
    "PRISON_NUMBER",
    "AllocateForm",
    "AllocationKeyWorkerField",
    "ConfirmAllocationsForm",
    "EndAllocationForm",
    "KeyWorkerChoiceField",
    "PrisonNumberField",
    "SessionDateField",
    "SessionForm",
]
