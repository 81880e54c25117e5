"""GOV.UK-styled versions of Django's sign-in and password forms (crispy-forms-gds)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from omic import accounts
from omic.forms.fields import PASSWORD_MAX_LENGTH, bound_length, gds_layout


class SignInForm(AuthenticationForm):
    # GOV.UK error messages say what to do; they never name which of the two was wrong.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your prison's admin to switch it on.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        bound_length(self.fields["username"], 150, "Your username")
        bound_length(self.fields["password"], PASSWORD_MAX_LENGTH, "Your password")
        self.fields["username"].widget.attrs.update(
            autocomplete="username", spellcheck="false", autofocus=False
        )
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
        self.helper = gds_layout(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
            button="Sign in",
        )

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # django-axes marks the request when this username or address is locked out (the
            # password was then not even checked): say so, how long to wait and what to do.
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(accounts.lockout_message(), code="locked_out") from None
            raise


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Confirm new password"
        # Django's help text is an HTML list; GOV.UK hint text is a short sentence.
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your new password"
        for name in ("old_password", "new_password1", "new_password2"):
            bound_length(self.fields[name], PASSWORD_MAX_LENGTH, "The password")
        self.helper = gds_layout(
            Field.text("old_password", field_width=Fixed.TWENTY),
            Field.text("new_password1", field_width=Fixed.TWENTY),
            Field.text("new_password2", field_width=Fixed.TWENTY),
            button="Change password",
        )
