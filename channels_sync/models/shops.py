"""Shops: one account on one platform, with its credentials and base URL."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DEFERRED
from django.utils.translation import gettext_lazy as _

from products.models import Platform

from ..crypto import decrypt_secret, encrypt_secret

WECHAT_API_BASE_URL = "https://api.weixin.qq.com"
# The fields that say where the app secret is sent and for which account: changing one needs the secret again.
ACCOUNT_FIELDS = ("app_id", "base_url")


class Shop(models.Model):
    """A remote shop: one account on one platform, with its credentials and base URL."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    app_id = models.CharField(_("app id"), max_length=64)
    app_secret_encrypted = models.TextField(_("app secret (encrypted)"), blank=True, editable=False)
    base_url = models.URLField(
        _("API base URL"),
        default=WECHAT_API_BASE_URL,
        help_text=_("The platform's API address; point it at the local emulator in development."),
    )
    push_token = models.CharField(
        _("push token"),
        max_length=64,
        blank=True,
        help_text=_("The token configured for the platform's event pushes; signatures are checked with it."),
    )
    # The EncodingAESKey of the platform's secure mode (安全模式): pushes arrive AES-encrypted with it. Encrypted at
    # rest like the app secret, never shown back (``set_push_aes_key``).
    push_aes_key_encrypted = models.TextField(_("push EncodingAESKey (encrypted)"), blank=True, editable=False)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # The platform's own settings, as its settings schema declares them (``platforms/<platform>/settings.py``):
    # plain JSON values, secrets encrypted. Read and written only through the schema.
    platform_settings = models.JSONField(_("platform settings"), default=dict, blank=True, editable=False)
    orders_pulled_until = models.DateTimeField(_("orders pulled until"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "app_id", "base_url"], name="shop_unique_account"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # What is saved is the stored account now; a later change needs the secret again.
        self._stored_account = {name: getattr(self, name) for name in ACCOUNT_FIELDS}
        self._app_secret_entered = False

    @classmethod
    def from_db(cls, db, field_names, values):
        shop = super().from_db(db, field_names, values)
        # The account as stored, to tell in clean() whether this change points the secret somewhere else.
        shop._stored_account = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name in ACCOUNT_FIELDS and value is not DEFERRED
        }
        return shop

    def clean_fields(self, exclude=None):
        """The fields' own rules, then the base URL against the platform's allowed hosts.

        Here rather than in :meth:`clean` so that a base URL or platform the form already refused (and so never
        set on the instance) is not judged by the value it still holds.
        """
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "base_url" not in set(exclude or ()) | set(errors) and "platform" not in errors:
            refusal = self.base_url_refusal()
            if refusal is not None:
                errors["base_url"] = [ValidationError(refusal, code="base_url_refused")]
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        """Changing the app id or the base URL needs the app secret typed again (:meth:`set_app_secret`): whoever
        may edit a shop must not be able to send its stored secret to another address or account."""
        if getattr(self, "_app_secret_entered", False):
            return
        stored = getattr(self, "_stored_account", {})
        messages = {
            "app_id": _("Type the app secret again to change the app id."),
            "base_url": _("Type the app secret again to change the API base URL: the secret is sent there."),
        }
        errors = {
            name: ValidationError(message, code="app_secret_required")
            for name, message in messages.items()
            if name in stored and getattr(self, name) != stored[name]
        }
        if errors:
            raise ValidationError(errors)

    def base_url_refusal(self) -> str | None:
        """Why the shop's base URL may not be called by its platform's clients, or ``None`` (see
        ``channels_sync.platforms.hosts``)."""
        from ..platforms.registry import PLATFORMS, adapter_class

        if self.platform not in PLATFORMS:
            return None
        return adapter_class(self.platform).configured_host_policy().refusal(self.base_url)

    def set_app_secret(self, secret: str) -> None:
        self.app_secret_encrypted = encrypt_secret(secret) if secret else ""
        self._app_secret_entered = bool(secret)

    def get_app_secret(self) -> str:
        return decrypt_secret(self.app_secret_encrypted) if self.app_secret_encrypted else ""

    @property
    def has_app_secret(self) -> bool:
        return bool(self.app_secret_encrypted)

    def set_push_aes_key(self, key: str) -> None:
        self.push_aes_key_encrypted = encrypt_secret(key) if key else ""

    def get_push_aes_key(self) -> str:
        return decrypt_secret(self.push_aes_key_encrypted) if self.push_aes_key_encrypted else ""
