"""allocation.services.sentences: the admin's sentence record, checked field by field,
audited, and the prisoner's handover figures recalculated on commit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from allocation import services
from allocation.models import Handover, Sentence
from omic.models import AuditEvent
from tests import factories
from tests.allocation import pom_world
from tests.allocation.pom_world import TODAY

pytestmark = pytest.mark.django_db
estate = pom_world.estate

START = dt.date(2024, 1, 1)


@pytest.fixture
def admin(estate):
    return factories.UserFactory(role="admin", username="lei-admin")


def valid(**changes):
    return {"sentence_type": "determinate", "sentence_start_date": START,
            "conditional_release_date": TODAY + dt.timedelta(days=700), "tier": "B", **changes}  # fmt: skip


def test_a_new_record_is_saved_audited_and_recalculated_on_commit(
    estate, admin, django_capture_on_commit_callbacks, eager_celery
):
    prisoner = estate["unsentenced"]
    with django_capture_on_commit_callbacks(execute=True):
        sentence = services.save_sentence(
            prisoner=prisoner, by=admin, values=valid(com_name="  Cath Com  "), reason="From the court order"
        )
    assert (sentence.tier, sentence.com_name, sentence.recall) == ("B", "Cath Com", False)
    event = AuditEvent.objects.get()
    assert (event.action, event.prison_id, event.object_id, event.reason, event.before) == (
        "allocation.sentence.create", "LEI", "D4444DD", "From the court order", None,
    )  # fmt: skip
    assert event.after["com_name"] == "Cath Com"
    stored = Handover.objects.get(prisoner=prisoner)
    assert stored.in_scope and stored.responsibility == "pom"


def test_a_correction_audits_only_what_changed(estate, admin):
    prisoner = estate["on_a"]
    services.save_sentence(prisoner=prisoner, by=admin, values={"tier": "A", "recall": True})
    event = AuditEvent.objects.get()
    assert event.action == "allocation.sentence.update"
    assert (event.before, event.after) == ({"recall": False, "tier": "C"}, {"recall": True, "tier": "A"})
    # Saving the same values again changes nothing and writes no audit record.
    services.save_sentence(prisoner=prisoner, by=admin, values={"tier": "A", "recall": True})
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sentence_type": "life"}, "sentence_type", "Choose the sentence type"),
        ({"sentence_start_date": None}, "sentence_start_date", "Enter the sentence start date"),
        (
            {"automatic_release_date": dt.date(2023, 12, 31)},
            "automatic_release_date",
            "on or after the sentence start",
        ),
        ({"com_email": "not an email"}, "com_email", "name@example.gov.uk"),
        ({"tier": "E"}, "tier", "tier A, B, C or D"),
        ({"mappa_level": 4}, "mappa_level", "MAPPA level 0, 1, 2 or 3"),
        ({"parole_outcome": "x" * 201}, "parole_outcome", "200 characters or fewer"),
    ],
)
def test_each_bad_field_is_refused_by_name_and_nothing_is_saved(estate, admin, changes, field, words):
    prisoner = estate["unsentenced"]
    with pytest.raises(ValidationError) as refused:
        services.save_sentence(prisoner=prisoner, by=admin, values=valid(**changes))
    assert words in refused.value.message_dict[field][0]
    assert not Sentence.objects.filter(prisoner=prisoner).exists()
    assert not AuditEvent.objects.exists()


def test_every_problem_is_reported_at_once(estate, admin):
    with pytest.raises(ValidationError) as refused:
        services.save_sentence(
            prisoner=estate["unsentenced"], by=admin, values=valid(sentence_type="", tier="Z", com_email="x")
        )
    assert set(refused.value.message_dict) == {"sentence_type", "tier", "com_email"}
