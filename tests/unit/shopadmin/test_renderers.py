"""The site's form renderer writes some of Django's form templates out in Python: the HTML must be the templates'
own, byte for byte, for every widget, label and error list it takes over, and on the product page as a whole."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from shopadmin import renderers
from shopadmin.renderers import WidgetRenderer
from tests import factories

TEMPLATES = DjangoTemplates()
FAST = WidgetRenderer()

INPUT_WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.HiddenInput,
    forms.EmailInput,
    forms.PasswordInput,
    forms.URLInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.FileInput,
    forms.ClearableFileInput,
    forms.CheckboxInput,
]

VALUES = [None, "", "白色 <b>&\"'", mark_safe("<i>safe</i>"), 0, 12, Decimal("99.50"), True, False, (1, 2)]

ATTRS = [
    {},
    {"class": "vTextField", "maxlength": 32, "required": True, "disabled": False, "data-x": None},
    {"placeholder": "尺码 <M>", "aria-describedby": mark_safe("id_a&b"), "step": Decimal("0.01")},
]


@pytest.mark.parametrize("widget_class", INPUT_WIDGETS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=range(len(ATTRS)))
def test_inputs_render_as_their_templates(widget_class, value, attrs):
    widget = widget_class(attrs=attrs)

    fast = widget.render("skus-0-price", value, attrs={"id": "id_skus-0-price"}, renderer=FAST)
    template = widget.render("skus-0-price", value, attrs={"id": "id_skus-0-price"}, renderer=TEMPLATES)

    assert fast == template


class StoredFile:
    url = "/media/images/a&b.png"

    def __str__(self):
        return "images/a&b.png"


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("value", [None, StoredFile()], ids=["none", "stored"])
def test_file_inputs_with_and_without_a_current_file_render_as_their_template(required, value):
    widget = forms.ClearableFileInput(attrs={"accept": "image/*"})
    widget.is_required = required

    fast = widget.render("image_upload", value, attrs={"id": "id_image_upload"}, renderer=FAST)
    template = widget.render("image_upload", value, attrs={"id": "id_image_upload"}, renderer=TEMPLATES)

    assert fast == template


CHOICES = [
    ("", "---------"),
    ("draft", gettext_lazy("draft")),
    (3, "三 <&>"),
    ("颜色", [("white", "白色"), ("black", mark_safe("<b>黑色</b>"))]),
    (mark_safe("组<>"), [(Decimal("1.5"), 1.5)]),
]


@pytest.mark.parametrize("widget_class", [forms.Select, forms.SelectMultiple])
@pytest.mark.parametrize("value", [None, "draft", ["white", "black"], 3, "1.5", "unknown"], ids=repr)
@pytest.mark.parametrize("attrs", ATTRS, ids=range(len(ATTRS)))
def test_selects_render_as_their_templates(widget_class, value, attrs):
    widget = widget_class(attrs, CHOICES)

    fast = widget.render("state", value, attrs={"id": "id_state"}, renderer=FAST)
    template = widget.render("state", value, attrs={"id": "id_state"}, renderer=TEMPLATES)

    assert fast == template


@pytest.mark.parametrize("value", [None, True, False, "true", "unknown"], ids=repr)
def test_the_yes_no_select_renders_as_its_template(value):
    widget = forms.NullBooleanSelect()

    assert widget.render("is_post_free", value, renderer=FAST) == widget.render(
        "is_post_free", value, renderer=TEMPLATES
    )


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"can_add_related": False},
        {"can_change_related": True, "can_delete_related": True, "can_view_related": True},
        {"can_add_related": False, "can_view_related": True},
    ],
    ids=range(4),
)
@pytest.mark.parametrize("inner", [forms.Select(choices=[("", "---"), (1, "图片 1 <64×60>")]), forms.HiddenInput()])
@pytest.mark.parametrize("relation", ["sku_image", "property_attribute"])
def test_the_related_widget_wrapper_renders_as_its_template(flags, inner, relation):
    from django.contrib import admin
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

    from products.models import ProductProperty, Sku

    # A property's attribute is limited to properties (limit_choices_to: no data-model-ref); a SKU's image is not.
    rel = (
        (Sku if relation == "sku_image" else ProductProperty)
        ._meta.get_field("image" if relation == "sku_image" else "attribute")
        .remote_field
    )
    widget = RelatedFieldWidgetWrapper(inner, rel, admin.site, **flags)

    fast = widget.render("skus-0-image", 1, attrs={"id": "id_skus-0-image"}, renderer=FAST)
    template = widget.render("skus-0-image", 1, attrs={"id": "id_skus-0-image"}, renderer=TEMPLATES)

    assert fast == template


class SampleForm(forms.Form):
    title = forms.CharField(label="标题 <必填>", max_length=5)
    price = forms.DecimalField(label=gettext_lazy("price"), min_value=0)
    state = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(label=mark_safe("同意 <a href='#'>条款</a>"))


@pytest.mark.parametrize(
    "data",
    [None, {}, {"title": "太长的标题文字", "price": "-1", "state": "x"}, {"title": "好", "price": "1", "state": "a"}],
)
def test_labels_and_error_lists_render_as_their_templates(data):
    fast = SampleForm(data, renderer=FAST)
    template = SampleForm(data, renderer=TEMPLATES)

    assert str(fast) == str(template)
    for name in SampleForm.base_fields:
        assert fast[name].label_tag() == template[name].label_tag()
        assert fast[name].legend_tag() == template[name].legend_tag()
        assert str(fast[name].errors) == str(template[name].errors)
        assert fast[name].errors.as_ul() == template[name].errors.as_ul()
    assert str(fast.non_field_errors()) == str(template.non_field_errors())


def test_an_overridden_template_is_rendered_by_the_template_engine(monkeypatch):
    renderer = WidgetRenderer()
    real_get_template = renderer.get_template

    def get_template(name):
        if name == renderers.INPUT:
            return SimpleNamespace(origin=SimpleNamespace(name="/srv/app/templates/django/forms/widgets/input.html"))
        return real_get_template(name)

    assert renderer._fast_version("django/forms/widgets/text.html") is renderers.render_input
    renderer._fast.clear()
    monkeypatch.setattr(renderer, "get_template", get_template)

    assert renderer._fast_version("django/forms/widgets/text.html") is None
    assert renderer._fast_version(renderers.SELECT) is renderers.render_select
    assert renderer._fast_version("django/forms/widgets/textarea.html") is None


def test_what_the_python_version_does_not_reproduce_goes_to_the_template():
    # The template looks the key "items" up before the dict's method, and fails on it: so does the renderer.
    widget = forms.TextInput(attrs={"items": "x"})
    for renderer in (FAST, TEMPLATES):
        with pytest.raises(ValueError, match="Need 2 values to unpack"):
            widget.render("n", "v", renderer=renderer)
    assert FAST.render(renderers.ERRORS_UL, {"errors": ["坏"], "error_class": "errorlist"}) == TEMPLATES.render(
        renderers.ERRORS_UL, {"errors": ["坏"], "error_class": "errorlist"}
    )


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.django_db
def test_the_product_page_is_the_same_with_either_renderer(admin_client):
    item = factories.product(images=2, sku_prices=[(9900, 12900)])
    url = reverse("admin:products_product_change", args=[item.pk])
    invalid = {
        "title": "",
        "out_product_id": item.out_product_id,
        "state": "draft",
    }
    pages = {}
    for name in ("shopadmin.renderers.WidgetRenderer", "django.forms.renderers.DjangoTemplates"):
        with override_settings(FORM_RENDERER=name):
            shown = admin_client.get(url)
            refused = admin_client.post(url, invalid)
        assert shown.status_code == 200
        assert refused.status_code == 200
        pages[name] = (_without_csrf(shown.content.decode()), _without_csrf(refused.content.decode()))

    fast, template = pages.values()
    assert fast[0] == template[0]
    assert fast[1] == template[1]
    assert 'class="errorlist' in fast[1]
