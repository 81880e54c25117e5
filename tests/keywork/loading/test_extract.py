"""allocations.csv and sessions.csv loaded together (keywork/loading/): a first load and
the same files again (formats.md, "Loading")."""

import datetime as dt

import pytest

from keywork.models import KeyWorkerAllocation, Session, Source
from tests.keywork.loading.files import ALLOCATIONS, SESSIONS, load

pytestmark = pytest.mark.django_db


def test_happy_path_loads_allocations_and_sessions(estate, tmp_path):
    status, out, err = load(tmp_path, {"allocations.csv": ALLOCATIONS, "sessions.csv": SESSIONS})

    assert status == 0, err
    assert "allocations.csv: 2 rows; 2 inserted, 0 updated, 0 unchanged" in out
    assert "sessions.csv: 2 rows; 2 inserted, 0 updated, 0 unchanged" in out
    allocations = KeyWorkerAllocation.objects.order_by("prisoner_id")
    assert [(a.prisoner_id, a.key_worker_id, a.end_date, a.source) for a in allocations] == [
        ("A1234BC", "S1", None, Source.EXTRACT),
        ("B2345CD", "S1", dt.date(2024, 3, 1), Source.EXTRACT),
    ]
    x1 = Session.objects.get(session_id="X1")
    assert (x1.source, x1.prisoner_id, x1.prison_id, x1.key_worker_id) == ("extract", "A1234BC", "LEI", "S1")
    assert (x1.date, x1.duration_minutes, x1.kind, x1.notes) == (
        dt.date(2024, 3, 4),
        45,
        "structured_interview",
        "",
    )
    assert x1.allocated_key_worker_id == "S1"


def test_loading_twice_changes_nothing(estate, tmp_path):
    files = {"allocations.csv": ALLOCATIONS, "sessions.csv": SESSIONS}
    load(tmp_path, files)
    before = (
        list(Session.objects.values().order_by("id")),
        list(KeyWorkerAllocation.objects.values().order_by("id")),
    )

    status, out, err = load(tmp_path, files)

    assert status == 0, err
    assert "allocations.csv: 2 rows; 0 inserted, 0 updated, 2 unchanged" in out
    assert "sessions.csv: 2 rows; 0 inserted, 0 updated, 2 unchanged" in out
    after = (
        list(Session.objects.values().order_by("id")),
        list(KeyWorkerAllocation.objects.values().order_by("id")),
    )
    assert after == before
