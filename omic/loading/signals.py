"""Sent inside a file's transaction after its rows are written, so that apps omic does not
import can follow up: keywork, for example, schedules a recompute of the prison-weeks a
prisoners.csv or staff.csv load touched (with transaction.on_commit, from the staged rows,
which are still in `ctx.rows`).

    file_loaded.send(sender="prisoners.csv", ctx=LoadContext, counts=LoadCounts)
"""

from django.dispatch import Signal

file_loaded = Signal()
