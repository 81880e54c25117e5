"""The weekly entitlement and TSF compliance engine (keywork.md "Entitlement and delivery").

engine: recompute (which path, locking, the incremental write) and computed_weeks;
sql: the SQL fragments every path shares; rebuild: the partition rebuild and swap.
"""

from keywork.compliance.engine import REBUILD_MIN_WEEKS, RecomputeResult, computed_weeks, recompute
from keywork.compliance.rebuild import PARTITION, PARTITIONS
from keywork.compliance.sql import ENTITLED_MINUTES_PER_WEEK

__all__ = [
    "ENTITLED_MINUTES_PER_WEEK",
    "PARTITION",
    "PARTITIONS",
    "REBUILD_MIN_WEEKS",
    "RecomputeResult",
    "computed_weeks",
    "recompute",
]
