"""POM cases for the demo estate (`demo_pom_cases`, run by `demo_data`): the extract formats
carry no POM allocations or BCST completions (formats.md), so the demo makes them, set-wise,
from what was loaded, so that every list of the POM pages has rows:

- a primary POM for about 7 in 10 prisoners in scope (the rest are "without a POM"), shared
  round-robin among the prison's POMs in post, and a co-working POM for about 1 in 10; a few
  allocated in the last 7 days;
- about half of the BCSTs whose due date has passed are completed by a Band 4+ member of
  staff (the others stay overdue, and those not yet due stay due).
Idempotent: a prisoner with an allocation, or a completed BCST, is left alone."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from allocation import services
from allocation.models import Bcst, Handover, PomAllocation
from omic import audit
from omic.models import CustodySpell, StaffMember

_ALLOCATE = """
WITH poms AS (
    SELECT staff_id, prison_id,
           row_number() OVER (PARTITION BY prison_id ORDER BY staff_id) - 1 AS n,
           count(*) OVER (PARTITION BY prison_id) AS poms
    FROM {staff}
    WHERE role IN ('pom', 'probation_pom') AND status = 'active'
      AND in_post_from <= %(today)s AND (in_post_to IS NULL OR in_post_to > %(today)s)
), cases AS (
    SELECT h.prisoner_id, h.prison_id, s.reception_date, abs(hashtext(h.prisoner_id)) AS k,
           row_number() OVER (PARTITION BY h.prison_id ORDER BY h.prisoner_id) AS i
    FROM {handover} h
    JOIN {spell} s ON s.prisoner_id = h.prisoner_id AND s.prison_id = h.prison_id
     AND s.reception_date <= %(today)s AND (s.release_date IS NULL OR s.release_date > %(today)s)
    WHERE h.in_scope AND NOT EXISTS (SELECT 1 FROM {allocation} a WHERE a.prisoner_id = h.prisoner_id
                                      AND a.end_date IS NULL)
      AND abs(hashtext(h.prisoner_id)) %% 10 < 7
), chosen AS (
    SELECT c.*, p.staff_id AS primary_id, q.staff_id AS co_id
    FROM cases c
    JOIN poms p ON p.prison_id = c.prison_id AND p.n = c.i %% p.poms
    LEFT JOIN poms q ON q.prison_id = c.prison_id AND q.poms > 1 AND c.k %% 10 = 0
                    AND q.n = (c.i + 1) %% q.poms
)
INSERT INTO {allocation} (prisoner_id, prison_id, staff_member_id, role, start_date, reason, end_reason,
                          created_at)
SELECT prisoner_id, prison_id, staff, role,
       LEAST(%(today)s, GREATEST(reception_date, %(today)s - (k %% 400)::int)), '', '', now()
FROM chosen, LATERAL (VALUES (primary_id, 'primary'), (co_id, 'co_working')) AS r(staff, role)
WHERE staff IS NOT NULL
RETURNING prison_id
"""

_COMPLETE = """
WITH assessors AS (
    SELECT DISTINCT ON (prison_id) prison_id, staff_id FROM {staff}
    WHERE band >= 4 AND in_post_from <= %(today)s AND (in_post_to IS NULL OR in_post_to > %(today)s)
    ORDER BY prison_id, band, staff_id
)
UPDATE {bcst} b
SET completed_on = LEAST(%(today)s, s.reception_date + (abs(hashtext(s.prisoner_id)) %% 5)::int),
    completed_by_id = a.staff_id, recorded_at = now()
FROM {spell} s, assessors a
WHERE b.spell_id = s.id AND a.prison_id = b.prison_id AND b.completed_on IS NULL
  AND b.due_on < %(today)s AND abs(hashtext(s.prisoner_id)) %% 2 = 0
RETURNING b.prison_id
"""


def make_demo_cases(*, today: dt.date) -> tuple[int, int]:
    """(POM allocations made, BCSTs completed)."""
    tables = {
        "staff": StaffMember._meta.db_table,
        "handover": Handover._meta.db_table,
        "spell": CustodySpell._meta.db_table,
        "allocation": PomAllocation._meta.db_table,
        "bcst": Bcst._meta.db_table,
    }
    services.recalculate_handovers(today=today)
    services.create_bcsts(today=today)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ALLOCATE.format(**tables), {"today": today})
        allocated = len(cursor.fetchall())
        cursor.execute(_COMPLETE.format(**tables), {"today": today})
        completed = len(cursor.fetchall())
        audit.record(
            actor=None,
            action="allocation.demo_cases",
            object_type="estate",
            after={"pom_allocations": allocated, "bcsts_completed": completed},
            reason="demo data: POM allocations and BCST completions the extracts do not carry",
        )
    return allocated, completed
