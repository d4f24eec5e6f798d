"""Admin forms of the sync engine: shop credentials, shop choice for actions, order delivery."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OpenPlatformProductOptions, OpenPlatformSettings, Order, Shop, TencentAdsSettings, awaiting_shipment
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


# Reference §5 limits, in UTF-8 bytes ("字节").
ADS_STORE_ID_MAX_BYTES = 32
ADS_APPID_MAX_BYTES = 1024
ADS_TARGET_URL_MAX_BYTES = 2048
ADS_TEMPLATE_PLACEHOLDERS = ("{out_product_id}", "{sku_code}")
_PLACEHOLDER = re.compile(r"{[^{}]*}")


class TencentAdsSettingsForm(forms.ModelForm):
    """The OAuth refresh token is write-only, like the app secret. The other fields are checked against the limits
    of reference §5 (byte lengths, positive ids, the landing page's placeholders), so a shop saved here never
    fails a push on its settings."""

    refresh_token = forms.CharField(
        label=_("refresh token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "From the account's authorisation; stored encrypted and never shown again. Leave empty to keep it."
        ),
    )

    class Meta:
        model = TencentAdsSettings
        fields = [
            "account_id",
            "data_warehouse_id",
            "external_store_id",
            "store_type",
            "sale_channel_name",
            "new_sku_days",
            "miniprogram_appid",
            "landing_page_template",
            "refresh_token",
            "refresh_token_expires_at",
        ]

    def clean_refresh_token(self):
        token = self.cleaned_data["refresh_token"]
        if not token and not self.instance.has_refresh_token:
            raise forms.ValidationError(_("Enter the refresh token of this account."))
        return token

    def clean(self):
        cleaned = super().clean()
        for name in ("account_id", "data_warehouse_id"):
            if cleaned.get(name) == 0:
                self.add_error(name, _("Enter the id Tencent Ads gave you; 0 is not an id."))
        for name, limit in (
            ("external_store_id", ADS_STORE_ID_MAX_BYTES),
            ("miniprogram_appid", ADS_APPID_MAX_BYTES),
            ("landing_page_template", ADS_TARGET_URL_MAX_BYTES),
        ):
            value = (cleaned.get(name) or "").strip()
            if name in cleaned:
                cleaned[name] = value
            if len(value.encode("utf-8")) > limit:
                self.add_error(
                    name,
                    _("At most %(limit)d bytes (a Chinese character takes 3); this is %(length)d.")
                    % {"limit": limit, "length": len(value.encode("utf-8"))},
                )
        template = cleaned.get("landing_page_template") or ""
        if template:
            unknown = [p for p in _PLACEHOLDER.findall(template) if p not in ADS_TEMPLATE_PLACEHOLDERS]
            if unknown:
                self.add_error(
                    "landing_page_template",
                    _("Unknown placeholder %(placeholders)s: only {out_product_id} and {sku_code} are replaced.")
                    % {"placeholders": ", ".join(unknown)},
                )
            elif not any(p in template for p in ADS_TEMPLATE_PLACEHOLDERS):
                self.add_error(
                    "landing_page_template",
                    _("Use {out_product_id} or {sku_code} so that each product opens its own page."),
                )
        return cleaned

    def save(self, commit=True):
        ads = super().save(commit=False)
        if self.cleaned_data.get("refresh_token"):
            ads.set_refresh_token(self.cleaned_data["refresh_token"])
        if commit:
            ads.save()
        return ads


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
    so a value that the platform would refuse is refused in the admin, with the field named.
    """

    # Shop defaults must hold these, so that every product makes a complete payload (see OpenPlatformSettingsForm).
    required_defaults: tuple[str, ...] = ()

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
        if not isinstance(channels, list):
            raise forms.ValidationError(_("Enter a JSON list of sales channels."))
        errors = []
        for index, channel in enumerate(channels, start=1):
            errors += [
                forms.ValidationError(_("Channel %(index)d: %(problem)s"), params={"index": index, "problem": problem})
                for problem in self.sales_channel_problems(channel)
            ]
        if errors:
            raise forms.ValidationError(errors)
        return channels

    @staticmethod
    def sales_channel_problems(channel) -> list[str]:
        """What is wrong with one item of the sales channels option (seed 004 "商品销售渠道信息"), in words."""
        from channels_sync.platforms.open_platform.payloads import check_display_time

        if not isinstance(channel, dict):
            return [
                _(
                    "it must be an object with salesChannel, displayTimeStart, displayTimeEnd, sevenDaysForReturn "
                    "and salesRegionList."
                )
            ]
        problems = []
        if not isinstance(channel.get("salesChannel"), str) or not channel["salesChannel"].strip():
            problems.append(_("salesChannel (the channel code) is required."))
        times = {}
        for key in ("displayTimeStart", "displayTimeEnd"):
            times[key] = check_display_time(channel.get(key))
            if times[key] is None:
                problems.append(_("%(key)s must be a time written yyyy-MM-dd HH:mm:ss.") % {"key": key})
        if None not in times.values() and times["displayTimeStart"] > times["displayTimeEnd"]:
            problems.append(_("displayTimeEnd must not be before displayTimeStart."))
        seven_days = channel.get("sevenDaysForReturn")
        if isinstance(seven_days, bool) or seven_days not in (0, 1):
            problems.append(_("sevenDaysForReturn must be 0 (no) or 1 (yes)."))
        regions = channel.get("salesRegionList")
        if not isinstance(regions, list) or not regions or not all(isinstance(r, str) and r.strip() for r in regions):
            problems.append(_("salesRegionList must be a non-empty list of region names."))
        return problems

    def _clean_percent(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not 0 < value <= 100:
            raise forms.ValidationError(_("Enter a percentage above 0 and at most 100."))
        return value

    def clean_agreement_price_percent(self):
        return self._clean_percent("agreement_price_percent")

    def clean_reference_price_percent(self):
        return self._clean_percent("reference_price_percent")

    def _clean_at_least_one(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value < 1:
            raise forms.ValidationError(_("Enter a number of at least 1."))
        return value

    def clean_delivery_timeliness(self):
        return self._clean_at_least_one("delivery_timeliness")

    def clean_min_delivery_quantity(self):
        return self._clean_at_least_one("min_delivery_quantity")

    def clean(self):
        data = super().clean()
        for name in self.required_defaults:
            if name not in self.errors and data.get(name) in (None, "", []):
                self.add_error(name, _("The shop's default is required: every product without its own value uses it."))
        return data


class OpenPlatformSettingsForm(OpenPlatformOptionsForm):
    """A publishProduct shop's defaults: together with the catalog they must make a complete payload.

    The catalog gives the code, title, images, description, properties, SKUs, prices and stock; everything else
    §6 requires comes from here. Joint-operation (联营) merchants must send price check information (§6
    ``checkPriceMsgList``), so its link and attachment are required for them.
    """

    required_defaults = (
        "category_id",
        "brand_name",
        "sales_way",
        "settlement_way",
        "delivery_way",
        "delivery_timeliness",
        "sales_channels",
        "sale_unit",
        "min_delivery_quantity",
    )

    class Meta:
        model = OpenPlatformSettings
        fields = ["is_joint_operation", *OpenPlatformSettings.OPTION_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("is_joint_operation"):
            for name in ("check_price_url", "check_price_attachment"):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("Joint-operation merchants must send price check information."))
        return data
