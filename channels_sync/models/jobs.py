"""The outbox: every remote change is first a ``SyncJob`` row written in the same transaction as the catalog
change; workers claim jobs with a conditional UPDATE and record each HTTP call as a ``SyncAttempt`` (design §4).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .shops import Shop


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
        AFTERSALE_ACCEPT = "aftersale_accept", _("Accept after-sale")
        AFTERSALE_REJECT = "aftersale_reject", _("Reject after-sale")
        CATALOG_PREVIEW = "catalog_preview", _("Read the shop's products for an import")
        CATALOG_IMPORT = "catalog_import", _("Import the shop's products")

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
        # Never the lock key (engine bookkeeping): a job without a label is named by its number.
        return f"{self.get_kind_display()} · {self.target_label or f'#{self.pk}'} @ {self.shop.name}"


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
