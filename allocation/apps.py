from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = "POM allocation"

    def ready(self):
        from allocation import (
            loading,  # noqa: F401  (registers sentences.csv with load_omic)
            receivers,  # noqa: F401  (recalculate handovers after files load)
        )
