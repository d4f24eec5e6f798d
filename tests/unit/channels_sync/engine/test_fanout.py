"""The catalog's calls into the engine: saving a bound object queues its push."""

import pytest
from django.contrib.contenttypes.models import ContentType

from channels_sync.engine import fanout
from channels_sync.models import RemoteBinding, RemoteSkuStock, StockMovement, SyncJob
from products.models import Product

pytestmark = pytest.mark.django_db


def test_saving_a_bound_product_queues_its_update(shop, product, remote):
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p9"
    )

    written = fanout.catalog_object_saved(target=product)

    assert written == 1
    assert SyncJob.objects.filter(kind=SyncJob.Kind.PRODUCT_PUBLISH, target_id=product.pk).count() == 1


def test_a_stock_only_edit_queues_only_the_stock_push(shop, product, remote):
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="p9"
    )
    sku = product.skus.get()
    RemoteSkuStock.objects.create(shop=shop, sku=sku, remote_sku_key=sku.spec_key, synced_stock=sku.stock)
    stock_before = {sku.pk: sku.stock}
    sku.stock += 7
    sku.save()

    written = fanout.catalog_object_saved(target=product, stock_before=stock_before, body_changed=False)

    assert written == 1
    assert list(SyncJob.objects.values_list("kind", flat=True)) == [SyncJob.Kind.STOCK_PUSH]
    assert list(StockMovement.objects.values_list("delta", flat=True)) == [7]
