"""Admin forms of the sync engine: shop credentials, shop choice for actions, order delivery."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Order, Shop, awaiting_shipment
from .platforms.open_platform import settings as open_platform_settings
from .platforms.open_platform.models import OpenPlatformProductOptions
from .platforms.settings_schema import FORM_PREFIX, SettingsSchema
from .push_crypto import valid_encoding_aes_key

# V1.17 delivery companies (API reference §2.6).
DELIVERY_COMPANIES = [
    ("Fsearch_code", _("EMS")),
    ("002shentong", _("STO Express")),
    ("066zhongtong", _("ZTO Express")),
    ("056yuantong", _("YTO Express")),
    ("042tiantian", _("TTK Express")),
    ("003shunfeng", _("SF Express")),
    ("059Yunda", _("Yunda Express")),
    ("064zhaijisong", _("ZJS Express")),
    ("020huitong", _("Huitong Express")),
    ("zj001yixun", _("Yixun")),
]


class ShopAdminForm(forms.ModelForm):
    """The app secret is write-only: typed once, stored encrypted, never shown again.

    The base URL is checked by the model against the platform's allowed hosts (``Shop.clean_fields``), and a
    changed app id or base URL needs the secret in the same submission (``Shop.clean``).
    """

    app_secret = forms.CharField(
        label=_("app secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Stored encrypted and never shown again. Leave empty to keep the current secret, unless the app id "
            "or the base URL changes: then type it again. For Tencent Ads, the OAuth client secret; for the open "
            "platform, its access token."
        ),
    )

    base_url = forms.URLField(
        label=_("API base URL"),
        assume_scheme="https",
        initial="https://api.weixin.qq.com",
        help_text=_(
            "The platform's API address over HTTPS (WeChat platforms: https://api.weixin.qq.com; Tencent Ads: "
            "https://api.e.qq.com; the open platform: a host the operator allows). Where the installation enables "
            "it, the local emulator's address instead."
        ),
    )

    push_aes_key = forms.CharField(
        label=_("push EncodingAESKey"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "The message encryption key (EncodingAESKey, 43 letters and digits) of the platform's secure mode: "
            "pushes then arrive encrypted. Stored encrypted and never shown again; leave empty to keep the current "
            "one."
        ),
    )
    plain_pushes = forms.BooleanField(
        label=_("plain-text pushes"),
        required=False,
        help_text=_("Forget the stored EncodingAESKey: the platform sends pushes unencrypted."),
    )

    class Meta:
        model = Shop
        fields = ["name", "platform", "app_id", "app_secret", "base_url", "push_token", "is_enabled"]

    def clean_push_aes_key(self):
        key = self.cleaned_data["push_aes_key"]
        if key and not valid_encoding_aes_key(key):
            raise forms.ValidationError(_("An EncodingAESKey is 43 letters and digits."))
        return key

    def clean(self):
        data = super().clean()
        key = data.get("push_aes_key")
        if data.get("plain_pushes"):
            if key:
                self.add_error("push_aes_key", _("Either type a key or choose plain-text pushes, not both."))
            else:
                self.instance.set_push_aes_key("")
        elif key:
            self.instance.set_push_aes_key(key)
        return data

    def clean_app_secret(self):
        secret = self.cleaned_data["app_secret"]
        if not secret and not self.instance.has_app_secret:
            raise forms.ValidationError(_("Enter the app secret of this shop."))
        if secret:
            # Before the model's validation, which needs to know the secret was typed in this submission. The
            # instance is only saved if the whole form is valid.
            self.instance.set_app_secret(secret)
        return secret


class ShopSettingsForm(ShopAdminForm):
    """The shop form with the settings of the shop's platform (``settings_schema``, its form fields declared by
    :func:`shop_settings_form`). The settings are written into ``Shop.platform_settings`` of the instance only once
    every field is clean, so the shop and its settings are saved together or not at all."""

    settings_schema: SettingsSchema

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(self.settings_schema.initial(self.instance.platform_settings))

    def clean(self):
        cleaned = super().clean()
        schema = self.settings_schema
        if cleaned.get("platform", self.instance.platform) != self.instance.platform:
            # The settings shown are the former platform's, meaningless to the new one: dropped, and the new
            # platform's are asked for on the shop's page.
            for name in schema.by_name:
                self.errors.pop(FORM_PREFIX + name, None)
            self.instance.platform_settings = {}
            return cleaned
        stored = self.instance.platform_settings
        values = {name: cleaned.get(FORM_PREFIX + name) for name in schema.by_name}
        failed = {name for name in schema.by_name if FORM_PREFIX + name in self.errors}
        for name, message in schema.clean(values, stored=stored, failed=failed).items():
            self.add_error(FORM_PREFIX + name, message)
        if not self.errors:
            self.instance.platform_settings = schema.store(values, previous=stored)
        return cleaned


def shop_settings_form(schema: SettingsSchema, stored: dict) -> type[ShopSettingsForm]:
    """The shop form of a platform with settings: one field per setting of ``schema``, for a shop whose settings
    are ``stored`` (a stored secret shows as kept, never as its value)."""
    attrs = {**schema.form_fields(stored), "settings_schema": schema, "__module__": __name__}
    return type("ShopSettingsForm", (ShopSettingsForm,), attrs)


class ChooseShopsForm(forms.Form):
    shops = forms.ModelMultipleChoiceField(
        label=_("shops"),
        queryset=Shop.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one shop.")},
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shops"].queryset = shops


class AcceptShopStockForm(forms.Form):
    """Why the shop's figure is taken as the local stock: kept on the stock movement."""

    reason = forms.CharField(
        label=_("reason"),
        max_length=150,
        error_messages={"required": _("Say why the shop's figure is right: it is kept with the stock movement.")},
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class SetDeliveryForm(forms.Form):
    """V1.17 order/setdelivery rules (API reference §2.6); ``companies`` are the shop's own (Channels, mini-shop:
    the platform's list)."""

    need_delivery = forms.BooleanField(label=_("needs shipping"), required=False, initial=True)
    company = forms.ChoiceField(
        label=_("delivery company"), choices=[("", "---------"), *DELIVERY_COMPANIES], required=False
    )
    is_others = forms.BooleanField(label=_("company not in the list"), required=False)
    other_company = forms.CharField(label=_("other company name"), max_length=60, required=False)
    track_no = forms.CharField(label=_("tracking number"), max_length=60, required=False)

    def __init__(self, *args, companies: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].choices = [("", "---------"), *companies]

    def clean(self):
        data = super().clean()
        if not data.get("need_delivery"):
            data.update(company="", track_no="", is_others=False)
            return data
        if data.get("is_others"):
            if not data.get("other_company", "").strip():
                self.add_error("other_company", _("Enter the name of the delivery company."))
            data["company"] = data.get("other_company", "").strip()
        elif not data.get("company"):
            self.add_error("company", _("Choose the delivery company."))
        if not data.get("track_no", "").strip():
            self.add_error("track_no", _("Enter the tracking number."))
        return data


class ParcelForm(forms.Form):
    """One parcel of an order (Channels delivery/send, partial delivery): how many pieces of each line go in it,
    the company from the shop's own list and the tracking number. ``left`` gives each line's pieces still to ship
    (``deliveries.pieces_left``): more than that is an error on the line's field, as the platform refuses it."""

    company = forms.ChoiceField(label=_("delivery company"), choices=[("", "---------")])
    track_no = forms.CharField(label=_("tracking number"), max_length=60)

    def __init__(self, *args, items, left: dict[int, int], companies: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.left = left
        self.fields["company"].choices = [("", "---------"), *companies]
        for item in self.items:
            self.fields[self.line_field(item.pk)] = forms.IntegerField(
                label=item.product_name or item.remote_product_id,
                min_value=0,
                initial=0,
                # A line left blank goes without pieces in this parcel.
                required=False,
                help_text=_("%(left)d of %(count)d left to ship") % {"left": left.get(item.pk, 0), "count": item.count},
            )
        # Lines first, as the merchant counts the pieces before labelling the parcel.
        self.order_fields([self.line_field(item.pk) for item in self.items] + ["company", "track_no"])

    @staticmethod
    def line_field(item_pk: int) -> str:
        return f"line_{item_pk}"

    def line_fields(self):
        return [self[self.line_field(item.pk)] for item in self.items]

    def clean_track_no(self):
        track_no = self.cleaned_data["track_no"].strip()
        if not track_no:
            raise forms.ValidationError(_("Enter the tracking number."))
        return track_no

    def clean(self):
        data = super().clean()
        pieces = {}
        for item in self.items:
            name = self.line_field(item.pk)
            count = data.get(name)
            if count is None:
                continue
            left = self.left.get(item.pk, 0)
            if count > left:
                self.add_error(name, _("Only %(left)d pieces of this line are left to ship.") % {"left": left})
            elif count:
                pieces[item.pk] = count
        if not self.errors and not pieces:
            raise forms.ValidationError(_("Put at least one piece in the parcel."))
        data["pieces"] = pieces
        return data


class RejectAfterSaleForm(forms.Form):
    """Rejecting after-sales (Channels rejectapply): the platform's reason (``reject_reason_type``, required) and
    the merchant's words to the buyer (``reject_reason``; left empty, the buyer sees the reason's default text).
    ``reasons`` are the platform's, those that apply to the chosen after-sales."""

    reason_type = forms.TypedChoiceField(label=_("reason"), coerce=int, choices=[("", "---------")])
    reason = forms.CharField(
        label=_("explanation to the buyer"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Left empty, the buyer sees the reason's standard text."),
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = {reason.reason_type: reason for reason in reasons}
        self.fields["reason_type"].choices = [("", "---------")] + [
            (reason.reason_type, reason.label or str(reason.reason_type)) for reason in reasons
        ]

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()

    def clean(self):
        data = super().clean()
        if "reason_type" in data:
            data["reason_label"] = self.reasons[data["reason_type"]].label
        return data


def order_can_ship(order: Order) -> bool:
    return awaiting_shipment(order.stage, order.status)


class OpenPlatformOptionsForm(forms.ModelForm):
    """The publishProduct fields the catalog has no equivalent for (API reference §6): a product's overrides.

    Every field is optional here (a blank field takes the shop's default); what is given is checked by §6's rules,
    the same the shop's defaults are checked by (``platforms/open_platform/settings.py``), so a value that the
    platform would refuse is refused in the admin, with the field named.
    """

    check_price_url = forms.URLField(
        label=_("price check link"), max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = OpenPlatformProductOptions
        fields = list(OpenPlatformProductOptions.OPTION_FIELDS)

    def clean_sales_channels(self):
        channels = self.cleaned_data.get("sales_channels")
        if channels in (None, "", []):
            return None
        open_platform_settings.check_sales_channels(channels)
        return channels

    def _clean_with(self, name, check):
        value = self.cleaned_data.get(name)
        if value is not None:
            check(value)
        return value

    def clean_agreement_price_percent(self):
        return self._clean_with("agreement_price_percent", open_platform_settings.check_percent)

    def clean_reference_price_percent(self):
        return self._clean_with("reference_price_percent", open_platform_settings.check_percent)

    def clean_delivery_timeliness(self):
        return self._clean_with("delivery_timeliness", open_platform_settings.check_at_least_one)

    def clean_min_delivery_quantity(self):
        return self._clean_with("min_delivery_quantity", open_platform_settings.check_at_least_one)


def preflight_fill_fields(missing) -> dict[str, forms.Field]:
    """The product form's fields of the pre-flight panel: one per missing required property
    (``preflight_fill.missing_properties``), a choice of the platform's values or a free text where it lists none;
    blank leaves the property missing. A chosen value cleans to its ``CategoryAttributeValue``."""
    fields: dict[str, forms.Field] = {}
    for item in missing:
        label = _("%(name)s (%(platform)s · %(category)s)") % {
            "name": item.attribute.name,
            "platform": item.platform_label,
            "category": item.attribute.category.name,
        }
        help_text = _("Required by the category: saved with the product as its property.")
        if item.values:
            by_pk = {str(value.pk): value for value in item.values}
            fields[item.field_name] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                required=False,
                choices=[("", _("— choose —")), *((pk, value.name) for pk, value in by_pk.items())],
                coerce=by_pk.__getitem__,
                empty_value=None,
            )
        else:
            fields[item.field_name] = forms.CharField(
                label=label, help_text=help_text, required=False, max_length=100, strip=True
            )
    return fields
