"""sessions.csv (keywork/loading/sessions.py): its rules, soft deletes, the recompute it
asks for, and its bulk first load."""

import datetime as dt

import pytest
from django.utils import timezone

from keywork import compliance, recompute
from keywork.models import KeyWorkerAllocation, PrisonWeek, Session
from omic import dates
from tests.db import schema
from tests.keywork.loading.files import ALLOCATIONS, SESSIONS, load

pytestmark = pytest.mark.django_db


def test_a_changed_session_is_updated(estate, tmp_path):
    load(tmp_path, {"sessions.csv": SESSIONS})
    status, out, _ = load(tmp_path, {"sessions.csv": SESSIONS.replace(",45,", ",50,")})

    assert status == 0
    assert "1 updated" in out
    assert Session.objects.get(session_id="X1").duration_minutes == 50


def test_bad_sessions_are_each_reported_and_nothing_loads(estate, tmp_path):
    future = (dates.today() + dt.timedelta(days=30)).isoformat()
    bad = (
        "session_id,prison_number,staff_id,prison_code,date,duration_minutes,kind\n"
        "X10,A1234BC,S2,LEI,2024-03-04,45,structured_interview\n"  # 2: untrained officer
        "X11,B2345CD,S1,LEI,2024-03-04,45,other\n"  # 3: released on 1 March
        f"X12,A1234BC,S1,LEI,{future},45,other\n"  # 4: future
        "X13,A1234BC,S1,LEI,2024-03-04,0,other\n"  # 5
        "X14,A1234BC,S1,LEI,2024-03-04,241,other\n"  # 6
        "X15,A1234BC,S1,LEI,2024-03-04,45,BCST\n"  # 7
        "X16,Z9999ZZ,S1,LEI,2024-03-04,45,other\n"  # 8: unknown prisoner
        "X17,A1234BC,S1,LEI,2024-02-30,45,other\n"  # 9: malformed date
        "X18,A1234BC,S1,LEI,2024-03-04,45,other\n"  # 10: good
    )

    status, _, err = load(tmp_path, {"sessions.csv": bad})

    assert status == 1
    lines = [line for line in err.splitlines() if line.startswith("sessions.csv:")]
    expected = [
        ("sessions.csv:2: staff_id: ", "had not completed key worker training"),
        ("sessions.csv:3: date: ", "prisoner B2345CD was not in custody at LEI on 2024-03-04"),
        (
            "sessions.csv:4: date: ",
            f"{future} is in the future (today is {dates.today().isoformat()}); "
            "a session is recorded once it has taken place, so correct the date",
        ),
        ("sessions.csv:5: duration_minutes: ", "'0' is out of range; duration_minutes must be from 1 to 240"),
        ("sessions.csv:6: duration_minutes: ", "'241' is out of range"),
        (
            "sessions.csv:7: kind: ",
            "BCST belongs to the Band 4 job description; Band 3 key workers must not complete it",
        ),
        ("sessions.csv:8: prison_number: ", "prisoner Z9999ZZ is not known"),
        ("sessions.csv:9: date: ", "'2024-02-30' is not a date"),
    ]
    for prefix, text in expected:
        assert any(line.startswith(prefix) and text in line for line in lines), (prefix, text, lines)
    assert not any(line.startswith("sessions.csv:10:") for line in lines)
    assert "sessions.csv: 8 bad rows of 9; nothing loaded from this file" in err
    assert not Session.objects.exists()


def test_a_soft_deleted_session_is_not_revived_and_is_skipped(estate, tmp_path):
    load(tmp_path, {"sessions.csv": SESSIONS})
    Session.objects.filter(session_id="X1").update(deleted_at=timezone.now(), deleted_reason="entered twice")

    status, out, err = load(tmp_path, {"sessions.csv": SESSIONS.replace(",45,", ",60,")})

    assert status == 0, err
    assert "sessions.csv: 2 rows; 0 inserted, 0 updated, 1 unchanged, 1 skipped" in out
    x1 = Session.objects.get(session_id="X1")
    assert x1.deleted_at is not None
    assert x1.duration_minutes == 45


def test_loaded_sessions_recompute_the_weeks_already_computed(
    estate, tmp_path, django_capture_on_commit_callbacks, eager_celery
):
    first, last = dt.date(2024, 2, 5), dt.date(2024, 3, 4)
    compliance.recompute(week_from=first, week_to=last, prison_ids=["LEI"])
    assert PrisonWeek.objects.get(prison_id="LEI", week_start=first).delivered_minutes == 0

    with django_capture_on_commit_callbacks(execute=True):
        load(tmp_path, {"sessions.csv": SESSIONS})

    delivered = dict(
        PrisonWeek.objects.filter(prison_id="LEI").values_list("week_start", "delivered_minutes")
    )
    assert (delivered[first], delivered[last]) == (30, 45)


def test_a_first_load_leaves_never_computed_history_to_the_report(estate, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(recompute.followups, "on_commit", lambda follow_up, request: calls.append(request))
    load(tmp_path, {"sessions.csv": SESSIONS})
    # 2024 is long before the open weeks and was never computed: nothing to refresh.
    assert calls == []
    assert not PrisonWeek.objects.filter(prison_id="LEI").exists()


def test_a_bulk_first_load_rebuilds_every_index_and_constraint(estate, tmp_path, monkeypatch):
    """A load that at least doubles a table drops its secondary indexes and foreign keys and
    rebuilds them after the write: the schema is as before and the rows are as a row-by-row
    load would write them."""
    from django.db import connection

    from omic.loading import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)
    before = {t: schema(t) for t in ("keywork_session", "keywork_keyworkerallocation")}
    assert any("FOREIGN KEY" in d for _, d in before["keywork_session"])

    status, _, err = load(tmp_path, {"allocations.csv": ALLOCATIONS, "sessions.csv": SESSIONS})

    assert status == 0, err
    assert {t: schema(t) for t in before} == before
    x1 = Session.objects.get(session_id="X1")
    assert (x1.prisoner_id, x1.allocated_key_worker_id, x1.duration_minutes) == ("A1234BC", "S1", 45)
    assert KeyWorkerAllocation.objects.count() == 2
    # the ids were reserved in one step, one per line: the sequence has moved past them
    ids = sorted(Session.objects.values_list("id", flat=True))
    assert ids[1] == ids[0] + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('keywork_session', 'id'))")
        assert cursor.fetchone()[0] == ids[-1] + 1


def test_a_bulk_load_that_breaks_a_rebuilt_check_constraint_loads_nothing(estate, tmp_path, monkeypatch):
    """Check constraints are dropped for a bulk write too, and re-added (as the migrations
    wrote them) before commit: with the cell rule for duration_minutes relaxed, a session of
    0 minutes reaches the write, the re-added check refuses it, and nothing is loaded."""
    import dataclasses

    from keywork.loading import SESSIONS as KIND
    from omic.loading import bulk, registry
    from omic.loading.columns import Integer

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)
    columns = tuple(
        Integer(name="duration_minutes", required=True, min=0, max=240) if c.name == "duration_minutes" else c
        for c in KIND.columns
    )
    monkeypatch.setitem(registry._kinds, KIND.name, dataclasses.replace(KIND, columns=columns))
    before = schema("keywork_session")

    status, _, err = load(tmp_path, {"sessions.csv": SESSIONS.replace(",45,", ",0,")})

    assert status == 1
    assert "the database refused the file" in err and "session_duration_range" in err
    assert Session.objects.count() == 0
    assert schema("keywork_session") == before


def test_an_updated_session_keeps_what_only_the_app_records_and_only_it_is_stamped(estate, tmp_path):
    """The upsert's insert-only values (source, notes, recorded_at) stay as they were on an
    update, and updated_at moves for the changed session alone."""
    load(tmp_path, {"sessions.csv": SESSIONS})
    long_ago = timezone.now() - dt.timedelta(days=400)
    Session.objects.update(notes="kept", recorded_at=long_ago, updated_at=long_ago)

    status, out, err = load(tmp_path, {"sessions.csv": SESSIONS.replace(",45,", ",50,")})

    assert status == 0, err
    assert "0 inserted, 1 updated, 1 unchanged" in out
    x1, x2 = Session.objects.order_by("session_id")
    assert (x1.duration_minutes, x1.notes, x1.recorded_at, x1.source) == (50, "kept", long_ago, "extract")
    assert x1.updated_at > long_ago
    assert (x2.notes, x2.updated_at) == ("kept", long_ago)
