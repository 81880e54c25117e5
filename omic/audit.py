"""The audit log: every service that writes calls record()."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from omic.models import AuditEvent, User


def _jsonable(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _event(
    *,
    actor: User | None,
    action: str,
    prison_id: str | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
    actor_name: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name if actor_name is not None else (actor.get_username() if actor else "system"),
        action=action,
        prison_id=prison_id,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )


def record(**fields: Any) -> AuditEvent:
    """Write one audit record; call inside the service's transaction so both land or neither.
    Fields: actor, action, prison_id, object_type, object_id, before, after, reason, actor_name."""
    event = _event(**fields)
    event.save()
    return event


def snapshot_of(*fields: str, **renamed: str) -> Callable[[Any], dict[str, Any]]:
    """What the audit keeps of one kind of model instance: a function giving each of `fields` by
    its name (a foreign key as its primary key, not the object), and each of `renamed`
    (name in the audit record = field name) likewise."""
    names = {field: field for field in fields} | renamed

    def snapshot(obj: Any) -> dict[str, Any]:
        return {name: obj.serializable_value(field) for name, field in names.items()}

    return snapshot


def record_write(
    obj: Any,
    *,
    object_type: str,
    snapshot: Callable[[Any], Any],
    actor: User | None,
    action: str,
    before: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Audit a write to one object of a prison (it has `prison_id`): its type and primary key,
    `before` and `snapshot(obj)` as it is now. Services bind object_type and snapshot once
    (functools.partial) for each kind of object they write."""
    return record(
        actor=actor,
        action=action,
        prison_id=obj.prison_id,
        object_type=object_type,
        object_id=obj.pk,
        before=before,
        after=snapshot(obj),
        reason=reason,
    )


def changed_only(before: dict[str, Any], after: dict[str, Any], changed: Iterable[str]) -> dict[str, Any]:
    """`before` and `after` for record(), each cut to the fields that changed, in name order:
    an edit's audit record lists what the edit changed, not every field."""
    names = sorted(changed)
    return {"before": {f: before[f] for f in names}, "after": {f: after[f] for f in names}}


def record_many(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """One audit record per dict of `record`'s fields, in one INSERT (a nightly job's batch)."""
    return AuditEvent.objects.bulk_create([_event(**fields) for fields in events])
