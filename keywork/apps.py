from django.apps import AppConfig


class KeyworkConfig(AppConfig):
    name = "keywork"
    verbose_name = "Key work"

    def ready(self):
        from keywork import (
            loading,  # noqa: F401  (registers allocations.csv and sessions.csv with load_omic)
            receivers,  # noqa: F401  (recompute after estate files load)
        )
