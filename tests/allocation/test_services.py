"""allocation.services: the set-wise handover store and responsibility overrides."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from allocation import services, tasks
from allocation.handover import CurrentSpell, SentenceFacts, calculate
from allocation.models import Handover, ResponsibilityOverride, Sentence
from omic.models import AuditEvent, CustodySpell, Prisoner
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, UserFactory

pytestmark = pytest.mark.django_db

T = dt.date(2025, 6, 2)


def sentenced(prison, number, dob=dt.date(1990, 1, 1), **fields):
    prisoner = PrisonerFactory(prison_number=number, date_of_birth=dob)
    CustodySpellFactory(prisoner=prisoner, prison=prison, reception_date=dt.date(2024, 1, 1))
    values = {"sentence_type": "determinate", "sentence_start_date": dt.date(2024, 1, 1), **fields}
    if fields.get("unsentenced"):
        return prisoner
    Sentence.objects.create(prisoner=prisoner, **values)
    return prisoner


@pytest.fixture
def lei():
    return PrisonFactory(code="LEI")


def test_every_prisoner_in_custody_is_stored_as_calculated(lei):
    sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2), tier="A")
    sentenced(lei, "A0002AA", dob=dt.date(2010, 1, 1), automatic_release_date=dt.date(2026, 11, 2))
    PrisonerFactory(prison_number="A0003AA")
    CustodySpellFactory(prisoner_id="A0003AA", prison=lei)
    released = sentenced(lei, "A0004AA", automatic_release_date=dt.date(2026, 11, 2))
    CustodySpell.objects.filter(prisoner=released).update(release_date=dt.date(2025, 6, 1))

    result = services.recalculate_handovers(today=T)

    assert (result.prisoners, result.written, result.removed) == (3, 3, 0)
    stored = {h.prisoner_id: h for h in Handover.objects.all()}
    assert set(stored) == {"A0001AA", "A0002AA", "A0003AA"}
    a = stored["A0001AA"]
    assert (a.prison_id, a.calculated_on, a.in_scope) == ("LEI", T, True)
    assert (a.earliest_release_date, a.handover_date, a.com_allocated_date) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 16),
    )
    assert (a.responsibility, a.reason, a.recommended_pom_type) == ("pom", "determinate", "probation_pom")
    for child_or_unsentenced in (stored["A0002AA"], stored["A0003AA"]):
        assert not child_or_unsentenced.in_scope
        assert (child_or_unsentenced.responsibility, child_or_unsentenced.handover_date) == ("", None)


def test_a_second_run_writes_nothing_and_departures_are_removed(lei):
    sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2))
    b = sentenced(lei, "A0002AA", automatic_release_date=dt.date(2026, 11, 2))
    services.recalculate_handovers(today=T)
    assert services.recalculate_handovers(today=T).written == 0

    CustodySpell.objects.filter(prisoner=b).update(release_date=T)
    result = services.recalculate_handovers(today=T)
    assert (result.written, result.removed) == (0, 1)
    assert list(Handover.objects.values_list("prisoner_id", flat=True)) == ["A0001AA"]


def test_named_prisoners_only(lei):
    sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2))
    sentenced(lei, "A0002AA", automatic_release_date=dt.date(2026, 11, 2))
    result = services.recalculate_handovers(today=T, prisoner_ids=["A0002AA"])
    assert (result.prisoners, result.written) == (1, 1)
    assert list(Handover.objects.values_list("prisoner_id", flat=True)) == ["A0002AA"]


def many_prisoners(prison, count, first=0):
    prisoners = [
        Prisoner(prison_number=f"B{n:04d}AA", date_of_birth=dt.date(1985, 1, 1))
        for n in range(first, first + count)
    ]
    Prisoner.objects.bulk_create(prisoners)
    CustodySpell.objects.bulk_create(
        CustodySpell(prisoner=p, prison=prison, reception_date=dt.date(2024, 1, 1)) for p in prisoners
    )
    Sentence.objects.bulk_create(
        Sentence(
            prisoner=p,
            sentence_type="determinate",
            sentence_start_date=dt.date(2024, 1, 1),
            conditional_release_date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
        for i, p in enumerate(prisoners)
    )


@pytest.mark.parametrize("count", [3, 300])
def test_the_query_count_does_not_grow_with_the_estate(lei, count, django_assert_max_num_queries):
    many_prisoners(lei, count)
    ResponsibilityOverride.objects.create(prisoner_id="B0001AA", responsibility="com", reason="MAPPA 3")
    with django_assert_max_num_queries(8):
        result = services.recalculate_handovers(today=T)
    assert result.prisoners == Handover.objects.count() == count
    assert Handover.objects.get(prisoner_id="B0001AA").reason == "override"


def test_stored_figures_match_the_pure_calculation(lei):
    many_prisoners(lei, 40)
    services.recalculate_handovers(today=T)
    for h in Handover.objects.select_related("prisoner__sentence"):
        f = calculate(
            sentence=SentenceFacts.of(h.prisoner.sentence),
            date_of_birth=h.prisoner.date_of_birth,
            spell=CurrentSpell("male_closed", dt.date(2024, 1, 1)),
            today=T,
        )
        assert (h.handover_date, h.responsibility, h.reason) == (f.handover_date, f.responsibility, f.reason)


def test_nightly_task_and_beat_schedule(lei):
    sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2))
    assert tasks.recalculate_handovers.run(today=T.isoformat()) == {
        "prisoners": 1,
        "written": 1,
        "removed": 0,
    }
    entry = settings.CELERY_BEAT_SCHEDULE["recalculate-handovers"]
    assert entry["task"] == "allocation.tasks.recalculate_handovers"


# --- overrides ---------------------------------------------------------------------------


@pytest.fixture
def admin():
    return UserFactory(role="admin", username="admin1")


def test_override_wins_is_audited_and_recalculated_on_commit(
    lei, admin, django_capture_on_commit_callbacks, eager_celery
):
    prisoner = sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2))
    with django_capture_on_commit_callbacks(execute=True):
        override = services.override_responsibility(
            prisoner=prisoner, responsibility="com", reason="  MAPPA level 3 case  ", by=admin
        )
    assert (override.responsibility, override.reason, override.created_by) == (
        "com",
        "MAPPA level 3 case",
        admin,
    )
    stored = Handover.objects.get(prisoner=prisoner)
    assert (stored.responsibility, stored.reason, stored.handover_date) == (
        "com",
        "override",
        dt.date(2026, 2, 16),
    )
    event = AuditEvent.objects.get(action="allocation.responsibility.override")
    assert (event.actor, event.prison_id, event.object_id, event.reason) == (
        admin,
        "LEI",
        "A0001AA",
        "MAPPA level 3 case",
    )
    assert (event.before, event.after) == (None, {"responsibility": "com", "reason": "MAPPA level 3 case"})


def test_a_new_override_replaces_the_one_in_force(lei, admin):
    prisoner = sentenced(lei, "A0001AA")
    first = services.override_responsibility(prisoner=prisoner, responsibility="com", reason="one", by=admin)
    second = services.override_responsibility(prisoner=prisoner, responsibility="pom", reason="two", by=admin)
    first.refresh_from_db()
    assert first.removed_at is not None and first.removed_by == admin
    assert second.is_active
    event = AuditEvent.objects.filter(action="allocation.responsibility.override").first()
    assert event.before == {"responsibility": "com", "reason": "one"}


@pytest.mark.parametrize(
    ("responsibility", "reason", "field"),
    [
        ("com", "", "reason"),
        ("com", "   ", "reason"),
        ("com", "x" * 501, "reason"),
        ("probation", "because", "responsibility"),
    ],
)
def test_override_is_validated(lei, admin, responsibility, reason, field):
    prisoner = sentenced(lei, "A0001AA")
    with pytest.raises(ValidationError) as refused:
        services.override_responsibility(
            prisoner=prisoner, responsibility=responsibility, reason=reason, by=admin
        )
    assert field in refused.value.message_dict
    assert not ResponsibilityOverride.objects.exists()
    assert not AuditEvent.objects.exists()


def test_remove_override(lei, admin, django_capture_on_commit_callbacks, eager_celery):
    prisoner = sentenced(lei, "A0001AA", automatic_release_date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError) as refused:
        services.remove_override(prisoner=prisoner, reason="no longer", by=admin)
    assert "prisoner" in refused.value.message_dict
    services.override_responsibility(prisoner=prisoner, responsibility="com", reason="MAPPA", by=admin)
    with pytest.raises(ValidationError):
        services.remove_override(prisoner=prisoner, reason="", by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.remove_override(prisoner=prisoner, reason="MAPPA level lowered", by=admin)
    assert (removed.removed_by, removed.removed_reason) == (admin, "MAPPA level lowered")
    assert Handover.objects.get(prisoner=prisoner).reason != "override"
    event = AuditEvent.objects.get(action="allocation.responsibility.override_removed")
    assert (event.before, event.after, event.reason) == (
        {"responsibility": "com", "reason": "MAPPA"},
        None,
        "MAPPA level lowered",
    )
