"""staff.csv: staff members, keyed by staff_id."""

from __future__ import annotations

from decimal import Decimal as D

from omic.loading import checks
from omic.loading.columns import Date, Decimal, Integer, Text
from omic.loading.kinds.prisons import PRISON_CODE
from omic.loading.registry import Check, FileKind, register
from omic.loading.upsert import Upsert, Value, cell, cells
from omic.models import StaffMember, StaffRole, StaffStatus, UnavailableReason, Wing

STAFF_ID = Text(name="staff_id", required=True, max_length=20)

# A reason and a return date belong to an unavailable officer only (as the table's constraint).
UNAVAILABLE_ONLY = Check(
    """
    SELECT line, CASE WHEN unavailable_reason <> '' THEN 'unavailable_reason' ELSE 'expected_back_on' END,
           'only an unavailable officer has a reason and a date expected back; set status to '
           || 'unavailable or leave unavailable_reason and expected_back_on empty'
    FROM {rows}
    WHERE status IS DISTINCT FROM 'unavailable'
      AND (unavailable_reason <> '' OR expected_back_on IS NOT NULL)
    """,
    "unavailable details without unavailable status",
)

STAFF = register(
    FileKind(
        name="staff.csv",
        key=("staff_id",),
        columns=(
            STAFF_ID,
            Text(name="first_name", max_length=100, default=""),
            Text(name="last_name", max_length=100, default=""),
            PRISON_CODE,
            Integer(name="band", required=True, min=2, max=11),
            Text(name="role", required=True, choices=tuple(StaffRole.values)),
            Decimal(name="fte", required=True, places=2, min=D("0.01"), max=D("1.00")),
            Decimal(name="contracted_hours", places=1, min=D("0.1"), max=D("60"), default=D("39")),
            Date(name="in_post_from", required=True),
            Date(name="in_post_to"),
            Date(name="key_worker_trained_on"),
            Integer(name="key_worker_capacity", min=1, max=50),
            Text(name="wing_code", max_length=10),
            Text(name="status", choices=tuple(StaffStatus.values), default=StaffStatus.ACTIVE.value),
            # keywork.md "Staff availability": why an unavailable officer is away, and when back.
            Text(name="unavailable_reason", choices=tuple(UnavailableReason.values), default=""),
            Date(name="expected_back_on"),
        ),
        checks=(
            checks.known_prison(),
            checks.known_wing(),
            checks.after(
                "in_post_to",
                "in_post_from",
                "the end of a post comes after its start (leave in_post_to empty while in post)",
            ),
            UNAVAILABLE_ONLY,
        ),
        write=Upsert(
            model=StaffMember,
            key=("staff_id",),
            source=(
                f"{{rows}} r LEFT JOIN {Wing._meta.db_table} w "
                "ON w.prison_id = r.prison_code AND w.code = r.wing_code"
            ),
            values={
                **cells("staff_id", "first_name", "last_name"),
                "prison_id": cell("prison_code"),
                **cells(
                    "band", "role", "fte", "contracted_hours", "in_post_from", "in_post_to",
                    "key_worker_trained_on", "key_worker_capacity",
                ),
                "wing_id": Value("w.id", ("wing_code",)),
                **cells("status", "unavailable_reason", "expected_back_on"),
            },
        ),
    )
)
