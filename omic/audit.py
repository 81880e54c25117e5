"""The audit log: every service that writes calls record()."""

from __future__ import annotations

import json
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


def record_many(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """One audit record per dict of `record`'s fields, in one INSERT (a nightly job's batch)."""
    return AuditEvent.objects.bulk_create([_event(**fields) for fields in events])
