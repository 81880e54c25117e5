"""`python manage.py handover_report` (pom.md "Report")."""

import csv
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from allocation.models import Handover, PomAllocation, ResponsibilityOverride, Sentence
from tests.factories import CustodySpellFactory, PrisonerFactory, PrisonFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

T = dt.date(2025, 6, 2)
D = dt.date
ADULT, RECEIVED = D(1990, 1, 1), D(2024, 1, 1)


@pytest.fixture
def estate():
    lei = PrisonFactory(code="LEI")
    hdi = PrisonFactory(code="HDI", estate="male_open")

    def prisoner(number, prison, dob=ADULT, reception=RECEIVED, release=None, **sentence):
        p = PrisonerFactory(prison_number=number, date_of_birth=dob)
        CustodySpellFactory(prisoner=p, prison=prison, reception_date=reception, release_date=release)
        if sentence:
            Sentence.objects.create(prisoner=p, sentence_start_date=D(2024, 1, 1), **sentence)
        return p

    a = prisoner("A0001AA", lei, sentence_type="determinate", automatic_release_date=D(2026, 11, 2), tier="A")
    pom = StaffMemberFactory(staff_id="P1", prison=lei, band=7, role="probation_pom")
    PomAllocation.objects.create(
        prisoner=a, prison=lei, staff_member=pom, role="primary", start_date=D(2025, 1, 1)
    )
    b = prisoner("A0002AA", lei, sentence_type="determinate", automatic_release_date=D(2025, 7, 27))
    ResponsibilityOverride.objects.create(prisoner=b, responsibility="pom", reason="Parole hearing pending")
    prisoner(
        "A0003AA", lei, dob=D(2008, 1, 1), sentence_type="determinate", automatic_release_date=D(2027, 1, 1)
    )
    prisoner("A0004AA", lei)  # unsentenced
    prisoner("A0005AA", lei, release=T, sentence_type="determinate")  # released on T: not in custody
    prisoner("A0006AA", lei, reception=T + dt.timedelta(days=1), sentence_type="determinate")  # not yet
    # open conditions since 2025-01-10: the COM comes in on arrival
    prisoner(
        "B0001AA",
        hdi,
        reception=D(2025, 1, 10),
        sentence_type="indeterminate",
        tariff_expiry_date=D(2027, 3, 15),
    )
    # overdue: handover 2025-05-31 (ARD 2026-02-14 - 8 months - 14 days), no COM
    prisoner("B0002AA", hdi, sentence_type="determinate", automatic_release_date=D(2026, 2, 14))
    return lei, hdi


def report(*args):
    out = StringIO()
    call_command("handover_report", *args, stdout=out)
    return out.getvalue()


def test_csv_rows_and_columns(estate):
    text = report("--date", T.isoformat())
    rows = list(csv.reader(StringIO(text)))
    assert rows[0] == [
        "prison_code", "prison_number", "in_scope", "sentence_type", "earliest_release_date", "handover_date",
        "com_allocated_date", "responsibility", "reason", "recommended_pom_type", "upcoming_handover",
        "com_allocation_overdue", "primary_pom_staff_id",
    ]  # fmt: skip
    assert rows[1:] == [
        ["HDI", "B0001AA", "true", "indeterminate", "2027-03-15", "2026-03-15", "2025-01-10", "pom_with_com",
         "indeterminate_open", "prison_pom", "false", "false", ""],
        ["HDI", "B0002AA", "true", "determinate", "2026-02-14", "2025-05-31", "2025-05-31", "com",
         "determinate", "prison_pom", "false", "true", ""],
        ["LEI", "A0001AA", "true", "determinate", "2026-11-02", "2026-02-16", "2026-02-16", "pom",
         "determinate", "probation_pom", "false", "false", "P1"],
        ["LEI", "A0002AA", "true", "determinate", "2025-07-27", "2024-11-13", "2024-11-13", "pom",
         "override", "prison_pom", "false", "false", ""],
        ["LEI", "A0003AA", "false", "determinate", "", "", "", "", "", "", "", "", ""],
        ["LEI", "A0004AA", "false", "", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    assert not Handover.objects.exists()  # calculated for T, not read from (nor written to) the store


def test_upcoming_on_another_day(estate):
    # 56 days before A0001AA's handover of 2026-02-16
    rows = list(csv.DictReader(StringIO(report("--date", "2025-12-22", "--prison", "LEI"))))
    a = next(r for r in rows if r["prison_number"] == "A0001AA")
    assert (a["responsibility"], a["upcoming_handover"]) == ("pom", "true")
    assert {r["prison_code"] for r in rows} == {"LEI"}


def test_json_uses_null_and_booleans(estate):
    items = json.loads(report("--date", T.isoformat(), "--format", "json", "--prison", "LEI"))
    assert [i["prison_number"] for i in items] == ["A0001AA", "A0002AA", "A0003AA", "A0004AA"]
    first, child = items[0], items[2]
    assert first["in_scope"] is True and first["upcoming_handover"] is False
    assert first["handover_date"] == "2026-02-16" and first["primary_pom_staff_id"] == "P1"
    assert child["in_scope"] is False
    assert child["handover_date"] is None and child["upcoming_handover"] is None
    assert items[3]["sentence_type"] is None


def test_bad_arguments(estate):
    with pytest.raises(CommandError, match="Unknown prison"):
        report("--date", T.isoformat(), "--prison", "XYZ")
    with pytest.raises(CommandError, match="is not a date"):
        report("--date", "02/06/2025")
