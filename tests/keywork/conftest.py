import pytest


@pytest.fixture
def recompute_calls(monkeypatch):
    """The (prison, days) of every recompute a service schedules."""
    calls = []
    monkeypatch.setattr(
        "keywork.recompute.schedule_recompute",
        lambda *, prison_id, days, prisoner_ids=None: calls.append((prison_id, sorted(set(days)))),
    )
    return calls
