"""Admin forms of the sync engine: shop credentials, shop choice for actions, order delivery."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Order, Shop, TencentAdsSettings

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
    """The app secret is write-only: typed once, stored encrypted, never shown again."""

    app_secret = forms.CharField(
        label=_("app secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current secret."),
    )

    base_url = forms.URLField(
        label=_("API base URL"),
        assume_scheme="https",
        initial="https://api.weixin.qq.com",
        help_text=_("The platform's API address; point it at the local emulator in development."),
    )

    class Meta:
        model = Shop
        fields = ["name", "platform", "app_id", "app_secret", "base_url", "push_token", "is_enabled"]

    def clean_app_secret(self):
        secret = self.cleaned_data["app_secret"]
        if not secret and not self.instance.has_app_secret:
            raise forms.ValidationError(_("Enter the app secret of this shop."))
        return secret

    def save(self, commit=True):
        shop = super().save(commit=False)
        if self.cleaned_data.get("app_secret"):
            shop.set_app_secret(self.cleaned_data["app_secret"])
        if commit:
            shop.save()
        return shop


class TencentAdsSettingsForm(forms.ModelForm):
    """The OAuth refresh token is write-only, like the app secret."""

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


class SetDeliveryForm(forms.Form):
    """V1.17 order/setdelivery rules (API reference §2.6)."""

    need_delivery = forms.BooleanField(label=_("needs shipping"), required=False, initial=True)
    company = forms.ChoiceField(
        label=_("delivery company"), choices=[("", "---------"), *DELIVERY_COMPANIES], required=False
    )
    is_others = forms.BooleanField(label=_("company not in the list"), required=False)
    other_company = forms.CharField(label=_("other company name"), max_length=60, required=False)
    track_no = forms.CharField(label=_("tracking number"), max_length=60, required=False)

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
    return order.status == Order.Status.AWAITING_SHIPMENT
