"""The sync engine's records: shops, remote bindings, the outbox of jobs, attempts, stock and orders.

Every remote change is first a ``SyncJob`` row written in the same transaction as the catalog change; workers
claim jobs with a conditional UPDATE and record each HTTP call as a ``SyncAttempt`` (design §4).
"""

import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DEFERRED, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from products.models import ImageAsset, Platform, Sku

from .crypto import decrypt_secret, encrypt_secret

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
    is_enabled = models.BooleanField(_("enabled"), default=True)
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
        from .platforms.registry import PLATFORMS, adapter_class

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


# ``RemoteBinding.remote_status`` of a bound object the shop says no longer exists (its remote id is kept).
REMOTE_STATUS_MISSING = "missing"


class RemoteBinding(models.Model):
    """A local object (product, freight template, group, shelf) as it exists in one shop."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="bindings")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("object type"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    remote_id = models.CharField(_("remote id"), max_length=128, blank=True)
    remote_status = models.CharField(_("remote status"), max_length=32, blank=True)
    remote_edit_status = models.CharField(_("remote draft status"), max_length=32, blank=True)
    remote_reason = models.TextField(_("remote reason"), blank=True, help_text=_("Audit reject reason and the like."))
    # Platforms with a draft and an online copy (the Channels store): both as last read, for the admin.
    remote_draft = models.JSONField(_("remote draft"), null=True, blank=True)
    remote_online = models.JSONField(_("remote online copy"), null=True, blank=True)
    remote_read_at = models.DateTimeField(_("remote copy read at"), null=True, blank=True)
    listed_once = models.BooleanField(_("listed at least once"), default=False)
    last_pushed_hash = models.CharField(_("last pushed payload hash"), max_length=64, blank=True)
    last_pushed_payload = models.JSONField(_("last pushed payload"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    last_errcode = models.IntegerField(_("last errcode"), null=True, blank=True)
    last_errmsg = models.TextField(_("last error message"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted remotely"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remote binding")
        verbose_name_plural = _("remote bindings")
        ordering = ["shop", "content_type", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "content_type", "object_id"], name="binding_unique_target"),
            models.UniqueConstraint(
                fields=["shop", "content_type", "remote_id"],
                condition=~Q(remote_id=""),
                name="binding_unique_remote_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.content_type.model} #{self.object_id} → {self.remote_id or '-'}"

    @property
    def is_bound(self) -> bool:
        return bool(self.remote_id) and not self.is_deleted


def payload_hash(payload: dict) -> str:
    """A stable hash of a payload: the same content always gives the same hash, whatever the key order."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class RemoteImage(models.Model):
    """An image uploaded to a shop once; its platform URL is reused in every payload."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="images")
    asset = models.ForeignKey(ImageAsset, verbose_name=_("image"), on_delete=models.CASCADE, related_name="+")
    remote_url = models.URLField(_("remote URL"), max_length=500)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("uploaded image")
        verbose_name_plural = _("uploaded images")
        constraints = [models.UniqueConstraint(fields=["shop", "asset"], name="remote_image_unique_asset")]

    def __str__(self) -> str:
        return self.remote_url


class SyncJob(models.Model):
    """One remote change or read to carry out: the outbox row (design §4)."""

    class Kind(models.TextChoices):
        PRODUCT_PUBLISH = "product_publish", _("Publish product")
        PRODUCT_RECREATE = "product_recreate", _("Re-create product missing in the shop")
        PRODUCT_DELETE = "product_delete", _("Delete product remotely")
        PRODUCT_LIST = "product_list", _("List product")
        PRODUCT_DELIST = "product_delist", _("Delist product")
        PRODUCT_AUDIT_CANCEL = "product_audit_cancel", _("Cancel product audit")
        PRODUCT_REFRESH = "product_refresh", _("Read product status")
        THIRD_PARTY_DECLARE = "third_party_declare", _("Declare third-party source")
        STOCK_PUSH = "stock_push", _("Push stock")
        STOCK_RECONCILE = "stock_reconcile", _("Reconcile stock")
        FREIGHT_PUSH = "freight_push", _("Push freight template")
        FREIGHT_DELETE = "freight_delete", _("Delete freight template remotely")
        GROUP_PUSH = "group_push", _("Push group")
        GROUP_DELETE = "group_delete", _("Delete group remotely")
        SHELF_PUSH = "shelf_push", _("Push shelf")
        SHELF_DELETE = "shelf_delete", _("Delete shelf remotely")
        CATEGORIES_IMPORT = "categories_import", _("Import categories")
        FREIGHT_IMPORT = "freight_import", _("Import freight templates")
        GROUPS_IMPORT = "groups_import", _("Import groups")
        SHELVES_IMPORT = "shelves_import", _("Import shelves")
        ORDERS_PULL = "orders_pull", _("Pull orders")
        ORDER_PULL_ONE = "order_pull_one", _("Pull one order")
        ORDER_SET_DELIVERY = "order_set_delivery", _("Set order delivery")
        ORDER_CLOSE = "order_close", _("Close order")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Waits for the job ``waits_for`` to end (a product's publish before its listing): never claimed until then.
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATES = (State.PENDING, State.WAITING, State.RUNNING)
    # Not started yet: a new request of the same kind and target folds into such a job.
    QUEUED_STATES = (State.PENDING, State.WAITING)
    END_STATES = (State.SUCCEEDED, State.FAILED, State.CANCELLED)
    # ``queue_position`` of a job that was never moved is its id times this, so a dependency can be put ahead of
    # the job waiting for it (its position minus one) without renumbering anything else.
    POSITION_SCALE = 1024

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE, null=True, blank=True
    )
    target_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    # Jobs with the same lock key never run at the same time (one in flight per remote target).
    lock_key = models.CharField(_("lock key"), max_length=200, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    # Jobs of one lock key run in the order of (queue_position, id); null is id × POSITION_SCALE (see
    # ``services.queue_order``). Only a dependency moved ahead of the job that waits for it has a value.
    queue_position = models.BigIntegerField(_("queue position"), null=True, blank=True)
    waits_for = models.ForeignKey(
        "self",
        verbose_name=_("waits for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
        help_text=_("The job that must end before this one can run."),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    lease_owner = models.CharField(_("lease owner"), max_length=100, blank=True)
    # Set when a call may have been applied without our seeing the answer: read remote state before any retry.
    outcome_unknown = models.BooleanField(_("outcome unknown"), default=False)
    last_errcode = models.IntegerField(_("last errcode"), null=True, blank=True)
    last_errmsg = models.TextField(_("last error message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync job")
        verbose_name_plural = _("sync jobs")
        ordering = ["-created_at"]
        permissions = [
            ("sync_catalog", _("Can publish, list, delist and delete catalog objects in shops")),
            ("sync_stock", _("Can push and reconcile stock in shops")),
            ("import_from_shops", _("Can import categories, templates, groups, shelves and orders")),
            ("cancel_syncjob", _("Can cancel pending and waiting sync jobs")),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="sync_job_due"),
            models.Index(fields=["target_type", "target_id"], name="sync_job_target"),
            # A target's queue: what claiming and folding a request into a queued job read (services.py).
            models.Index(fields=["shop", "lock_key", "state"], name="sync_job_target_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target_label or self.lock_key} @ {self.shop.name}"


class SyncAttempt(models.Model):
    """One HTTP call made for a job, with its outcome; requests and responses are stored redacted."""

    job = models.ForeignKey(SyncJob, verbose_name=_("job"), on_delete=models.CASCADE, related_name="attempt_log")
    endpoint = models.CharField(_("endpoint"), max_length=200)
    method = models.CharField(_("method"), max_length=8, default="POST")
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    errcode = models.IntegerField(_("errcode"), null=True, blank=True)
    errmsg = models.TextField(_("errmsg"), blank=True)
    error_class = models.CharField(_("error"), max_length=60, blank=True)
    request = models.JSONField(_("request (redacted)"), null=True, blank=True)
    response = models.JSONField(_("response (redacted)"), null=True, blank=True)

    class Meta:
        verbose_name = _("sync attempt")
        verbose_name_plural = _("sync attempts")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.endpoint} · {self.errcode if self.errcode is not None else self.http_status}"


class StockMovement(models.Model):
    """A change of a SKU's local stock, with why; the engine pushes their sum as deltas per shop."""

    class Reason(models.TextChoices):
        ADMIN_EDIT = "admin_edit", _("Edited in the admin")
        ORDER = "order", _("Sold on a platform")
        RECONCILE = "reconcile", _("Reconciled with a platform")
        IMPORT = "import", _("Imported")

    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(_("change"))
    stock_after = models.PositiveIntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sku} {self.delta:+d}"


class RemoteSkuStock(models.Model):
    """What one shop is known to hold for one SKU.

    ``synced_stock`` is the local stock the shop's quantity was last brought in line with: the next push sends
    ``sku.stock - synced_stock`` as one delta, which coalesces every movement since. ``in_flight_delta`` is set
    while a delta is being sent, so a lost answer can be checked against the remote quantity before any retry.
    """

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="sku_stocks")
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="remote_stocks")
    remote_sku_key = models.CharField(_("remote SKU id"), max_length=500, blank=True)
    synced_stock = models.IntegerField(_("stock last synced"), default=0)
    remote_stock = models.IntegerField(_("remote stock last read"), null=True, blank=True)
    remote_stock_read_at = models.DateTimeField(_("remote stock read at"), null=True, blank=True)
    in_flight_delta = models.IntegerField(_("delta in flight"), null=True, blank=True)
    in_flight_remote_before = models.IntegerField(_("remote stock before the delta"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote stock")
        verbose_name_plural = _("remote stocks")
        constraints = [models.UniqueConstraint(fields=["shop", "sku"], name="remote_sku_stock_unique")]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.sku}"

    @property
    def drift(self) -> int | None:
        """Local stock minus the remote quantity last read (None when never read)."""
        if self.remote_stock is None:
            return None
        return self.sku.stock - self.remote_stock


class Order(models.Model):
    """An order pulled from a shop (V1.17 §2.6)."""

    class Status(models.IntegerChoices):
        AWAITING_SHIPMENT = 2, _("Awaiting shipment")
        SHIPPED = 3, _("Shipped")
        COMPLETED = 5, _("Completed")
        CLOSED = 6, _("Closed")
        RIGHTS_PROTECTION = 8, _("Rights protection")

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders")
    remote_order_id = models.CharField(_("order id"), max_length=64)
    status = models.IntegerField(_("status"))
    total_price = models.BigIntegerField(_("total"), default=0)
    express_price = models.BigIntegerField(_("shipping fee"), default=0)
    remote_created_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    buyer_openid = models.CharField(_("buyer openid"), max_length=64, blank=True)
    buyer_nick = models.CharField(_("buyer"), max_length=100, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=100, blank=True)
    receiver_province = models.CharField(_("province"), max_length=50, blank=True)
    receiver_city = models.CharField(_("city"), max_length=50, blank=True)
    receiver_zone = models.CharField(_("district"), max_length=50, blank=True)
    receiver_address = models.CharField(_("address"), max_length=300, blank=True)
    receiver_mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    receiver_phone = models.CharField(_("phone"), max_length=30, blank=True)
    delivery_company = models.CharField(_("delivery company"), max_length=60, blank=True)
    delivery_track_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    trans_id = models.CharField(_("payment transaction id"), max_length=64, blank=True)
    raw = models.JSONField(_("as received"), default=dict, blank=True)
    stock_applied = models.BooleanField(_("stock applied locally"), default=False, editable=False)
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-remote_created_at", "-pk"]
        permissions = [("fulfil_order", _("Can set delivery and close orders"))]
        constraints = [models.UniqueConstraint(fields=["shop", "remote_order_id"], name="order_unique_remote_id")]
        indexes = [models.Index(fields=["shop", "status"], name="order_shop_status")]

    def __str__(self) -> str:
        return self.remote_order_id

    def get_status_label(self) -> str:
        try:
            return str(self.Status(self.status).label)
        except ValueError:
            # The manual's examples show codes it never defines; keep the number visible.
            return str(self.status)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    remote_product_id = models.CharField(_("remote product id"), max_length=128)
    remote_sku_key = models.CharField(_("remote SKU"), max_length=500, blank=True)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    price = models.BigIntegerField(_("price"), default=0)
    count = models.PositiveIntegerField(_("quantity"), default=1)
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.SET_NULL, null=True, blank=True, related_name="order_items"
    )

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")

    def __str__(self) -> str:
        return f"{self.product_name} × {self.count}"


class PushEvent(models.Model):
    """A platform event push received, kept to refuse replays and to show what arrived."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="push_events")
    nonce = models.CharField(_("nonce"), max_length=64)
    timestamp = models.BigIntegerField(_("timestamp"))
    event = models.CharField(_("event"), max_length=64, blank=True)
    body = models.TextField(_("body"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("push event")
        verbose_name_plural = _("push events")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["shop", "nonce", "timestamp"], name="push_event_unique")]

    def __str__(self) -> str:
        return f"{self.event} @ {self.received_at:%Y-%m-%d %H:%M:%S}"


class ThirdPartySourceDeclaration(models.Model):
    """Where a product comes from, declared to the Channels store (addproductthirdpartysource, seed 000).

    The catalog supplies title, images, SKUs and properties; this holds what it does not: the scene, the
    supplier and its shop performance, the source listing, logistics and guarantees.
    """

    class Scene(models.IntegerChoices):
        DISTRIBUTION = 1, _("Distribution (分销铺货)")
        MIGRATION = 2, _("Product migration (商品搬家)")
        OTHER = 3, _("Other")

    class PublishMethod(models.IntegerChoices):
        DATA_PACKAGE = 1, _("Data package")
        SYSTEM = 2, _("System")
        OTHER = 3, _("Other")

    class SourcePlatform(models.IntegerChoices):
        ALIBABA_1688 = 1, _("1688")
        PINDUODUO = 2, _("Pinduoduo")
        OTHER = 3, _("Other")

    product = models.OneToOneField(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="third_party_source",
    )
    scene_value = models.PositiveSmallIntegerField(_("scene"), choices=Scene.choices)
    publish_method = models.PositiveSmallIntegerField(
        _("publish method"), choices=PublishMethod.choices, null=True, blank=True, help_text=_("Required for scene 3.")
    )
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    source_platform_type = models.PositiveSmallIntegerField(
        _("source platform"),
        choices=SourcePlatform.choices,
        null=True,
        blank=True,
        help_text=_("Required for distribution and product migration."),
    )
    source_platform_name = models.CharField(
        _("source platform name"),
        max_length=100,
        blank=True,
        help_text=_("Required for distribution and product migration; the platform's name for scene 3."),
    )
    accept_rate_24h = models.PositiveSmallIntegerField(_("24h pick-up rate (%)"), null=True, blank=True)
    accept_rate_48h = models.PositiveSmallIntegerField(_("48h pick-up rate (%)"), null=True, blank=True)
    ship_count_30d = models.PositiveIntegerField(_("drop-shipped in 30 days"), null=True, blank=True)
    ship_count_7d = models.PositiveIntegerField(_("drop-shipped in 7 days"), null=True, blank=True)
    distribute_product_count = models.PositiveIntegerField(_("distributors"), null=True, blank=True)
    on_time_ship_rate = models.PositiveSmallIntegerField(_("on-time shipping rate (%)"), null=True, blank=True)
    merchant_identity = models.CharField(_("merchant identity"), max_length=100, blank=True)
    visit_url = models.URLField(_("source listing URL"), max_length=1000)
    source_product_id = models.CharField(_("product id on the source platform"), max_length=128)
    freight_info = models.CharField(_("freight information"), max_length=200, blank=True)
    logistics_template = models.CharField(_("logistics template"), max_length=200, blank=True)
    service_guarantee = models.CharField(_("service guarantees"), max_length=200, blank=True)
    delivery_time = models.CharField(_("delivery time promise"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("third-party source declaration")
        verbose_name_plural = _("third-party source declarations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.product} ← {self.supplier_name}"

    def clean(self) -> None:
        errors = {}
        if self.scene_value == self.Scene.OTHER and not self.publish_method:
            errors["publish_method"] = _("The publish method is required for the scene “Other”.")
        if self.scene_value in (self.Scene.DISTRIBUTION, self.Scene.MIGRATION) and not self.source_platform_type:
            errors["source_platform_type"] = _("The source platform is required for this scene.")
        if not self.source_platform_name.strip():
            # Seed 000: required for scenes 1 and 2, and "需入参平台名称" for scene 3 too.
            errors["source_platform_name"] = _("Enter the name of the source platform.")
        for field in ("accept_rate_24h", "accept_rate_48h", "on_time_ship_rate"):
            value = getattr(self, field)
            if value is not None and value > 100:
                errors[field] = _("A rate is a percentage from 0 to 100.")
        if errors:
            raise ValidationError(errors)

    def as_payload_fields(self) -> dict:
        """The merchant-entered part of the declaration, in the body's field names (seed 000)."""
        performance = {
            name: getattr(self, name)
            for name in (
                "accept_rate_24h",
                "accept_rate_48h",
                "ship_count_30d",
                "ship_count_7d",
                "distribute_product_count",
                "on_time_ship_rate",
            )
            if getattr(self, name) is not None
        }
        if self.merchant_identity:
            performance["merchant_identity"] = self.merchant_identity
        declared = {
            "scene_value": self.scene_value,
            "publish_method": self.publish_method,
            "supplier": {
                "supplier_name": self.supplier_name,
                "source_platform_type": self.source_platform_type,
                "source_platform_name": self.source_platform_name,
            },
            "supplier_shop_performance": performance,
            "visit_url": self.visit_url,
            "product_id": self.source_product_id,
            "logistics_info": {"freight_info": self.freight_info, "logistics_template": self.logistics_template},
            "service_guarantee": self.service_guarantee,
            "delivery_time": self.delivery_time,
        }
        if self.product.brand_id:
            declared["brand"] = self.product.brand.name_zh
        return declared


# --- Per-shop settings of the platforms that are not WeChat shops ---------------------------------------------


class TencentAdsSettings(models.Model):
    """What a Tencent Ads sales-info shop needs beyond app id and secret (API reference §5, seed 003).

    The shop's app id and secret are the OAuth client id and secret; the refresh token comes from the account's
    authorisation and is stored encrypted like the app secret. Access tokens (24 h) live in the shared cache.
    """

    class StoreType(models.TextChoices):
        SHOP = "SHOP", _("Shop (门店仓)")
        WAREHOUSE = "WAREHOUSE", _("Front warehouse (前置仓)")
        EC_WAREHOUSE = "EC_WAREHOUSE", _("E-commerce warehouse (电商仓)")

    class SaleChannel(models.TextChoices):
        WECHAT_MINIPROGRAM = "WECHAT_MINIPROGRAM", _("WeChat mini program")
        WECHAT_H5 = "WECHAT_H5", _("WeChat H5")
        PC = "PC", "PC"
        APP = "APP", "APP"
        H5 = "H5", "H5"
        JD = "JD", "JD"
        VIPSHOP = "VIPSHOP", "VIPSHOP"
        PDD = "PDD", "PDD"
        OTHER = "OTHER", _("Other")

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="tencent_ads")
    account_id = models.PositiveBigIntegerField(
        _("account id"), help_text=_("The promoted account (advertiser or agency) with permission to operate.")
    )
    data_warehouse_id = models.PositiveBigIntegerField(_("data warehouse id"))
    external_store_id = models.CharField(
        _("external store id"), max_length=32, help_text=_("Your id of the store or warehouse, 1 to 32 bytes.")
    )
    store_type = models.CharField(_("store type"), max_length=16, choices=StoreType.choices, default=StoreType.SHOP)
    sale_channel_name = models.CharField(
        _("sale channel"), max_length=24, choices=SaleChannel.choices, default=SaleChannel.WECHAT_MINIPROGRAM
    )
    miniprogram_appid = models.CharField(_("mini program app id"), max_length=1024)
    landing_page_template = models.CharField(
        _("landing page template"),
        max_length=2048,
        help_text=_(
            "The mini program page of a SKU; {out_product_id} and {sku_code} are replaced, e.g. "
            "pages/product/index?id={out_product_id}&sku={sku_code}."
        ),
    )
    new_sku_days = models.PositiveSmallIntegerField(
        _("days a SKU counts as new"),
        default=0,
        help_text=_("SKUs published within this many days are reported as NEW; 0 never reports NEW."),
    )
    refresh_token_encrypted = models.TextField(_("refresh token (encrypted)"), blank=True, editable=False)
    refresh_token_expires_at = models.DateTimeField(_("refresh token expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Tencent Ads settings")
        verbose_name_plural = _("Tencent Ads settings")

    # What the payload builder reads (tencent_ads.payloads.SalesInfoSettings).
    OPTION_FIELDS = (
        "account_id",
        "data_warehouse_id",
        "external_store_id",
        "store_type",
        "sale_channel_name",
        "miniprogram_appid",
        "landing_page_template",
        "new_sku_days",
    )

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.account_id}"

    def set_refresh_token(self, token: str) -> None:
        self.refresh_token_encrypted = encrypt_secret(token) if token else ""

    def get_refresh_token(self) -> str:
        return decrypt_secret(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token_encrypted)

    def as_options(self) -> dict:
        """The account, store and landing page as plain values (``ShopConfig.options``); never the token."""
        return {name: getattr(self, name) for name in self.OPTION_FIELDS}


class OpenPlatformOptions(models.Model):
    """The publishProduct fields the catalog has no equivalent for (API reference §6, seed 004).

    One abstract set of fields, used twice: the shop's defaults (every field set) and a product's overrides
    (a blank field takes the shop's default).
    """

    class SalesWay(models.TextChoices):
        DIRECT_SELLING = "DIRECT_SELLING", _("Direct selling (直销)")
        CONSIGNMENT = "CONSIGNMENT", _("Consignment (代销)")
        DIRECT_SELLING_OR_CONSIGNMENT = "DIRECT_SELLING_OR_CONSIGNMENT", _("Direct selling or consignment")

    class SettlementWay(models.TextChoices):
        PROPORTIONAL = "PROPORTIONAL", _("Proportional (比例结算)")
        SETTLEMENT_PRICE = "SETTLEMENT_PRICE", _("Settlement price (结算价结算)")

    class DeliveryWay(models.TextChoices):
        FACTORY_DELIVERY = "FACTORY_DELIVERY", _("Factory delivery (厂家配送)")
        JD_DELIVERY = "JD_DELIVERY", _("JD delivery (京东配送)")
        THIRD_PART_DELIVERY = "THIRD_PART_DELIVERY", _("Third-party delivery (第三方配送)")

    class TimePeriodType(models.TextChoices):
        HOUR = "HOUR", _("Hours")
        DAY = "DAY", _("Days")

    class MediaType(models.TextChoices):
        MAIN_PICTURE = "MAIN_PICTURE", _("Main picture")
        CAROUSEL_PICTURE = "CAROUSEL_PICTURE", _("Carousel picture")
        VIDEO_PICTURE = "VIDEO_PICTURE", _("Video cover")
        VIDEO = "VIDEO", _("Video")

    category_id = models.PositiveBigIntegerField(_("platform category id"), null=True, blank=True)
    brand_name = models.CharField(
        _("brand name"), max_length=100, blank=True, help_text=_("Blank: the product's brand, if it has one.")
    )
    keyword = models.CharField(
        _("search keywords"), max_length=200, blank=True, help_text=_("Blank: the product's title.")
    )
    sales_way = models.CharField(_("sales way"), max_length=32, choices=SalesWay.choices, blank=True)
    settlement_way = models.CharField(_("settlement way"), max_length=32, choices=SettlementWay.choices, blank=True)
    delivery_way = models.CharField(_("delivery way"), max_length=32, choices=DeliveryWay.choices, blank=True)
    delivery_timeliness = models.PositiveIntegerField(_("delivery timeliness"), null=True, blank=True)
    time_period_type = models.CharField(_("timeliness unit"), max_length=8, choices=TimePeriodType.choices, blank=True)
    # [{"salesChannel", "displayTimeStart", "displayTimeEnd", "sevenDaysForReturn", "salesRegionList"}] (seed 004).
    sales_channels = models.JSONField(_("sales channels and regions"), null=True, blank=True)
    sale_unit = models.CharField(_("sale unit"), max_length=20, blank=True, help_text=_("e.g. 件, 箱, 盒."))
    agreement_price_percent = models.DecimalField(
        _("agreement price (percent of the sale price)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reference_price_percent = models.DecimalField(
        _("reference price (percent of the original price)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_delivery_quantity = models.PositiveIntegerField(_("minimum delivery quantity"), null=True, blank=True)
    main_media_type = models.CharField(
        _("media type of the main image"), max_length=20, choices=MediaType.choices, blank=True
    )
    extra_media_type = models.CharField(
        _("media type of the other images"), max_length=20, choices=MediaType.choices, blank=True
    )
    check_price_url = models.URLField(_("price check link"), max_length=1000, blank=True)
    check_price_attachment = models.CharField(_("price check attachment"), max_length=500, blank=True)

    class Meta:
        abstract = True

    OPTION_FIELDS = (
        "category_id",
        "brand_name",
        "keyword",
        "sales_way",
        "settlement_way",
        "delivery_way",
        "delivery_timeliness",
        "time_period_type",
        "sales_channels",
        "sale_unit",
        "agreement_price_percent",
        "reference_price_percent",
        "min_delivery_quantity",
        "main_media_type",
        "extra_media_type",
        "check_price_url",
        "check_price_attachment",
    )

    def as_options(self) -> dict:
        """The fields that are set (not blank), as plain JSON-ready values; percentages as strings."""
        options = {}
        for name in self.OPTION_FIELDS:
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                continue
            options[name] = str(value) if name.endswith("_percent") else value
        return options


class OpenPlatformSettings(OpenPlatformOptions):
    """A publishProduct shop's defaults, and whether it is a joint-operation (联营) merchant."""

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="open_platform")
    is_joint_operation = models.BooleanField(
        _("joint-operation merchant (联营)"),
        default=False,
        help_text=_("Joint-operation merchants must send price check information with every SKU."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open platform settings")
        verbose_name_plural = _("open platform settings")

    def __str__(self) -> str:
        return self.shop.name


class OpenPlatformProductOptions(OpenPlatformOptions):
    """A product's overrides of its open-platform shops' defaults."""

    product = models.OneToOneField(
        "products.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="open_platform_options",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open platform options")
        verbose_name_plural = _("open platform options")

    def __str__(self) -> str:
        return str(self.product)
