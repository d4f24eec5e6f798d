"""Admin forms of the sync engine: shop credentials, shop choice for actions, order delivery."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Order, Shop, awaiting_shipment
from .platforms.open_platform import settings as open_platform_settings
from .platforms.open_platform.models import OpenPlatformProductOptions
from .platforms.settings_schema import FORM_PREFIX, SettingsSchema

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

    class Meta:
        model = Shop
        fields = ["name", "platform", "app_id", "app_secret", "base_url", "push_token", "is_enabled"]

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
