"""The demo estate (`demo_data`) shows every POM list with rows in it (issue 15 item 10): on
the demo governor's prison, upcoming handovers, COM allocation overdue, prisoners without a
POM, BCSTs due or overdue, and POMs with caseloads (primary and co-working)."""

import pytest
from django.core.management import call_command

from allocation.models import Bcst, PomAllocation, Sentence
from allocation.selectors import bcst, handover_dashboard
from omic import dates
from omic.models import User


@pytest.mark.django_db
def test_the_demo_estate_has_rows_in_every_list(eager_celery, capsys):
    call_command("demo_data", "--force")
    today = dates.today()
    prison = User.objects.get(username="demo-governor").prisons.get()
    counts = handover_dashboard.list_counts(prison=prison, today=today)
    assert all(counts[name] > 0 for name in handover_dashboard.HANDOVER_LISTS), counts
    open_tasks = bcst.bcst_counts(prison=prison, today=today)
    assert open_tasks["due"] + open_tasks["overdue"] > 0
    assert Bcst.objects.filter(prison=prison, completed_on__isnull=False).exists()
    active = PomAllocation.objects.filter(prison=prison, end_date__isnull=True)
    assert active.filter(role="primary").values("staff_member").distinct().count() >= 2
    assert active.filter(role="co_working").exists()
    # Every sentence type and special case the rules name is in the national mix.
    sentences = Sentence.objects.all()
    assert {"determinate", "indeterminate"} <= set(sentences.values_list("sentence_type", flat=True))
    for flag in ("recall", "immigration_case", "early_allocation"):
        assert sentences.filter(**{flag: True}).exists(), flag
    assert set(sentences.values_list("tier", flat=True)) >= {"A", "B", "C", "D"}
    assert sentences.filter(com_name="", com_email="").exists()
    assert sentences.filter(parole_eligibility_date__isnull=False).exists()
