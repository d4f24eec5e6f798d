"""The product form's autocompletes read their chosen options once per inline, and show what Django's own widget
shows: the same page with the preloading switched off, on display and after a refused save."""

import re

import pytest
from django.contrib.admin.widgets import AutocompleteMixin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from products.autocomplete import PreloadedChoicesWidgetMixin
from products.models import ImageAsset, ProductProperty
from tests import factories

pytestmark = pytest.mark.django_db


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _post_data(page_context) -> dict[str, str]:
    """What the browser submits: every field of the page's form and inlines as shown."""
    data = {}
    forms = [page_context["adminform"].form]
    for inline in page_context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif value is True:
                data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def _django_optgroups(self, name, value, attr=None):
    return AutocompleteMixin.optgroups(self, name, value, attr)


def test_the_rows_autocompletes_show_what_djangos_widget_shows(admin_client, monkeypatch):
    item = factories.product_with_sku_images(4)
    # A property row naming a spec attribute, which the field's choices (properties only) do not hold: Django's
    # widget shows it as not chosen, so must the preloading one.
    spec_attribute = item.specs.exclude(attribute=None).get().attribute
    ProductProperty.objects.create(product=item, attribute=spec_attribute, custom_value="纯棉")
    url = reverse("admin:products_product_change", args=[item.pk])
    preloaded = _without_csrf(admin_client.get(url).content.decode())

    monkeypatch.setattr(PreloadedChoicesWidgetMixin, "optgroups", _django_optgroups)
    plain = _without_csrf(admin_client.get(url).content.decode())

    assert preloaded == plain
    for sku in item.skus.all():
        assert f'<option value="{sku.image_id}" selected>{sku.image}</option>' in preloaded


def test_a_refused_save_shows_the_images_chosen_in_it(admin_client, monkeypatch):
    item = factories.product_with_sku_images(4)
    url = reverse("admin:products_product_change", args=[item.pk])
    data = _post_data(admin_client.get(url).context)
    other = factories.image_asset(color=(1, 2, 3))
    first = item.skus.order_by("position", "pk").first()
    data["skus-0-image"] = str(other.pk)  # a different image than the row's own, and an error elsewhere
    data["title"] = ""

    with CaptureQueriesContext(connection) as queries:
        refused = admin_client.post(url, data)
    monkeypatch.setattr(PreloadedChoicesWidgetMixin, "optgroups", _django_optgroups)
    with CaptureQueriesContext(connection) as plain_queries:
        plain = admin_client.post(url, data)

    assert refused.status_code == 200
    page = _without_csrf(refused.content.decode())
    assert page == _without_csrf(plain.content.decode())
    assert f'<option value="{other.pk}" selected>{other}</option>' in page
    assert f'<option value="{first.image_id}" selected>' not in page
    assert "这个字段是必填项。" in page
    # Validation reads each row's image (Django's); showing them again reads none: the cleaned rows hold them,
    # where Django's widget reads each row's once more (4 SKU rows, 3 head-image rows).
    assert _image_reads(plain_queries) - _image_reads(queries) == 7
    assert item.skus.get(pk=first.pk).image_id == first.image_id  # nothing saved


def _image_reads(queries) -> int:
    table = ImageAsset._meta.db_table
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"'))
