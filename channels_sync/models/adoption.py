"""Adopting a shop's existing products (issue 13): an import's preview and its rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from products.models import Product

from .shops import Shop


class CatalogImport(models.Model):
    """Adopting a shop's existing products (issue 13): a preview read from the shop, then the import of the rows
    as the merchant chose. Both run as jobs of the shop with this row as their target."""

    class State(models.TextChoices):
        READING = "reading", _("Reading the shop's products")
        PREVIEWED = "previewed", _("Preview ready")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="catalog_imports")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.READING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.shop.name} · {self.get_state_display()} · #{self.pk}"


class CatalogImportRow(models.Model):
    """One remote product of an import: what the matching decided, what the merchant chose, what was done."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create a new product")
        BIND = "bind", _("Bind to an existing product")
        CONFLICT = "conflict", _("Conflict")

    class Choice(models.TextChoices):
        CREATE = "create", _("Create a new product")
        BIND = "bind", _("Bind to the chosen product")
        SKIP = "skip", _("Skip")

    class Result(models.TextChoices):
        PENDING = "", _("Not imported yet")
        CREATED = "created", _("Created")
        BOUND = "bound", _("Bound")
        UNCHANGED = "unchanged", _("Already bound, unchanged")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    catalog_import = models.ForeignKey(
        CatalogImport, verbose_name=_("product import"), on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveIntegerField(_("position"))
    remote_id = models.CharField(_("remote id"), max_length=128)
    title = models.CharField(_("title"), max_length=200, blank=True)
    action = models.CharField(_("proposal"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("conflict reason"), max_length=40, blank=True)
    matched_product = models.ForeignKey(
        Product, verbose_name=_("matched product"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [{"id": local product id, "matched_by": [...]}]: the products the merchant may bind the row to.
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    remote = models.JSONField(_("remote product"), default=dict)
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True)
    chosen_product = models.ForeignKey(
        Product, verbose_name=_("bind to"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    product = models.ForeignKey(
        Product, verbose_name=_("local product"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # [{"path", "remote", "local"}]: what a publish of the bound product would change in the shop.
    differences = models.JSONField(_("differences"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("product import row")
        verbose_name_plural = _("product import rows")
        ordering = ["catalog_import", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalog_import", "remote_id"], name="catalog_import_row_unique_remote"),
        ]

    def __str__(self) -> str:
        return f"{self.remote_id} · {self.title}"
