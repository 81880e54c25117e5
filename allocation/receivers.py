"""Follow-up work when omic loads files or saves spells (omic sends the signals; it does not import us)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from allocation import services
from allocation.services import bcst, departures
from omic import followups
from omic.loading import file_loaded
from omic.models import CustodySpell

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


@receiver(file_loaded, dispatch_uid="allocation-spells-after-load")
def spells_after_load(sender, counts, **kwargs):
    """prisoners.csv, in its own transaction: new custody episodes get their BCST tasks, and
    POM allocations of prisoners it shows released or transferred end (both set-wise, over the
    estate: the BCST cut-off and the few active allocations keep them small)."""
    if sender != "prisoners.csv" or not (counts.inserted or counts.updated):
        return
    services.create_bcsts()
    services.end_pom_allocations_for_departures()


@receiver(post_save, sender=CustodySpell, dispatch_uid="allocation-spell-saved")
def spell_saved(sender, instance, created, raw=False, **kwargs):
    """A spell saved one at a time (not by the loader, which writes set-wise above): a new one
    gets its BCST task, a released one ends its POM allocations, when the transaction commits
    (gathered with the other spells saved in it)."""
    if raw:
        return
    if created:
        followups.on_commit(bcst.create_bcsts_for_spells, instance.pk)
    if instance.release_date is not None:
        followups.on_commit(departures.end_for_prisoners, instance.prisoner_id)
