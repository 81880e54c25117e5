"""What tests read straight from the database's catalogue."""

from django.db import connection


def schema(table):
    """The table's indexes and constraints, by name, with their definitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
            WHERE indrelid = %s::regclass
            UNION ALL
            SELECT conname, pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END
            FROM pg_constraint WHERE conrelid = %s::regclass
            ORDER BY 1, 2
            """,
            [table, table],
        )
        return cursor.fetchall()
