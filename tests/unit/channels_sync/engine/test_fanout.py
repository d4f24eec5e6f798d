"""The catalog's calls into the engine: saving a bound object queues its push."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.engine import fanout
from channels_sync.models import RemoteBinding, SyncJob
from products.models import Product

pytestmark = pytest.mark.django_db


def test_saving_a_bound_product_queues_its_update(shop, product, remote):
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p9"
    )

    written = fanout.catalog_object_saved(target=product)

    assert written == 1
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=product.pk).count() == 1
