"""What the engine knows of each object in each shop: ``RemoteBinding`` reads and writes, and the product that
went missing in a shop (kept visible, never silently re-created)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from products.models import Product

from ..models import REMOTE_STATUS_MISSING, BindingStatusChange, RemoteBinding, RemoteSkuStock, SyncJob
from ..platforms.adapter import BindingState
from ..platforms.errors import RemoteMissingError
from .context import JobContext, JobFailed

logger = logging.getLogger("channels_sync.jobs")


def binding_for(shop, target) -> RemoteBinding:
    content_type = ContentType.objects.get_for_model(target)
    binding, _ = RemoteBinding.objects.get_or_create(shop=shop, content_type=content_type, object_id=target.pk)
    return binding


def binding_get(shop, model, object_id: int) -> RemoteBinding | None:
    content_type = ContentType.objects.get_for_model(model)
    return RemoteBinding.objects.filter(shop=shop, content_type=content_type, object_id=object_id).first()


def bindings_get(shop, targets) -> dict[tuple[type, int], RemoteBinding]:
    """The bindings of several objects in ``shop`` in one query: ``(model, object id)`` -> binding, for the
    objects of ``targets`` (pairs of model and object id) that have one."""
    targets = list(targets)
    if not targets:
        return {}
    types = {model: ContentType.objects.get_for_model(model) for model, _ in targets}
    wanted = Q()
    for model, object_id in targets:
        wanted |= Q(content_type=types[model], object_id=object_id)
    models = {content_type.pk: model for model, content_type in types.items()}
    return {
        (models[row.content_type_id], row.object_id): row for row in RemoteBinding.objects.filter(wanted, shop=shop)
    }


def remote_ids(shop, model, object_ids) -> dict[int, str]:
    """Local id -> remote id of the objects of ``model`` bound in ``shop``."""
    content_type = ContentType.objects.get_for_model(model)
    rows = RemoteBinding.objects.filter(
        shop=shop, content_type=content_type, object_id__in=list(object_ids), is_deleted=False
    ).exclude(remote_id="")
    return {row.object_id: row.remote_id for row in rows}


def remote_product_map(shop, remote_product_ids) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(Product)
    rows = RemoteBinding.objects.filter(shop=shop, content_type=content_type, remote_id__in=list(remote_product_ids))
    return {row.remote_id: row.object_id for row in rows}


def binding_record_success(binding: RemoteBinding, **fields) -> None:
    fields.setdefault("last_synced_at", timezone.now())
    fields.update(last_errcode=None, last_errmsg="", last_error_at=None)
    _record_status_change(binding, fields)
    RemoteBinding.objects.filter(pk=binding.pk).update(**fields)
    for name, value in fields.items():
        setattr(binding, name, value)


def _record_status_change(binding: RemoteBinding, fields: dict) -> None:
    """A row of the product's timeline when what the shop says of the binding changes: its status or its draft's
    (audit passed, rejected with its reason); nothing when a read finds them as they were."""
    status = fields.get("remote_status", binding.remote_status)
    edit_status = fields.get("remote_edit_status", binding.remote_edit_status)
    if (status, edit_status) == (binding.remote_status, binding.remote_edit_status):
        return
    BindingStatusChange.objects.create(
        binding=binding,
        status_before=binding.remote_status,
        status=status,
        edit_status_before=binding.remote_edit_status,
        edit_status=edit_status,
        reason=fields.get("remote_reason", binding.remote_reason) or "",
        at=fields["last_synced_at"],
    )


class ProductMissingInShop(JobFailed):
    """The bound product no longer exists in the shop (deleted there, or lost by it). The binding shows it as
    missing; only the merchant's "re-create in this shop" makes a new one (never a silent re-create)."""

    def __init__(self, binding: RemoteBinding, errcode: int | None = None, answer: str = "") -> None:
        self.errcode = errcode
        self.errmsg = _(
            "The product no longer exists in this shop (remote id %(remote_id)s)%(answer)s. To publish it there "
            "again, use “Re-create in this shop” on the product page."
        ) % {"remote_id": binding.remote_id, "answer": f": {answer}" if answer else ""}
        super().__init__(self.errmsg)


def product_missing_in_shop(
    binding: RemoteBinding, errcode: int | None = None, errmsg: str = ""
) -> ProductMissingInShop:
    """Mark the binding as missing remotely (its remote id kept, to show which product was lost) and return the
    failure to raise, with the shop's errcode and errmsg. Statuses read from the lost product no longer apply;
    stock baselines stay until it is re-created."""
    binding_record_success(
        binding,
        remote_status=REMOTE_STATUS_MISSING,
        remote_edit_status="",
        remote_reason="",
        remote_read_at=timezone.now(),
    )
    logger.info("sync.product.missing_remotely", extra={"shop_id": binding.shop_id, "binding_id": binding.pk})
    return ProductMissingInShop(binding, errcode, errmsg)


def detects_missing_product(handler: Callable[..., dict]) -> Callable[..., dict]:
    """A product job whose call the shop answers "this product does not exist" marks the product's binding as
    missing and fails with a clear message, whichever call of the flow it was (update, listing, stock, reads).

    Only an answer about the bound product counts: a missing freight template, group or other product, or a
    product not bound yet, fails the job as the rejection it is.
    """

    @functools.wraps(handler)
    def wrapped(ctx: JobContext, **options) -> dict:
        try:
            return handler(ctx, **options)
        except RemoteMissingError as error:
            binding = binding_get(ctx.shop, Product, ctx.job.target_id)
            if (
                error.kind != "product"
                or binding is None
                or not binding.is_bound
                or (error.remote_id and error.remote_id != binding.remote_id)
            ):
                raise
            raise product_missing_in_shop(binding, error.errcode, error.errmsg) from error

    return wrapped


def record_job_failure_on_target(job: SyncJob, errcode: int | None, errmsg: str) -> None:
    """Show a terminal failure on the object it concerns (the product, template, group or shelf)."""
    if job.target_type_id is None or job.target_id is None:
        return
    RemoteBinding.objects.update_or_create(
        shop_id=job.shop_id,
        content_type_id=job.target_type_id,
        object_id=job.target_id,
        defaults={"last_errcode": errcode, "last_errmsg": errmsg[:2000], "last_error_at": timezone.now()},
    )


def binding_forget_remote(binding: RemoteBinding) -> None:
    """Unbind a product from a remote product that is gone: no remote id, hash, read copies or listing, and no
    stock baselines of its SKUs in the shop (the next create sets them to what it sends)."""
    with transaction.atomic():
        RemoteSkuStock.objects.filter(shop_id=binding.shop_id, sku__product_id=binding.object_id).delete()
        RemoteBinding.objects.filter(pk=binding.pk).update(
            remote_id="",
            remote_status="",
            remote_edit_status="",
            remote_reason="",
            remote_draft=None,
            remote_online=None,
            remote_read_at=None,
            listed_once=False,
            last_pushed_hash="",
            last_pushed_payload=None,
            is_deleted=False,
            updated_at=timezone.now(),
        )
    binding.refresh_from_db()


def binding_store_remote(binding: RemoteBinding, remote) -> None:
    """Keep what the shop said of the product: statuses, audit reason, draft and online copies. A shop that says
    the product does not exist makes it missing (:func:`product_missing_in_shop`), and the job fails."""
    if not remote.exists:
        raise product_missing_in_shop(binding, remote.missing_errcode, remote.missing_errmsg)
    status = remote_status_word(remote)
    if not status and binding.remote_status != REMOTE_STATUS_MISSING:
        # An answer that tells no status (V1.17's get has none) leaves the one the engine recorded (the listing it
        # made) rather than forgetting it; a product reported missing and found again is unknown until a listing.
        status = binding.remote_status
    fields = {
        "remote_status": status,
        "remote_edit_status": remote.edit_status,
        "remote_reason": remote.reason,
        "remote_draft": dict(remote.draft) if remote.draft is not None else None,
        "remote_online": dict(remote.online) if remote.online is not None else None,
        "remote_read_at": timezone.now(),
    }
    if remote.listed:
        fields["listed_once"] = True
    binding_record_success(binding, **fields)


def binding_state(binding: RemoteBinding) -> BindingState:
    return BindingState(
        remote_id=binding.remote_id,
        listed_once=binding.listed_once,
        last_pushed_payload=binding.last_pushed_payload,
        remote_status=binding.remote_status,
        first_published_at=binding.created_at,
    )


def remote_status_word(remote) -> str:
    """The adapter's own status word when it gives one, else listed/delisted."""
    if not remote.exists:
        return REMOTE_STATUS_MISSING
    if remote.status or remote.listed is None:
        return remote.status
    return "listed" if remote.listed else "delisted"
