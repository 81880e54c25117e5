"""keywork_prisoner_week becomes hash-partitioned by prison_id (keywork.compliance.PARTITIONS),
so that a full rebuild can write its partitions at once. The model is unchanged: the parent
keeps the table's name, primary key and index, and PostgreSQL routes rows to partitions."""

from django.db import migrations

PARTITIONS = 4  # keywork.compliance.PARTITIONS

FORWARD = [
    "ALTER TABLE keywork_prisoner_week RENAME TO keywork_prisoner_week_old",
    "ALTER TABLE keywork_prisoner_week_old RENAME CONSTRAINT keywork_prisoner_week_pkey TO "
    "keywork_prisoner_week_old_pkey",
    "ALTER INDEX prisoner_week_by_prisoner RENAME TO prisoner_week_by_prisoner_old",
    # The keys are codes compared byte by byte ("C"): a rebuild sorts millions of them for
    # its indexes, several times faster than under the database's locale, and for these
    # capitals and digits the order is the same.
    """
    CREATE TABLE keywork_prisoner_week (
        prison_id varchar(3) COLLATE "C" NOT NULL,
        week_start date NOT NULL,
        prisoner_id varchar(7) COLLATE "C" NOT NULL,
        custody_days smallint NOT NULL,
        entitled_sevenths integer NOT NULL,
        delivered_minutes integer NOT NULL,
        sessions smallint NOT NULL,
        at_week_end boolean NOT NULL,
        key_worker_id varchar(20)
    ) PARTITION BY HASH (prison_id)
    """,
    "ALTER TABLE keywork_prisoner_week ADD CONSTRAINT keywork_prisoner_week_pkey "
    "PRIMARY KEY (prison_id, week_start, prisoner_id)",
    "CREATE INDEX prisoner_week_by_prisoner ON keywork_prisoner_week (prisoner_id, week_start)",
    *(
        f"CREATE TABLE keywork_prisoner_week_p{r} PARTITION OF keywork_prisoner_week "
        f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {r})"
        for r in range(PARTITIONS)
    ),
    "INSERT INTO keywork_prisoner_week (prison_id, week_start, prisoner_id, custody_days, entitled_sevenths, "
    "delivered_minutes, sessions, at_week_end, key_worker_id) SELECT prison_id, week_start, prisoner_id, "
    "custody_days, entitled_sevenths, delivered_minutes, sessions, at_week_end, key_worker_id "
    "FROM keywork_prisoner_week_old",
    "DROP TABLE keywork_prisoner_week_old",
]

BACKWARD = [
    "CREATE TABLE keywork_prisoner_week_flat (LIKE keywork_prisoner_week INCLUDING DEFAULTS)",
    'ALTER TABLE keywork_prisoner_week_flat ALTER COLUMN prison_id TYPE varchar(3) COLLATE "default", '
    'ALTER COLUMN prisoner_id TYPE varchar(7) COLLATE "default"',
    "INSERT INTO keywork_prisoner_week_flat SELECT * FROM keywork_prisoner_week",
    "DROP TABLE keywork_prisoner_week",
    "ALTER TABLE keywork_prisoner_week_flat RENAME TO keywork_prisoner_week",
    "ALTER TABLE keywork_prisoner_week ADD CONSTRAINT keywork_prisoner_week_pkey "
    "PRIMARY KEY (prison_id, week_start, prisoner_id)",
    "CREATE INDEX prisoner_week_by_prisoner ON keywork_prisoner_week (prisoner_id, week_start)",
]


class Migration(migrations.Migration):
    dependencies = [("keywork", "0003_lean_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
