"""GOV.UK forms (crispy-forms-gds) for the core pages, a module per page family. Field names
match the services' keyword names, so a service's ValidationError({field: [...]}) lands
beside its field."""

from omic.forms.accounts import ChangePasswordForm, SignInForm

__all__ = ["ChangePasswordForm", "SignInForm"]
