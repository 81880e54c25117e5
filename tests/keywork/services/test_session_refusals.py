"""Sessions the form refuses (keywork.md): each broken rule with its field and the fix, and every
broken rule at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from keywork import services
from keywork.models import Session
from omic.models import AuditEvent
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, StaffMemberFactory
from tests.keywork.services.test_sessions import (
    BCST_MESSAGE,
    FUTURE_MESSAGE,
    MONDAY,
    TODAY,
    TUESDAY,
    not_in_custody,
    session_kwargs,
)

KIND_MESSAGE = (
    "Kind must be one of: structured interview, ACCT review, meeting family at a visit, "
    "conversation during an activity, other. Choose one of these."
)


def released_on_monday(w):
    prisoner = PrisonerFactory(prison_number="B1111BB")
    CustodySpellFactory(
        prisoner=prisoner, prison=w.prison, reception_date=dt.date(2024, 6, 1), release_date=MONDAY
    )
    return {"prisoner": prisoner}


def received_the_day_after(w):
    prisoner = PrisonerFactory(prison_number="B2222BB")
    CustodySpellFactory(prisoner=prisoner, prison=w.prison, reception_date=TUESDAY)
    return {"prisoner": prisoner}


def held_at_another_prison(w):
    prisoner = PrisonerFactory(prison_number="B3333BB")
    CustodySpellFactory(
        prisoner=prisoner, prison=PrisonFactory(code="BMI"), reception_date=dt.date(2024, 1, 1)
    )
    return {"prisoner": prisoner}


def not_in_post(staff_id):
    return (
        f"Key worker {staff_id} is not in post at LEI on 3 March 2025. "
        "Choose a key worker in post at this prison on that date, or check the date."
    )


def untrained(staff_id):
    return (
        f"Key worker {staff_id} had not completed key worker training by 3 March 2025. "
        "Choose a trained key worker, or record their training date first."
    )


def duration(rule):
    return f"Duration must be {rule}: enter how many minutes the session lasted."


WHOLE_MINUTES = "Duration must be a whole number of minutes: enter a number such as 45."
NO_DATE = "Date is required: enter the date the session took place."


def held_by(staff_id, message, case, **fields):
    """A REFUSALS case: the session held by `staff_id`, a new staff member of the world's prison
    with `fields`, is refused on the key worker with `message`."""

    def change(w):
        return {"key_worker": StaffMemberFactory(staff_id=staff_id, prison=w.prison, **fields)}

    return pytest.param(change, "key_worker", message, id=case)


REFUSALS = [
    pytest.param(lambda w: {"kind": "bcst"}, "kind", BCST_MESSAGE, id="bcst_lower_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "BCST"}, "kind", BCST_MESSAGE, id="bcst_upper_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "Bcst "}, "kind", BCST_MESSAGE, id="bcst_mixed_case_is_band_4_work"),
    pytest.param(lambda w: {"kind": "chat"}, "kind", KIND_MESSAGE, id="unknown_kind"),
    pytest.param(lambda w: {"kind": "Structured_Interview"}, "kind", KIND_MESSAGE, id="kind_in_wrong_case"),
    pytest.param(
        lambda w: {"date": TODAY + dt.timedelta(days=1)}, "date", FUTURE_MESSAGE, id="date_in_future"
    ),
    pytest.param(lambda w: {"date": None}, "date", NO_DATE, id="date_missing"),
    pytest.param(lambda w: {"minutes": 0}, "minutes", duration("at least 1 minute"), id="zero_minutes"),
    pytest.param(lambda w: {"minutes": 241}, "minutes", duration("240 minutes or less"), id="241_minutes"),
    pytest.param(lambda w: {"minutes": 45.5}, "minutes", WHOLE_MINUTES, id="fractional_minutes"),
    pytest.param(lambda w: {"minutes": "45"}, "minutes", WHOLE_MINUTES, id="minutes_as_text"),
    pytest.param(
        released_on_monday, "prisoner", not_in_custody("B1111BB"), id="release_day_is_not_a_custody_day"
    ),
    pytest.param(received_the_day_after, "prisoner", not_in_custody("B2222BB"), id="before_reception"),
    pytest.param(held_at_another_prison, "prisoner", not_in_custody("B3333BB"), id="in_custody_elsewhere"),
    held_by(
        "S4",
        "Key worker S4 is Band 4: key work sessions are held by Band 3 officers. Choose a Band 3 key worker.",
        "not_band_3",
        band=4,
    ),
    held_by("S5", not_in_post("S5"), "key_worker_left_post_that_day", in_post_to=MONDAY),
    held_by("S6", not_in_post("S6"), "key_worker_not_yet_in_post", in_post_from=TODAY),
    pytest.param(
        lambda w: {"key_worker": StaffMemberFactory(staff_id="S7", prison=PrisonFactory(code="BMI"))},
        "key_worker",
        not_in_post("S7"),
        id="key_worker_at_another_prison",
    ),
    held_by("S8", untrained("S8"), "key_worker_never_trained", key_worker_trained_on=None),
    held_by("S9", untrained("S9"), "key_worker_trained_the_day_after", key_worker_trained_on=TUESDAY),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSALS)
def test_session_breaking_a_form_rule_is_refused_with_the_field_and_the_fix(world, change, field, message):
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, **change(world)))
    assert refused.value.message_dict == {field: [message]}
    assert not Session.objects.exists()
    assert not AuditEvent.objects.exists()


def test_session_refusal_lists_every_broken_rule_at_once(world):
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, minutes=0, kind="bcst"))
    assert set(refused.value.message_dict) == {"minutes", "kind"}


def test_session_by_untrained_officer_is_refused(world):
    officer = StaffMemberFactory(staff_id="S2", prison=world.prison, key_worker_trained_on=None)
    with pytest.raises(ValidationError) as refused:
        services.record_session(**session_kwargs(world, key_worker=officer))
    assert refused.value.message_dict == {"key_worker": [untrained("S2")]}
