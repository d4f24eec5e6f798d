"""The admin of product imports: "Import products…" on a shop starts a preview and opens it; the preview page
shows each row's proposal and takes a choice per row, then runs the import as a job; a bad choice is a field error."""

import pytest
from django.urls import reverse
from django.utils import translation

from channels_sync.engine import outbox
from channels_sync.models import CatalogImport, CatalogImportRow, Shop, SyncJob
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db) -> Shop:
    shop = Shop(name="视频号小店", platform="channels", app_id="wx_demo_channels", base_url="http://127.0.0.1:8765")
    shop.set_app_secret("demo-channels-secret")
    shop.save()
    return shop


def _previewed(shop, *products) -> CatalogImport:
    catalog_import = CatalogImport.objects.create(shop=shop, state=CatalogImport.State.PREVIEWED)
    first, second = products
    CatalogImportRow.objects.create(
        catalog_import=catalog_import, position=0, remote_id="r-new", title="新商品", action="create", remote={}
    )
    CatalogImportRow.objects.create(
        catalog_import=catalog_import,
        position=1,
        remote_id="r-two",
        title="两个候选",
        action="conflict",
        reason="several_candidates",
        candidates=[
            {"id": first.pk, "matched_by": ["out_product_id"], "bindable": True, "remote_only": [], "local_only": []},
            {"id": second.pk, "matched_by": ["sku_codes"], "bindable": True, "remote_only": [], "local_only": []},
        ],
        remote={},
    )
    CatalogImportRow.objects.create(
        catalog_import=catalog_import,
        position=2,
        remote_id="r-one",
        title="已匹配",
        action="bind",
        matched_product=first,
        candidates=[{"id": first.pk, "matched_by": ["out_product_id"], "bindable": True}],
        remote={},
    )
    return catalog_import


def test_the_shop_action_starts_a_preview_job_and_opens_it(admin_client, shop, english):
    data = {"action": "shops_import_products", "_selected_action": [shop.pk]}

    response = admin_client.post(reverse("admin:channels_sync_shop_changelist"), data)

    catalog_import = CatalogImport.objects.get()
    job = SyncJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:channels_sync_catalogimport_preview", args=[catalog_import.pk])
    assert (catalog_import.shop, catalog_import.state) == (shop, CatalogImport.State.READING)
    assert (job.kind, job.target_id, job.shop) == (SyncJob.Kind.CATALOG_PREVIEW, catalog_import.pk, shop)


def test_the_preview_shows_proposals_and_runs_the_import_with_the_choices(admin_client, shop, english):
    first, second = factories.product(), factories.product()
    catalog_import = _previewed(shop, first, second)
    url = reverse("admin:channels_sync_catalogimport_preview", args=[catalog_import.pk])
    rows = {row.remote_id: row for row in catalog_import.rows.all()}

    page = admin_client.get(url)
    response = admin_client.post(
        url,
        {
            f"row_{rows['r-new'].pk}": "skip",
            f"row_{rows['r-two'].pk}": f"bind:{second.pk}",
            f"row_{rows['r-one'].pk}": f"bind:{first.pk}",
        },
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert "Several local products match." in content
    assert f'<option value="bind:{first.pk}"' in content
    assert response.status_code == 302
    assert sorted(catalog_import.rows.values_list("remote_id", "choice", "chosen_product_id")) == [
        ("r-new", "skip", None),
        ("r-one", "bind", first.pk),
        ("r-two", "bind", second.pk),
    ]
    catalog_import.refresh_from_db()
    assert catalog_import.state == CatalogImport.State.IMPORTING
    assert list(SyncJob.objects.values_list("kind", "target_id")) == [(SyncJob.Kind.CATALOG_IMPORT, catalog_import.pk)]


def test_two_rows_bound_to_one_product_is_a_field_error_and_nothing_runs(admin_client, shop, english):
    first, second = factories.product(), factories.product()
    catalog_import = _previewed(shop, first, second)
    url = reverse("admin:channels_sync_catalogimport_preview", args=[catalog_import.pk])
    rows = {row.remote_id: row for row in catalog_import.rows.all()}

    response = admin_client.post(
        url,
        {
            f"row_{rows['r-new'].pk}": "create",
            f"row_{rows['r-two'].pk}": f"bind:{first.pk}",
            f"row_{rows['r-one'].pk}": f"bind:{first.pk}",
        },
    )

    assert response.status_code == 200
    assert "This product is already chosen for 两个候选." in response.content.decode()
    assert list(catalog_import.rows.values_list("choice", flat=True)) == ["", "", ""]
    assert SyncJob.objects.count() == 0
