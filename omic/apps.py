from django.apps import AppConfig


class OmicConfig(AppConfig):
    name = "omic"
    verbose_name = "OMiC core"

    def ready(self):
        # Connects the audit of sign-in lockouts to django-axes' signal.
        from omic import accounts  # noqa: F401
