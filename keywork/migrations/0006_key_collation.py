from django.db import migrations, models

from omic.schema import key_collation_sql

# keywork's columns that refer to omic's keys, which omic 0003 gave the "C" collation
# (keywork_prisoner_week's prison_id and prisoner_id have had it since 0004).
COLUMNS = [
    ("keywork_keyworkerallocation", "prisoner_id"),
    ("keywork_keyworkerallocation", "prison_id"),
    ("keywork_keyworkerallocation", "key_worker_id"),
    ("keywork_session", "prisoner_id"),
    ("keywork_session", "prison_id"),
    ("keywork_session", "key_worker_id"),
    ("keywork_session", "allocated_key_worker_id"),
    ("keywork_sessionnotheld", "prisoner_id"),
    ("keywork_sessionnotheld", "prison_id"),
    ("keywork_sessionnotheld", "key_worker_id"),
    ("keywork_prison_week", "prison_id"),
    ("keywork_prisoner_week", "key_worker_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("keywork", "0005_session_date_brin"),
        ("omic", "0003_key_collation"),
    ]

    operations = [
        migrations.RunSQL(key_collation_sql(COLUMNS), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="session",
            name="session_id",
            field=models.CharField(blank=True, db_collation="C", max_length=40, null=True),
        ),
    ]
