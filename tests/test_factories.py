"""Every model of omic and keywork has a factory, and each factory's row passes the database's
constraints, so a test that builds one starts from a valid row."""

import factory
import pytest
from django.apps import apps

from omic.models import Prison
from tests import factories
from tests.factories import PrisonFactory

FACTORIES = {
    f._meta.model: f
    for f in vars(factories).values()
    if isinstance(f, type) and issubclass(f, factory.django.DjangoModelFactory) and f._meta.model
}
MODELS = [
    model
    for label in ("omic", "keywork")
    for model in apps.get_app_config(label).get_models()
    if not model._meta.auto_created
]


def test_prison_factory_writes_to_postgres(db):
    PrisonFactory(code="LEI")
    assert Prison.objects.filter(code="LEI").count() == 1


def test_every_model_has_a_factory():
    assert len(MODELS) >= 13  # the listing found the apps' models
    assert [m.__name__ for m in MODELS if m not in FACTORIES] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_factory_saves_a_row_the_database_accepts(db, model):
    row = FACTORIES[model]()
    assert model.objects.filter(pk=row.pk).count() == 1
