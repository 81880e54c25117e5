"""keywork's extract files (formats.md "Loading"), one module each: allocations.csv and
sessions.csv. Importing this package registers them with load_omic (keywork/apps.py).

Loaded rows are checked against the rules as they stood on their own dates (keywork.md
"Sessions: what the form accepts", "Allocation of key workers"): in post, trained, in
custody (checks.py). Capacity and status have no history, so they are not checked here. A
row deleted in the app (soft delete) is never brought back by a load: it is counted as
skipped.

After a file is written, the prison-weeks its rows touch are recomputed on commit."""

from keywork.loading.allocations import ALLOCATIONS, OVERLAPPING_ALLOCATIONS
from keywork.loading.sessions import SESSIONS

__all__ = ["ALLOCATIONS", "OVERLAPPING_ALLOCATIONS", "SESSIONS"]
