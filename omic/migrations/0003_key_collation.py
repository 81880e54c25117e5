from django.db import migrations, models

from omic.schema import key_collation_sql

# The keys and omic's own columns that refer to them; keywork's follow in keywork 0006.
COLUMNS = [
    ("omic_prison", "code"),
    ("omic_prisoner", "prison_number"),
    ("omic_staffmember", "staff_id"),
    ("omic_wing", "prison_id"),
    ("omic_benchmark", "prison_id"),
    ("omic_custodyspell", "prison_id"),
    ("omic_custodyspell", "prisoner_id"),
    ("omic_staffmember", "prison_id"),
    ("omic_user", "staff_member_id"),
    ("omic_user_prisons", "prison_id"),
    ("omic_auditevent", "prison_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("omic", "0002_lean_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # reversing keeps "C": the older schema works as well with it
            database_operations=[migrations.RunSQL(key_collation_sql(COLUMNS), migrations.RunSQL.noop)],
            state_operations=[
                migrations.AlterField(
                    model_name="prison",
                    name="code",
                    field=models.CharField(db_collation="C", max_length=3, primary_key=True, serialize=False),
                ),
                migrations.AlterField(
                    model_name="prisoner",
                    name="prison_number",
                    field=models.CharField(db_collation="C", max_length=7, primary_key=True, serialize=False),
                ),
                migrations.AlterField(
                    model_name="staffmember",
                    name="staff_id",
                    field=models.CharField(db_collation="C", max_length=20, primary_key=True, serialize=False),
                ),
            ],
        ),
    ]
