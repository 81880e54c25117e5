from omic.models import Prison
from tests.factories import PrisonFactory


def test_prison_factory_writes_to_postgres(db):
    PrisonFactory(code="LEI")
    assert Prison.objects.filter(code="LEI").count() == 1
