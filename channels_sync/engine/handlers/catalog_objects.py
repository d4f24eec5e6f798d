"""Freight templates, product groups and shelves: pushed when changed (by a hash of what is sent), deleted."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from products.models import FreightTemplate, Product, ProductGroup, Shelf
from products.selectors import freight_template_snapshot, group_snapshot, shelf_snapshot

from ...models import (
    SyncJob,
    payload_hash,
)
from ...platforms.adapter import send_with_image_healing
from ...platforms.errors import RejectedError
from ..bindings import (
    binding_for,
    binding_get,
    binding_record_success,
    remote_ids,
)
from ..context import JobContext, JobFailed
from ..images import PayloadImages
from ..registry import handles

logger = logging.getLogger("channels_sync.jobs")


@handles(SyncJob.Kind.FREIGHT_PUSH)
def handle_freight_push(ctx: JobContext) -> dict:
    template = FreightTemplate.objects.filter(pk=ctx.job.target_id).first()
    if template is None:
        return {"skipped": "template deleted"}
    snapshot = freight_template_snapshot(template_id=template.pk)
    binding = binding_for(ctx.shop, template)
    digest = payload_hash({"snapshot": repr(snapshot)})
    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        ctx.adapter.freight_update(remote_id=binding.remote_id, snapshot=snapshot)
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = None
    if ctx.job.outcome_unknown:
        remote_id = _find_by_name(ctx.adapter.freight_list(), snapshot.name)
    if remote_id is None:
        remote_id = ctx.adapter.freight_create(snapshot=snapshot)
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True}


def _find_by_name(items: list[dict], name: str) -> str | None:
    for item in items:
        if item.get("name") == name:
            return str(item["remote_id"])
    return None


def _handle_delete(ctx: JobContext, model, delete) -> dict:
    binding = binding_get(ctx.shop, model, ctx.job.target_id)
    if binding is None or not binding.is_bound:
        return {"skipped": "not pushed"}
    try:
        delete(remote_id=binding.remote_id)
    except RejectedError:
        if not ctx.job.outcome_unknown:
            raise
    binding_record_success(binding, is_deleted=True, last_pushed_hash="")
    return {"remote_id": binding.remote_id, "deleted": True}


@handles(SyncJob.Kind.FREIGHT_DELETE)
def handle_freight_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, FreightTemplate, ctx.adapter.freight_delete)


@handles(SyncJob.Kind.GROUP_PUSH)
def handle_group_push(ctx: JobContext) -> dict:
    group = ProductGroup.objects.filter(pk=ctx.job.target_id).first()
    if group is None:
        return {"skipped": "group deleted"}
    snapshot = group_snapshot(group_id=group.pk)
    product_remote_ids = remote_ids(ctx.shop, Product, snapshot.product_ids)
    binding = binding_for(ctx.shop, group)
    digest = payload_hash({"name": snapshot.name, "products": sorted(product_remote_ids.values())})
    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        ctx.adapter.group_update(remote_id=binding.remote_id, snapshot=snapshot, product_remote_ids=product_remote_ids)
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = _find_by_name(ctx.adapter.group_list(), snapshot.name) if ctx.job.outcome_unknown else None
    if remote_id is None:
        remote_id = ctx.adapter.group_create(snapshot=snapshot, product_remote_ids=product_remote_ids)
    else:
        ctx.adapter.group_update(remote_id=remote_id, snapshot=snapshot, product_remote_ids=product_remote_ids)
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True, "products": len(product_remote_ids)}


@handles(SyncJob.Kind.GROUP_DELETE)
def handle_group_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, ProductGroup, ctx.adapter.group_delete)


@handles(SyncJob.Kind.SHELF_PUSH)
def handle_shelf_push(ctx: JobContext) -> dict:
    shelf = Shelf.objects.filter(pk=ctx.job.target_id).first()
    if shelf is None:
        return {"skipped": "shelf deleted"}
    snapshot = shelf_snapshot(shelf_id=shelf.pk)
    group_remote_ids = remote_ids(ctx.shop, ProductGroup, snapshot.group_ids())
    missing = [g for g in snapshot.group_ids() if g not in group_remote_ids]
    if missing:
        # Every missing group is queued at once (they run side by side); the shelf waits for the last, and when
        # it runs again waits for any still missing.
        groups = list(ProductGroup.objects.filter(pk__in=missing).order_by("pk"))
        if not groups:
            raise JobFailed(_("The shelf's groups changed while it was being pushed: push it again."))
        for group in groups[:-1]:
            ctx.enqueue(kind=SyncJob.Kind.GROUP_PUSH, target=group)
        raise ctx.wait_for(
            _("Waiting for the shelf's groups to be pushed."), kind=SyncJob.Kind.GROUP_PUSH, target=groups[-1]
        )
    images = PayloadImages(ctx, snapshot.all_image_asset_ids())
    binding = binding_for(ctx.shop, shelf)
    digest = payload_hash({"snapshot": repr(snapshot), "groups": group_remote_ids})

    def kwargs():
        # Read at each send: an image the shop refused is uploaded again before the second one.
        return {"snapshot": snapshot, "group_remote_ids": group_remote_ids, "image_urls": images.urls}

    if binding.is_bound:
        if binding.last_pushed_hash == digest:
            return {"remote_id": binding.remote_id, "unchanged": True}
        send_with_image_healing(images, lambda: ctx.adapter.shelf_update(remote_id=binding.remote_id, **kwargs()))
        binding_record_success(binding, last_pushed_hash=digest)
        return {"remote_id": binding.remote_id, "updated": True}
    remote_id = _find_by_name(ctx.adapter.shelf_list(), snapshot.name) if ctx.job.outcome_unknown else None
    if remote_id is None:
        remote_id = send_with_image_healing(images, lambda: ctx.adapter.shelf_create(**kwargs()))
    else:
        found = remote_id
        send_with_image_healing(images, lambda: ctx.adapter.shelf_update(remote_id=found, **kwargs()))
    binding_record_success(binding, remote_id=str(remote_id), is_deleted=False, last_pushed_hash=digest)
    return {"remote_id": str(remote_id), "created": True}


@handles(SyncJob.Kind.SHELF_DELETE)
def handle_shelf_delete(ctx: JobContext) -> dict:
    return _handle_delete(ctx, Shelf, ctx.adapter.shelf_delete)
