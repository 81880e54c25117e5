"""SQL for schema changes that Django's migrations cannot make for us."""

from __future__ import annotations


def key_collation_sql(columns: list[tuple[str, str]]) -> str:
    """Give each (table, column) the "C" collation (see omic.models.KEY_COLLATION), keeping its
    type, and drop its single-column varchar_pattern_ops ("_like") index, which a "C" btree
    makes redundant. Django's AlterField would do the same table by table, but it also alters
    the partition key of keywork_prisoner_week (already "C"), which PostgreSQL refuses."""
    pairs = ", ".join(f"ARRAY['{table}', '{column}']" for table, column in columns)
    return f"""
    DO $$
    DECLARE
        target text[];
        redundant regclass;
    BEGIN
        FOREACH target SLICE 1 IN ARRAY ARRAY[{pairs}] LOOP
            FOR redundant IN
                SELECT i.indexrelid::regclass FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                JOIN pg_opclass o ON o.oid = i.indclass[0]
                WHERE i.indrelid = target[1]::regclass AND i.indnatts = 1 AND a.attname = target[2]
                  AND o.opcname IN ('varchar_pattern_ops', 'text_pattern_ops')
            LOOP
                EXECUTE format('DROP INDEX %s', redundant);
            END LOOP;
            EXECUTE (
                SELECT format('ALTER TABLE %I ALTER COLUMN %I TYPE %s COLLATE "C"',
                              target[1], target[2], format_type(atttypid, atttypmod))
                FROM pg_attribute WHERE attrelid = target[1]::regclass AND attname = target[2]
            );
        END LOOP;
    END $$;
    """
