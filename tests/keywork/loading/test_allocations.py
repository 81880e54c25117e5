"""allocations.csv (keywork/loading/allocations.py): one key worker at a time, Band 3
only, soft deletes, and a bulk load that breaks a rebuilt constraint."""

import datetime as dt

import pytest
from django.utils import timezone

from keywork.models import KeyWorkerAllocation
from tests.db import schema
from tests.factories import KeyWorkerAllocationFactory
from tests.keywork.loading.files import ALLOCATIONS, allocations, load

pytestmark = pytest.mark.django_db


def test_a_soft_deleted_allocation_is_not_revived_and_is_skipped(estate, tmp_path):
    load(tmp_path, {"allocations.csv": ALLOCATIONS})
    KeyWorkerAllocation.objects.filter(prisoner_id="A1234BC").update(deleted_at=timezone.now())

    status, out, err = load(tmp_path, {"allocations.csv": ALLOCATIONS})

    assert status == 0, err
    assert "allocations.csv: 2 rows; 0 inserted, 0 updated, 1 unchanged, 1 skipped" in out
    assert KeyWorkerAllocation.objects.filter(prisoner_id="A1234BC", deleted_at__isnull=True).count() == 0


def test_an_allocation_to_a_band_4_is_refused(estate, tmp_path):
    status, _, err = load(tmp_path, {"allocations.csv": ALLOCATIONS.replace("A1234BC,S1", "A1234BC,S4")})

    assert status == 1
    assert "allocations.csv:2: staff_id: key worker S4 on 2024-01-01: is Band 4, not Band 3" in err
    assert not KeyWorkerAllocation.objects.exists()


def test_overlapping_allocations_of_one_prisoner_are_refused(estate, tmp_path):
    text = allocations("A1234BC,S1,LEI,2024-01-01,2024-03-01", "A1234BC,S1,LEI,2024-02-01,")
    status, _, err = load(tmp_path, {"allocations.csv": text})

    assert status == 1
    assert (
        "allocations.csv:3: start_date: allocation overlaps the allocation at LEI from 2024-01-01 (line 2)"
        in err
    )


def test_ending_a_loaded_allocation_and_starting_the_next(estate, tmp_path):
    load(tmp_path, {"allocations.csv": ALLOCATIONS})
    text = ALLOCATIONS.replace(
        "A1234BC,S1,LEI,2024-01-01,", "A1234BC,S1,LEI,2024-01-01,2024-02-01\nA1234BC,S1,LEI,2024-02-01,"
    )

    status, out, err = load(tmp_path, {"allocations.csv": text})

    assert status == 0, err
    assert "1 inserted, 1 updated, 1 unchanged" in out


def test_a_bulk_load_that_breaks_a_rebuilt_constraint_loads_nothing(estate, tmp_path, monkeypatch):
    """The rebuilt constraints are checked before commit: with the file's overlap check
    switched off, two overlapping allocations reach the write, the rebuilt exclusion
    constraint refuses them, and the file loads nothing (its indexes are all back)."""
    import dataclasses

    from keywork.loading import ALLOCATIONS as KIND
    from keywork.loading import OVERLAPPING_ALLOCATIONS
    from omic.loading import bulk, registry

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 2)
    checks = tuple(c for c in KIND.checks if c != OVERLAPPING_ALLOCATIONS)
    unchecked = dataclasses.replace(KIND, checks=checks)
    monkeypatch.setitem(registry._kinds, KIND.name, unchecked)
    before = schema("keywork_keyworkerallocation")
    rows = allocations("A1234BC,S1,LEI,2024-01-01,", "A1234BC,S1,LEI,2024-02-01,")

    status, _, err = load(tmp_path, {"allocations.csv": rows})

    assert status == 1
    assert "the database refused the file" in err and "kw_alloc" in err
    assert KeyWorkerAllocation.objects.count() == 0
    assert schema("keywork_keyworkerallocation") == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "A1234BC,S1,LEI,2024-02-01,2024-03-01",
            "allocations.csv:2: start_date: allocation overlaps the allocation at LEI from 2024-01-01 "
            "already loaded (still open); a prisoner has one key worker at a time, so give that "
            "allocation its end_date in this file or correct this row",
        ),
        (
            "B2345CD,S1,LEI,2024-02-01,",
            "allocations.csv:2: start_date: allocation overlaps the allocation at LEI from 2024-01-01 "
            "already loaded (ending 2024-03-01); a prisoner has one key worker at a time, so give that "
            "allocation its end_date in this file or correct this row",
        ),
    ],
    ids=["loaded and open", "loaded and ending"],
)
def test_an_allocation_overlapping_a_loaded_one_names_it_and_its_end(estate, tmp_path, row, expected):
    load(tmp_path, {"allocations.csv": ALLOCATIONS})

    status, _, err = load(tmp_path, {"allocations.csv": allocations(row)})

    assert status == 1
    assert expected in err.splitlines()


def test_a_row_of_a_deleted_allocation_is_skipped_so_overlaps_nothing_loaded(estate, tmp_path):
    load(tmp_path, {"allocations.csv": ALLOCATIONS})
    deleted = KeyWorkerAllocation.objects.get(prisoner_id="A1234BC")
    deleted.deleted_at = timezone.now()
    deleted.save()
    KeyWorkerAllocationFactory(
        prisoner_id="A1234BC", prison_id="LEI", key_worker_id="S1", start_date=dt.date(2023, 12, 1)
    )
    # its key is the deleted allocation's: skipped, though it overlaps the open one from 2023-12-01
    text = allocations("A1234BC,S1,LEI,2024-01-01,")

    status, out, err = load(tmp_path, {"allocations.csv": text})

    assert status == 0, err
    assert "1 skipped" in out
    assert KeyWorkerAllocation.objects.filter(prisoner_id="A1234BC", deleted_at__isnull=True).count() == 1
