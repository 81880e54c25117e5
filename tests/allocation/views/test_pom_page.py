"""The prisoner's POM page: who sees it and who may change it, the forms' refusals in words,
the recommended type listed first, and a fixed number of queries."""

import datetime as dt

import pytest

from allocation.models import PomAllocation, ResponsibilityOverride, Sentence
from omic.models import AuditEvent
from tests.allocation import pom_world
from tests.allocation.pom_world import TODAY, allocate
from tests.pages import ok

pytestmark = pytest.mark.django_db
estate = pom_world.estate
PAGE = "/prisoners/A1111AA/pom/"


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status", "forms"),
    [("admin", 200, True), ("governor", 200, False), ("hq", 200, False), ("wing_manager", 200, False),
     ("other_admin", 404, False)],
)  # fmt: skip
def test_who_sees_the_page_and_who_gets_the_forms(client, users, role, status, forms):
    response = signed_in(client, users[role]).get(PAGE)
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "POM and handover: Alan Able" in content
        assert "POM responsible" in content
        assert ('name="form" value="allocate"' in content) is forms
        assert ('name="form" value="sentence"' in content) is forms


def test_signed_out_is_sent_to_sign_in(client, estate):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["governor", "hq", "wing_manager"])
def test_only_admins_may_post(client, users, estate, role):
    response = signed_in(client, users[role]).post(
        PAGE, {"form": "allocate", "role": "primary", "staff_member": "LEIP01"}
    )
    assert response.status_code == 403
    assert not PomAllocation.objects.exists()


def test_a_prisoner_elsewhere_is_404(client, users):
    assert signed_in(client, users["admin"]).get("/prisoners/C3333CC/pom/").status_code == 404
    assert signed_in(client, users["admin"]).get("/prisoners/Z9999ZZ/pom/").status_code == 404


def test_recommended_type_first_with_caseload_and_working_pattern(client, users, estate):
    allocate(estate["tier_a"], estate["part_time_pom"])
    content = ok(signed_in(client, users["admin"]).get(PAGE)).content.decode()
    order = [content.index(f'value="{staff_id}"') for staff_id in ("LEIP01", "LEIP02", "LEIR01")]
    assert order == sorted(order)  # prison POMs (recommended) first, then the probation POM
    assert (
        "Prison POM (recommended type) · 1 case · Part time – 3 days per week (0.60 FTE, 22.5 hours"
        in content
    )
    assert "Probation POM · 0 cases · Full time (1.00 FTE, 39 hours a week)" in content
    for not_offered in ("LEIO01", "LEIP03", "LEIP04", "BMIP01"):
        assert f'value="{not_offered}"' not in content

    tier_a = ok(client.get("/prisoners/B2222BB/pom/")).content.decode()
    assert tier_a.index('value="LEIR01"') < tier_a.index('value="LEIP01"')


def test_admin_allocates_and_sees_the_confirmation(client, users, estate):
    client = signed_in(client, users["admin"])
    response = client.post(PAGE, {"form": "allocate", "role": "primary", "staff_member": "LEIP01"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert PomAllocation.objects.get().staff_member_id == "LEIP01"
    content = ok(client.get(PAGE)).content.decode()
    assert "Pat Parker (LEIP01) is now the primary POM of Alan Able (A1111AA)." in content


def test_against_the_recommendation_without_a_reason_is_refused_beside_the_field(client, users, estate):
    response = signed_in(client, users["admin"]).post(
        PAGE, {"form": "allocate", "role": "primary", "staff_member": "LEIR01", "reason": ""}
    )
    content = ok(response).content.decode()
    assert "<title>Error: " in content and "govuk-error-summary" in content
    assert "Reason is required: POM Rob Reed (LEIR01) is a probation POM" in content
    assert 'href="#id_reason"' in content
    assert not PomAllocation.objects.exists() and not AuditEvent.objects.exists()


def test_a_pom_not_offered_is_refused_in_words(client, users, estate):
    response = signed_in(client, users["admin"]).post(
        PAGE, {"form": "allocate", "role": "primary", "staff_member": "LEIO01"}
    )
    assert "Choose a POM from the list" in ok(response).content.decode()


def test_admin_deallocates_with_a_reason(client, users, estate):
    allocate(estate["on_a"], estate["prison_pom"], start=TODAY - dt.timedelta(days=5))
    client = signed_in(client, users["admin"])
    refused = ok(
        client.post(PAGE, {"form": "deallocate", "deallocate-role": "primary", "deallocate-reason": ""})
    ).content.decode()
    assert "Reason is required: say why the POM is being deallocated" in refused
    response = client.post(
        PAGE, {"form": "deallocate", "deallocate-role": "primary", "deallocate-reason": "Moved to days"}
    )
    assert response.status_code == 302
    assert PomAllocation.objects.get().end_reason == "Moved to days"


def date_parts(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)} if day else {
        f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}  # fmt: skip


def sentence_post(**changes):
    data = {"form": "sentence", "sentence_type": "indeterminate", "tier": "B", "mappa_level": "2",
            "com_name": "Cath Com", "com_email": "cath.com@justice.gov.uk", "recall": "on",
            **date_parts("sentence_start_date", dt.date(2020, 5, 1)),
            **date_parts("tariff_expiry_date", TODAY + dt.timedelta(days=900))}  # fmt: skip
    for name in ("parole_eligibility_date", "automatic_release_date", "conditional_release_date",
                 "target_hearing_date"):  # fmt: skip
        data.update(date_parts(name, None))
    return data | changes


def test_admin_corrects_the_sentence_record(client, users, estate):
    response = signed_in(client, users["admin"]).post(PAGE, sentence_post())
    assert response.status_code == 302
    sentence = Sentence.objects.get(prisoner_id="A1111AA")
    assert (sentence.sentence_type, sentence.mappa_level, sentence.recall, sentence.com_name) == (
        "indeterminate", 2, True, "Cath Com",
    )  # fmt: skip
    assert sentence.conditional_release_date is None
    assert AuditEvent.objects.get().action == "allocation.sentence.update"


def test_a_bad_sentence_is_refused_beside_its_field(client, users, estate):
    response = signed_in(client, users["admin"]).post(PAGE, sentence_post(com_email="nobody"))
    content = ok(response).content.decode()
    assert "Enter the COM&#x27;s email address as name@example.gov.uk" in content
    assert Sentence.objects.get(prisoner_id="A1111AA").com_email == ""


def test_admin_overrides_and_removes_the_override(client, users, estate):
    client = signed_in(client, users["admin"])
    refused = ok(client.post(PAGE, {"form": "override", "responsibility": "com", "reason": ""}))
    assert (
        "Reason is required: say why the calculated responsibility is overridden" in refused.content.decode()
    )
    assert (
        client.post(PAGE, {"form": "override", "responsibility": "com", "reason": "MAPPA 3"}).status_code
        == 302
    )
    content = ok(client.get(PAGE)).content.decode()
    assert "An admin has overridden the calculated responsibility." in content and "MAPPA 3" in content
    assert client.post(PAGE, {"form": "remove_override", "reason": "Level lowered"}).status_code == 302
    assert not ResponsibilityOverride.objects.filter(removed_at__isnull=True).exists()


def test_unknown_form_is_a_bad_request(client, users, estate):
    assert signed_in(client, users["admin"]).post(PAGE, {"form": "nonsense"}).status_code == 400


def test_the_page_costs_the_same_for_one_pom_as_for_many(
    client, users, estate, django_assert_max_num_queries
):
    client = signed_in(client, users["admin"])
    allocate(estate["on_a"], estate["prison_pom"])
    with django_assert_max_num_queries(40) as few:
        ok(client.get(PAGE))
    for n in range(20):
        pom_world.pom(f"LEIX{n:02d}", estate["lei"])
    allocate(estate["on_a"], estate["part_time_pom"], role="co_working")
    with django_assert_max_num_queries(len(few.captured_queries)):
        ok(client.get(PAGE))


def test_every_form_on_the_page_has_its_own_ids(client, users, estate):
    import re
    from collections import Counter

    allocate(estate["on_a"], estate["prison_pom"])
    ResponsibilityOverride.objects.create(prisoner=estate["on_a"], responsibility="com", reason="MAPPA 3")
    content = ok(signed_in(client, users["admin"]).get(PAGE)).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', content))
    assert [i for i, n in ids.items() if n > 1] == []
    for form_id in (
        "id_reason",
        "id_deallocate-reason",
        "sentence_reason",
        "override_reason",
        "remove_override_reason",
    ):
        assert f'for="{form_id}"' in content


def test_out_of_scope_offers_no_allocation_and_says_why(client, users, estate):
    content = ok(signed_in(client, users["admin"]).get("/prisoners/D4444DD/pom/")).content.decode()
    assert "Not in OMiC scope: no sentence record" in content
    assert "A POM is allocated only to a prisoner in OMiC scope" in content
    assert 'name="form" value="allocate"' not in content
    assert 'name="form" value="sentence"' in content  # the admin can record the sentence


def test_a_wing_manager_sees_only_their_wings_prisoners(client, users, estate):
    client = signed_in(client, users["wing_manager"])
    ok(client.get(PAGE))
    assert client.get("/prisoners/B2222BB/pom/").status_code == 404  # wing B is not theirs


def test_the_folded_forms_say_what_they_do_and_open_when_refused(client, users, estate):
    client = signed_in(client, users["admin"])
    content = ok(client.get(PAGE)).content.decode()
    assert "Correct the sentence record" in content and "Override the calculated responsibility" in content
    assert '<details class="govuk-details" id="sentence">' in content
    refused = ok(client.post(PAGE, sentence_post(com_email="nobody"))).content.decode()
    assert '<details class="govuk-details" id="sentence" open>' in refused
    assert '<details class="govuk-details" id="override">' in refused
    assert 'action="#sentence"' in refused and 'name="form" value="override"' in refused
    assert 'action="#allocate"' in refused and 'name="form" value="allocate"' in refused
    client.post(PAGE, {"form": "override", "responsibility": "com", "reason": "MAPPA 3"})
    overridden = ok(client.get(PAGE)).content.decode()
    assert "Replace the override" in overridden
    assert 'action="#override-heading"' in overridden and 'value="remove_override"' in overridden
