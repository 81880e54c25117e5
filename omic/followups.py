"""Follow-up work that runs after a write commits, once per batch of writes.

An extract load commits file by file, and several files ask for the same follow-up (the
weekly figures recomputed). Inside `batch()`, what each committed transaction asks for is
gathered, and each kind of follow-up runs once at the batch's end with everything asked
for; outside a batch it runs when the transaction commits, as `transaction.on_commit`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

FollowUp = Callable[[list[Any]], None]

_pending: ContextVar[dict[FollowUp, list[Any]] | None] = ContextVar("omic_followups", default=None)


def on_commit(follow_up: FollowUp, request: Any) -> None:
    """When the current transaction commits: `follow_up([request])`, or inside a batch,
    `follow_up(requests)` once at its end. A transaction that rolls back asks for nothing."""

    def asked() -> None:
        pending = _pending.get()
        if pending is None:
            follow_up([request])
        else:
            pending.setdefault(follow_up, []).append(request)

    transaction.on_commit(asked)


@contextmanager
def batch() -> Iterator[None]:
    """Gather follow-ups until the block ends, then run each once. They run even when the
    block raises: the transactions that committed before it still need theirs."""
    if _pending.get() is not None:  # already inside a batch: the outer one runs them
        yield
        return
    token = _pending.set({})
    try:
        yield
    finally:
        pending = _pending.get()
        _pending.reset(token)
        for follow_up, requests in pending.items():
            follow_up(requests)
