"""omic.followups: follow-up work runs after commit, and once per batch of transactions."""

from __future__ import annotations

import pytest
from django.db import transaction

from omic import followups

pytestmark = pytest.mark.django_db(transaction=True)  # commits must really happen


def test_outside_a_batch_a_follow_up_runs_when_its_transaction_commits():
    runs = []
    with transaction.atomic():
        followups.on_commit(runs.append, "a")
        assert runs == []  # not before the commit
    assert runs == [["a"]]


def test_a_rolled_back_transaction_asks_for_nothing():
    runs = []
    with pytest.raises(RuntimeError), transaction.atomic():
        followups.on_commit(runs.append, "a")
        raise RuntimeError
    assert runs == []


def test_a_batch_runs_each_follow_up_once_with_every_committed_request():
    runs, others = [], []
    with followups.batch():
        with transaction.atomic():
            followups.on_commit(runs.append, "a")
            followups.on_commit(others.append, "x")
        with pytest.raises(RuntimeError), transaction.atomic():
            followups.on_commit(runs.append, "lost")
            raise RuntimeError
        with transaction.atomic():
            followups.on_commit(runs.append, "b")
        assert runs == []  # nothing until the batch ends
    assert runs == [["a", "b"]]
    assert others == [["x"]]


def test_a_batch_that_raises_still_runs_what_committed_and_nested_batches_run_once():
    runs = []
    with pytest.raises(RuntimeError), followups.batch():
        with followups.batch(), transaction.atomic():
            followups.on_commit(runs.append, "a")
        assert runs == []  # the inner batch leaves them to the outer one
        raise RuntimeError
    assert runs == [["a"]]
