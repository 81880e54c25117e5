"""Follow-up work when omic loads files (omic sends the signal; it does not import us)."""

from __future__ import annotations

from django.dispatch import receiver

from allocation import services
from omic.loading import file_loaded

# Files whose rows change a prisoner's handover inputs: the sentence, the date of birth
# and the current spell (prisoners.csv), the estate of a prison (prisons.csv).
PRISONER_FILES = {"sentences.csv", "prisoners.csv"}


@receiver(file_loaded, dispatch_uid="allocation-recalculate-after-load")
def recalculate_after_load(sender, ctx, counts, **kwargs):
    """Recalculate on commit the stored handover figures of the prisoners a file changed."""
    if not (counts.inserted or counts.updated):
        return
    if sender == "prisons.csv":
        services.schedule_recalculation(None)
    elif sender in PRISONER_FILES:
        ids = [number for (number,) in ctx.fetchall("SELECT DISTINCT prison_number FROM {rows}")]
        services.schedule_recalculation(ids)
