"""The sync side of the catalog's admins: contributed as panels through ``products.extensions``, not by
registering the catalog's admins again; the per-shop status panel is rendered from a selector's rows."""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from channels_sync.admin.catalog import ProductSyncPanel
from channels_sync.admin.selectors import SyncPanelRow, sync_panel_rows
from channels_sync.models import RemoteBinding, SyncJob
from channels_sync.rejections import rejection_of
from products import admin as catalog_admin
from products.extensions import register_admin_panel
from products.models import FreightTemplate, Product, ProductGroup, Shelf
from tests import factories

pytestmark = pytest.mark.django_db

# The product change page with one shop bound: the catalog's queries, the panel's two (bindings, active jobs) and
# the pre-flight's (the product's snapshot, then per enabled shop its category rules and freight template). The
# image rows' previews and autocompletes cost no query of their own (read with the rows: products.autocomplete).
# One more for the pre-flight panel's fill fields (the missing required properties of imported categories; their
# values are a second query only when some are missing).
PRODUCT_PAGE_QUERIES = 17


@pytest.mark.parametrize("model", [Product, FreightTemplate, ProductGroup, Shelf])
def test_each_catalog_admin_is_the_catalogs_own_class_composed_with_its_sync_panel(model):
    registered = type(admin.site._registry[model])

    assert registered.__module__ == "products.admin"
    assert issubclass(registered, getattr(catalog_admin, f"{model.__name__}Admin"))
    assert registered.list_display[-1] == "sync_summary"
    assert [base.__module__ for base in registered.__bases__][0] == "channels_sync.admin.catalog"


def test_the_product_admin_keeps_its_columns_and_gains_the_sync_actions():
    registered = admin.site._registry[Product]

    assert registered.list_display == [*catalog_admin.ProductAdmin.list_display, "sync_summary"]
    assert [action.__name__ for action in registered.actions] == [
        action.__name__ for action in ProductSyncPanel.extra_actions
    ]


def test_a_panel_registered_after_the_admin_is_composed_is_refused():
    class LatePanel:
        extra_list_display: list = []
        extra_actions: list = []

    with pytest.raises(ImproperlyConfigured):
        register_admin_panel(Product, LatePanel)


def _bind(product, shop, **fields):
    return RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, **fields
    )


def test_the_panel_rows_say_status_error_and_links_per_shop(english):
    product = factories.product()
    store = factories.shop(name="小店", app_id="wx_store")
    channels = factories.shop(name="视频号", platform="channels", app_id="wx_channels")
    _bind(product, store, remote_id="S1", remote_status="listed")
    _bind(product, channels, remote_id="C1", last_errcode=10020097, last_errmsg="attrs misses 材质")
    SyncJob.objects.create(shop=channels, kind=SyncJob.Kind.PRODUCT_PUBLISH, lock_key="k", target=product)

    with CaptureQueriesContext(connection) as queries:
        rows = sync_panel_rows(obj=product, can_sync=True)

    assert len(queries) == 2
    assert rows == [
        SyncPanelRow(
            shop_name="小店",
            status_label="Listed",
            remote_id="S1",
            is_syncing=False,
            last_synced_at=None,
            rejection=None,
            reason="",
            preview_url=reverse("admin:products_product_payload_preview", args=[product.pk, store.pk]),
            preview_label="payload as sent",
            recreate_url="",
        ),
        SyncPanelRow(
            shop_name="视频号",
            status_label="-",
            remote_id="C1",
            is_syncing=True,
            last_synced_at=None,
            rejection=rejection_of(shop=channels, errcode=10020097, errmsg="attrs misses 材质", target=product),
            reason="",
            preview_url=reverse("admin:products_product_payload_preview", args=[product.pk, channels.pk]),
            preview_label="local, draft and online",
            recreate_url="",
        ),
    ]


def test_the_product_page_renders_the_panel_from_its_template(admin_client, english, django_assert_num_queries):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    product = factories.product()
    store = factories.shop(name="小店", app_id="wx_store")
    _bind(product, store, remote_id="S1", remote_status="missing")
    url = reverse("admin:products_product_change", args=[product.pk])
    admin_client.get(url)  # the session and the content types, cached from here on

    with django_assert_num_queries(PRODUCT_PAGE_QUERIES):
        response = admin_client.get(url)

    assert "admin/channels_sync/sync_panel.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert '<table class="sync-panel" style="width:100%">' in page
    recreate_url = reverse("admin:products_product_recreate", args=[product.pk, store.pk])
    assert f'formaction="{recreate_url}"' in page
