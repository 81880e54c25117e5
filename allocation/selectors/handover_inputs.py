"""Reads for POM case management. `handover_inputs` is the one query behind the nightly
recalculation and the handover report: for every prisoner in custody on a day, what
allocation.handover needs (sentence, date of birth, the current spell and its prison's
estate, an override in force) — never one query per prisoner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from django.db import connection

from allocation.handover import SENTENCE_FIELD_NAMES, CurrentSpell, SentenceFacts
from allocation.models import PomAllocation, PomRole, ResponsibilityOverride, Sentence
from omic.models import CustodySpell, Prison, Prisoner

SENTENCE_FIELDS = SENTENCE_FIELD_NAMES


class HandoverInput(NamedTuple):
    """A tuple, not a dataclass: one is built per prisoner in custody (85,000 a night)."""

    prison_number: str
    prison_code: str
    date_of_birth: dt.date | None
    spell: CurrentSpell
    sentence: SentenceFacts | None
    override: str | None
    primary_pom_staff_id: str | None = None


def handover_inputs(
    *,
    on: dt.date,
    prisoner_ids: Sequence[str] | None = None,
    prison_code: str | None = None,
    with_primary_pom: bool = False,
    ordered: bool = True,
) -> Iterator[HandoverInput]:
    """Prisoners in custody on `on` (a spell with reception_date <= on < release_date),
    sorted by prison_code, prison_number (unless not `ordered`: the nightly store needs no
    order, and sorting 85,000 rows is a tenth of the read); narrowed to `prisoner_ids` or one
    prison if given. With `with_primary_pom`, the primary POM allocated on that day ([start, end))."""
    sentence_columns = ", ".join(f"se.{name}" for name in SENTENCE_FIELDS)
    primary = "NULL"
    if with_primary_pom:
        primary = f"""(SELECT a.staff_member_id FROM {PomAllocation._meta.db_table} a
                       WHERE a.prisoner_id = s.prisoner_id AND a.role = %(primary)s
                         AND a.start_date <= %(on)s AND (a.end_date IS NULL OR a.end_date > %(on)s)
                       ORDER BY a.start_date DESC, a.id DESC LIMIT 1)"""
    where = ["s.reception_date <= %(on)s", "(s.release_date IS NULL OR s.release_date > %(on)s)"]
    if prisoner_ids is not None:
        where.append("s.prisoner_id = ANY(%(ids)s::text[])")
    if prison_code is not None:
        where.append("s.prison_id = %(prison)s")
    sql = f"""
        SELECT s.prisoner_id, s.prison_id, pr.estate, s.reception_date, p.date_of_birth,
               se.prisoner_id IS NOT NULL, {sentence_columns}, o.responsibility, {primary}
        FROM {CustodySpell._meta.db_table} s
        JOIN {Prisoner._meta.db_table} p ON p.prison_number = s.prisoner_id
        JOIN {Prison._meta.db_table} pr ON pr.code = s.prison_id
        LEFT JOIN {Sentence._meta.db_table} se ON se.prisoner_id = s.prisoner_id
        LEFT JOIN {ResponsibilityOverride._meta.db_table} o
               ON o.prisoner_id = s.prisoner_id AND o.removed_at IS NULL
        WHERE {" AND ".join(where)}
        {"ORDER BY s.prison_id, s.prisoner_id" if ordered else ""}
    """
    params = {"on": on, "ids": list(prisoner_ids or ()), "prison": prison_code, "primary": PomRole.PRIMARY}
    width = len(SENTENCE_FIELDS)
    from_row = SentenceFacts.from_row
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                yield HandoverInput(
                    row[0],
                    row[1],
                    row[4],
                    CurrentSpell(row[2], row[3]),
                    from_row(row[6 : 6 + width]) if row[5] else None,
                    row[6 + width],
                    row[7 + width],
                )
