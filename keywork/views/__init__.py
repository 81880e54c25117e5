"""Key work pages, one module per page family: sessions (log a session), key_workers (the
key workers page and the allocate page), compliance (the weekly compliance CSV).

The module `key_workers` shares its name with its page's view: key_workers.key_workers.
"""

from keywork.views import key_workers
from keywork.views.compliance import compliance_csv
from keywork.views.key_workers import allocate
from keywork.views.sessions import session_new

__all__ = ["allocate", "compliance_csv", "key_workers", "session_new"]
