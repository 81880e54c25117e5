"""Admins' forms for the users of their prison."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from omic.forms.fields import PASSWORD_MAX_LENGTH, gds_layout, radios
from omic.models import Role
from omic.services.users import ADMIN_GIVES, NAME_MAX_LENGTH

ROLE_CHOICES = [(role.value, role.label) for role in ADMIN_GIVES]



def _password(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="They choose their own password when they next sign in.",
        error_messages={
            "required": "Enter a password for them to sign in with once",
            "max_length": f"The password must be {PASSWORD_MAX_LENGTH} characters or fewer",
        },
    )


class AccessFields(forms.Form):
    role = radios("Role", choices=ROLE_CHOICES, required="Choose a role")
    wings = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Wings (wing managers only)"
    )
    staff_id = forms.ChoiceField(choices=(), required=False, label="They are this member of staff (optional)")

    def __init__(self, *args, prison, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wings"].choices = [(w.code, w.name) for w in prison.wings.all()]
        self.fields["staff_id"].choices = [("", "Not on the staff list")] + [
            (s.staff_id, f"{s.full_name} ({s.staff_id})")
            for s in prison.staff.order_by("last_name", "first_name")
        ]


class AddUserForm(AccessFields):
    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={
            "required": "Enter a username",
            "max_length": "The username must be 150 characters or fewer",
        },
    )
    first_name = forms.CharField(
        label="First name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"The first name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"The last name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    password = _password("Password for their first sign-in")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.helper = gds_layout(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("first_name", field_width=Fixed.TWENTY),
            Field.text("last_name", field_width=Fixed.TWENTY),
            Field.radios("role", legend_size=Size.SMALL),
            Field.checkboxes("wings", legend_size=Size.SMALL),
            Field.select("staff_id"),
            Field.text("password", field_width=Fixed.TWENTY),
            button="Add user",
        )


class ChangeAccessForm(AccessFields):
    is_active = forms.TypedChoiceField(
        choices=[("true", "Can sign in"), ("false", "Switched off")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        label="Account",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_layout(
            Field.radios("role", legend_size=Size.SMALL),
            Field.checkboxes("wings", legend_size=Size.SMALL),
            Field.select("staff_id"),
            Field.radios("is_active", legend_size=Size.SMALL, inline=True),
            button="Save access",
        )


class NewPasswordForm(forms.Form):
    password = _password("New password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_layout(Field.text("password", field_width=Fixed.TWENTY), button="Set new password")


__all__ = ["AddUserForm", "ChangeAccessForm", "NewPasswordForm", "Role"]
