"""The key columns' redundant "_like" (varchar_pattern_ops) indexes dropped, as omic's and
keywork's are: their foreign keys use the "C" collation, whose btree serves LIKE itself."""

from django.db import migrations

from omic.schema import key_collation_sql

COLUMNS = [
    ("allocation_sentence", "prisoner_id"),
    ("allocation_responsibilityoverride", "prisoner_id"),
    ("allocation_pomallocation", "prisoner_id"),
    ("allocation_pomallocation", "prison_id"),
    ("allocation_pomallocation", "staff_member_id"),
    ("allocation_handover", "prisoner_id"),
    ("allocation_handover", "prison_id"),
    ("allocation_bcst", "prison_id"),
    ("allocation_bcst", "completed_by_id"),
]


class Migration(migrations.Migration):
    dependencies = [("allocation", "0001_initial")]

    operations = [migrations.RunSQL(key_collation_sql(COLUMNS), reverse_sql=migrations.RunSQL.noop)]
