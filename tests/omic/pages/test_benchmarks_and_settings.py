"""Benchmarks (add, correct) and prison settings: validated, audited, and key work's answer."""

import datetime as dt
from decimal import Decimal

import pytest

from omic.models import AuditEvent, Benchmark, Prison
from tests.omic.pages.conftest import MONDAY, TODAY, date_parts, get, post

BENCHMARKS = "/prisons/LEI/benchmarks/"
SETTINGS = "/prisons/LEI/settings/"


def test_admin_adds_a_benchmark_that_suspends_key_work_from_its_week(client, users, estate):
    # Brown trained: LEI has 2.00 FTE against 2.00, so key work is on until the new benchmark.
    estate["brown"].key_worker_trained_on = dt.date(2018, 6, 1)
    estate["brown"].save()
    next_monday = MONDAY + dt.timedelta(days=7)
    data = {**date_parts("effective_from", next_monday), "band3_benchmark_fte": "2.50", "reason": ""}
    response = post(client, users["admin"], BENCHMARKS, data)
    assert response.status_code == 302
    assert Benchmark.objects.get(prison_id="LEI", effective_from=next_monday).band3_benchmark_fte == Decimal(
        "2.50"
    )
    page = client.get(BENCHMARKS).content.decode()
    assert f"Benchmark from {next_monday.day} {next_monday:%B %Y} added." in page
    assert f"Key work is now suspended from {next_monday.day} {next_monday:%B %Y}" in page
    [event] = AuditEvent.objects.filter(action="benchmark.add")
    assert event.after == {"effective_from": next_monday.isoformat(), "band3_benchmark_fte": "2.50"}


def test_a_second_benchmark_on_the_same_date_is_refused_in_words(client, users):
    data = {**date_parts("effective_from", dt.date(2020, 1, 6)), "band3_benchmark_fte": "3.00"}
    response = post(client, users["admin"], BENCHMARKS, data)
    assert response.status_code == 200
    assert response.context["form"].errors["effective_from"] == [
        "HMP Leeds already has a benchmark from 6 January 2020: correct that one instead."
    ]
    assert Benchmark.objects.filter(prison_id="LEI").count() == 1 and not AuditEvent.objects.exists()


def test_a_correction_needs_a_reason_and_is_audited_with_before_and_after(client, users):
    benchmark = Benchmark.objects.get(prison_id="LEI")
    url = f"{BENCHMARKS}?correct={benchmark.pk}"
    data = {**date_parts("effective_from", dt.date(2020, 1, 6)), "band3_benchmark_fte": "1.75", "reason": ""}
    refused = post(client, users["admin"], url, data)
    assert refused.context["form"].errors["reason"] == ["Enter the reason for the correction."]
    data["reason"] = "Typed 2.00 for 1.75"
    assert post(client, users["admin"], url, data).status_code == 302
    benchmark.refresh_from_db()
    assert benchmark.band3_benchmark_fte == Decimal("1.75")
    [event] = AuditEvent.objects.filter(action="benchmark.correct")
    assert event.before["band3_benchmark_fte"] == "2.00" and event.after["band3_benchmark_fte"] == "1.75"
    assert event.reason == "Typed 2.00 for 1.75"


@pytest.mark.parametrize(
    ("fte", "message"), [("-1", "0 or more"), ("1.234", "to 2 decimal places"), ("x", "digits 0 to 9")]
)
def test_a_bad_benchmark_figure_is_refused(client, users, fte, message):
    data = {**date_parts("effective_from", TODAY), "band3_benchmark_fte": fte}
    response = post(client, users["admin"], BENCHMARKS, data)
    assert any(message in e for e in response.context["form"].errors["band3_benchmark_fte"])
    assert Benchmark.objects.filter(prison_id="LEI").count() == 1


def test_benchmark_of_another_prison_cannot_be_corrected_from_here(client, users, estate):
    other = Benchmark.objects.get(prison_id="BMI")
    assert get(client, users["admin"], BENCHMARKS, correct=other.pk).status_code == 404


def test_settings_change_the_pom_model_with_its_date_and_audit_it(client, users):
    data = {
        **date_parts("key_work_start_date", dt.date(2019, 1, 7)), "key_worker_capacity": "5",
        "pom_model": "non_operational", **date_parts("pom_model_chosen_on", dt.date(2024, 4, 1)),
    }  # fmt: skip
    assert post(client, users["admin"], SETTINGS, data).status_code == 302
    prison = Prison.objects.get(pk="LEI")
    assert (prison.key_worker_capacity, prison.pom_model, prison.pom_model_chosen_on) == (
        5, "non_operational", dt.date(2024, 4, 1),
    )  # fmt: skip
    [event] = AuditEvent.objects.filter(action="prison.settings")
    assert set(event.after) == {"key_worker_capacity", "pom_model", "pom_model_chosen_on"}
    assert "Non-operational" in client.get(SETTINGS).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"key_worker_capacity": "0"}, "key_worker_capacity", "from 1 to 50"),
        ({"pom_model": "operational"}, "pom_model_chosen_on", "Enter the date the governor chose"),
        (
            {"pom_model": "operational", **date_parts("pom_model_chosen_on", TODAY + dt.timedelta(days=1))},
            "pom_model_chosen_on",
            "cannot be in the future",
        ),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(client, users, changes, field, message):
    data = {
        **date_parts("key_work_start_date", dt.date(2019, 1, 7)),
        "key_worker_capacity": "6",
        "pom_model": "",
    }
    data.update(changes)
    response = post(client, users["admin"], SETTINGS, data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert Prison.objects.get(pk="LEI").key_worker_capacity == 6 and not AuditEvent.objects.exists()


def test_moving_the_key_work_start_date_says_key_work_is_suspended(client, users, estate):
    estate["brown"].key_worker_trained_on = dt.date(2018, 6, 1)
    estate["brown"].save()
    later = MONDAY + dt.timedelta(days=21)
    data = {**date_parts("key_work_start_date", later), "key_worker_capacity": "6", "pom_model": ""}
    post(client, users["admin"], SETTINGS, data)
    assert (
        f"Key work is now suspended from {MONDAY.day} {MONDAY:%B %Y}" in client.get(SETTINGS).content.decode()
    )
