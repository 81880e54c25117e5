"""POM case management writes: the nightly handover store, and responsibility overrides.

`recalculate_handovers` reads every prisoner's inputs in one query (selectors), calculates
in Python (allocation.handover, no queries), and writes the store in one COPY and one
upsert: the number of queries does not grow with the number of prisoners.

Overrides validate first and raise ValidationError({field: [message]}), then write inside
one transaction with an audit record; the prisoner's stored figures are recalculated on
commit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from allocation import handover, selectors
from allocation.models import REASON_MAX_LENGTH, Handover, Responsibility, ResponsibilityOverride
from omic import audit, followups
from omic.models import CustodySpell, Prisoner, User

STORE = Handover._meta.db_table
STAGE = "allocation_handover_stage"
STORED = (
    "prisoner_id",
    "prison_id",
    "calculated_on",
    "in_scope",
    *handover.CALCULATED_COLUMNS,
)
# Serialises recalculations (the nightly run and a load's on-commit run may meet).
LOCK_KEY = 7_345_001


@dataclass(frozen=True)
class Recalculated:
    prisoners: int
    written: int
    removed: int


# COPY's text format. An estate's dates repeat (a release date, day T), so each is written
# once: a line per prisoner is built with no per-cell type tests (85,000 lines a night).
NULL = r"\N"


class _DateCells(dict):
    def __missing__(self, day: dt.date | None) -> str:
        cell = self[day] = NULL if day is None else day.isoformat()
        return cell


def _store_line(item: selectors.HandoverInput, today: dt.date, dates: _DateCells | None = None) -> str:
    dates = _DateCells() if dates is None else dates
    f = handover.calculate_input(item, today)
    return "\t".join(
        (
            item.prison_number,
            item.prison_code,
            dates[today],
            "t" if f.in_scope else "f",
            dates[f.earliest_release_date],
            dates[f.handover_date],
            dates[f.com_allocated_date],
            f.responsibility or "",
            f.reason or "",
            f.recommended_pom_type or "",
        )
    )


def recalculate_handovers(*, today: dt.date, prisoner_ids: Sequence[str] | None = None) -> Recalculated:
    """Store the handover figures on `today` of every prisoner in custody (or of
    `prisoner_ids`); a stored row of a prisoner no longer in custody is removed."""
    ids = sorted(set(prisoner_ids)) if prisoner_ids is not None else None
    cells = _DateCells()
    lines = [
        _store_line(item, today, cells)
        for item in selectors.handover_inputs(on=today, prisoner_ids=ids, ordered=False)
    ]
    columns = ", ".join(STORED)
    changed = ", ".join(f"t.{c}" for c in STORED[1:])
    incoming = ", ".join(f"EXCLUDED.{c}" for c in STORED[1:])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} ON COMMIT DROP AS SELECT {columns} FROM {STORE} WITH NO DATA"
        )
        cursor.cursor.copy_expert(
            f"COPY {STAGE} ({columns}) FROM STDIN", io.StringIO("\n".join(lines) + "\n" if lines else "")
        )
        cursor.execute(
            f"""
            INSERT INTO {STORE} AS t ({columns}) SELECT {columns} FROM {STAGE}
            ON CONFLICT (prisoner_id) DO UPDATE SET ({", ".join(STORED[1:])}) = ({incoming})
            WHERE ({changed}) IS DISTINCT FROM ({incoming})
            """
        )
        written = cursor.rowcount
        gone = f"NOT EXISTS (SELECT 1 FROM {STAGE} g WHERE g.prisoner_id = h.prisoner_id)"
        if ids is None:
            cursor.execute(f"DELETE FROM {STORE} h WHERE {gone}")
        else:
            cursor.execute(f"DELETE FROM {STORE} h WHERE h.prisoner_id = ANY(%s::text[]) AND {gone}", [ids])
        removed = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return Recalculated(prisoners=len(lines), written=written, removed=removed)


# --- on commit --------------------------------------------------------------------------------

EVERYONE = None  # a request to recalculate every prisoner


def schedule_recalculation(prisoner_ids: Iterable[str] | None) -> None:
    """When the current transaction commits (once per batch of loaded files), recalculate
    these prisoners (None: every prisoner)."""
    from allocation import tasks

    request = EVERYONE if prisoner_ids is None else tuple(sorted(set(prisoner_ids)))
    followups.on_commit(tasks.enqueue_recalculations, request)


# --- overrides ---------------------------------------------------------------------------------


def _current_prison_id(prisoner: Prisoner) -> str | None:
    spell = CustodySpell.objects.filter(prisoner=prisoner).order_by("-reception_date").first()
    return spell.prison_id if spell else None


def _snapshot(override: ResponsibilityOverride | None) -> dict | None:
    if override is None:
        return None
    return {"responsibility": override.responsibility, "reason": override.reason}


def _check_reason(errors: dict[str, list[str]], reason: str, what: str) -> None:
    if not (reason or "").strip():
        errors.setdefault("reason", []).append(f"Reason is required: say why {what}.")
    elif len(reason.strip()) > REASON_MAX_LENGTH:
        errors.setdefault("reason", []).append(
            f"Reason must be {REASON_MAX_LENGTH} characters or fewer: shorten it."
        )


def override_responsibility(
    *, prisoner: Prisoner, responsibility: str, reason: str, by: User | None
) -> ResponsibilityOverride:
    """Make `responsibility` the prisoner's, whatever the dates say, until removed. An
    override already in force is replaced (it is kept, marked removed)."""
    errors: dict[str, list[str]] = {}
    if responsibility not in Responsibility.values:
        errors["responsibility"] = [
            "Responsibility must be one of " + ", ".join(Responsibility.values) + ": choose one."
        ]
    _check_reason(errors, reason, "the calculated responsibility is overridden")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Prisoner.objects.select_for_update().filter(pk=prisoner.pk).first()
        current = ResponsibilityOverride.objects.filter(prisoner=prisoner, removed_at__isnull=True).first()
        if current is not None:
            _end(current, by, "replaced by a new override")
        new = ResponsibilityOverride.objects.create(
            prisoner=prisoner, responsibility=responsibility, reason=reason.strip(), created_by=by
        )
        _record_change(prisoner, by, "allocation.responsibility.override", current, new, new.reason)
    return new


def _record_change(
    prisoner: Prisoner,
    by: User | None,
    action: str,
    before: ResponsibilityOverride | None,
    after: ResponsibilityOverride | None,
    reason: str,
) -> None:
    """An override set or removed: audited against the prisoner, their figures recalculated on commit."""
    audit.record(
        actor=by,
        action=action,
        prison_id=_current_prison_id(prisoner),
        object_type="prisoner",
        object_id=prisoner.pk,
        before=_snapshot(before),
        after=_snapshot(after),
        reason=reason,
    )
    schedule_recalculation([prisoner.pk])


def _end(override: ResponsibilityOverride, by: User | None, reason: str) -> None:
    override.removed_at = timezone.now()
    override.removed_by = by
    override.removed_reason = reason
    override.save(update_fields=["removed_at", "removed_by", "removed_reason"])


def remove_override(*, prisoner: Prisoner, reason: str, by: User | None) -> ResponsibilityOverride:
    """End the override in force: the calculated responsibility applies again."""
    errors: dict[str, list[str]] = {}
    _check_reason(errors, reason, "the override is removed")
    with transaction.atomic():
        Prisoner.objects.select_for_update().filter(pk=prisoner.pk).first()
        current = ResponsibilityOverride.objects.filter(prisoner=prisoner, removed_at__isnull=True).first()
        if current is None:
            errors.setdefault("prisoner", []).append(
                f"{prisoner.pk} has no responsibility override to remove: reload the page."
            )
        if errors:
            raise ValidationError(errors)
        reason = reason.strip()
        _end(current, by, reason)
        _record_change(prisoner, by, "allocation.responsibility.override_removed", current, None, reason)
    return current
