"""What ``chaos.py`` checks after the storm: convergence, then every shop against the local catalog (lost, applied
twice, stock mismatches, stuck jobs) and the jobs' figures."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

# ``workload`` is the run's ``chaos.Workload``; not imported, so chaos.py alone imports this module.
from _processes import SHOPS, Control, _sku_key, remote_skus

# Each platform's status of a listed product in the emulator's state dump.
LISTED_STATUS = {"wechat_store": 1, "channels": 5, "minishop": 5}
# Channels products in the recycle bin or deleted are not products of the shop any more.
CHANNELS_GONE = (6, 9)
UNDER_AUDIT = 2  # edit_status of a draft under audit (Channels and mini-shop)


# --- Convergence and checks -----------------------------------------------------------------------------------


def under_audit(control: Control) -> int:
    """Drafts the emulator is still auditing (Channels and mini-shop)."""
    count = 0
    for _, platform, appid, _ in SHOPS:
        section = control.state(appid).get(platform) or {}
        count += sum(1 for p in section.get("products", []) if p.get("edit_status") == UNDER_AUDIT)
    return count


def wait_for_convergence(workload: Any, control: Control, timeout: float) -> tuple[bool, float]:
    """Until no job is active, no binding is unsettled and no draft is under audit, twice in a row."""
    from channels_sync.engine.fanout import UNSETTLED_EDIT_STATUSES
    from channels_sync.models import RemoteBinding, SyncJob

    start = time.monotonic()
    quiet = 0
    while time.monotonic() - start < timeout:
        workload.list_published()  # a product a shop took late is listed too
        active = SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).exists()
        unsettled = RemoteBinding.objects.filter(remote_edit_status__in=UNSETTLED_EDIT_STATUSES).exists()
        quiet = quiet + 1 if not active and not unsettled and not under_audit(control) else 0
        if quiet >= 2:
            return True, time.monotonic() - start
        time.sleep(1.0)
    return False, time.monotonic() - start


def check(workload: Any, control: Control) -> dict[str, Any]:
    """Every shop against the catalog: lost, duplicated, stock mismatches, listing mismatches, with details."""
    from channels_sync.models import RemoteBinding, RemoteSkuStock
    from products.models import Sku

    figures = {"lost": 0, "duplicated": 0, "stock_mismatches": 0, "listing_mismatches": 0}
    details: list[dict] = []
    per_shop = {}
    for label, platform, appid, _ in SHOPS:
        shop = next(s for s in workload.shops.values() if s.app_id == appid)
        products = control.state(appid)[platform]["products"]
        remote = {
            str(p["product_id"]): p
            for p in products
            if not (platform == "channels" and p.get("status") in CHANNELS_GONE)
        }
        bound = dict(
            RemoteBinding.objects.filter(content_type=workload.product_type, shop=shop, is_deleted=False)
            .exclude(remote_id="")
            .values_list("object_id", "remote_id")
        )
        keys = dict(RemoteSkuStock.objects.filter(shop=shop).values_list("sku_id", "remote_sku_key"))
        counts = Counter()
        for product_id in workload.targets[shop.pk]:
            product = workload.products[product_id]
            remote_id = bound.get(product_id)
            if remote_id is None or remote_id not in remote:
                counts["lost"] += 1
                details.append({"shop": label, "product": product.out_product_id, "problem": "not in the shop"})
                continue
            state = remote[remote_id]
            skus = remote_skus(platform, state)
            for sku in Sku.objects.filter(product_id=product_id).order_by("position"):
                key = _sku_key(platform, keys.get(sku.pk) or sku.spec_key)
                held = skus.get(key)
                if held is None or held["stock"] != sku.stock:
                    counts["stock_mismatches"] += 1
                    details.append(
                        {
                            "shop": label,
                            "product": product.out_product_id,
                            "sku": sku.out_sku_id or sku.spec_key or "-",
                            "problem": "stock",
                            "local": sku.stock,
                            "remote": None if held is None else held["stock"],
                        }
                    )
                if held is not None and held["price"] != sku.price:
                    counts["lost"] += 1
                    details.append(
                        {
                            "shop": label,
                            "product": product.out_product_id,
                            "sku": sku.out_sku_id or sku.spec_key or "-",
                            "problem": "price edit not in the shop",
                            "local": sku.price,
                            "remote": held["price"],
                        }
                    )
            wanted = workload.listed.get((shop.pk, product_id))
            is_listed = state.get("status") == LISTED_STATUS[platform]
            if wanted is not None and wanted != is_listed:
                counts["listing_mismatches"] += 1
                details.append(
                    {
                        "shop": label,
                        "product": product.out_product_id,
                        "problem": "listing",
                        "wanted_listed": wanted,
                        "remote_status": state.get("status"),
                    }
                )
        orphans = sorted(set(remote) - set(bound.values()))
        counts["duplicated"] += len(orphans)
        for remote_id in orphans:
            details.append({"shop": label, "remote_id": remote_id, "problem": "held by the shop, bound to nothing"})
        for name in figures:
            figures[name] += counts[name]
        per_shop[label] = {"remote_products": len(remote), "bound": len(bound), **{n: counts[n] for n in figures}}
    return {**figures, "per_shop": per_shop, "details": details}


def job_figures() -> dict[str, Any]:
    from django.db.models import Count

    from channels_sync.models import SyncAttempt, SyncJob

    by_kind: dict[str, dict[str, int]] = {}
    for kind, state, n in SyncJob.objects.values_list("kind", "state").annotate(n=Count("pk")).order_by("kind"):
        by_kind.setdefault(kind, {})[state] = n
    states = Counter()
    for kinds in by_kind.values():
        states.update(kinds)
    attempts = SyncAttempt.objects.count()
    errors = dict(
        SyncAttempt.objects.exclude(error_class="")
        .values_list("error_class")
        .annotate(n=Count("pk"))
        .order_by("error_class")
    )
    failed = list(
        SyncJob.objects.filter(state=SyncJob.State.FAILED).values(
            "pk", "kind", "target_label", "shop__name", "attempts", "last_errcode", "last_errmsg"
        )
    )
    stuck = list(
        SyncJob.objects.filter(state__in=SyncJob.ACTIVE_STATES).values(
            "pk", "kind", "target_label", "shop__name", "state", "attempts", "last_errcode", "last_errmsg"
        )
    )
    retried = SyncJob.objects.filter(attempts__gt=1).count()
    return {
        "jobs": sum(states.values()),
        "states": dict(states),
        "by_kind": by_kind,
        "http_calls": attempts,
        "call_errors_by_class": errors,
        "jobs_with_retries": retried,
        "failed": failed,
        "stuck": stuck,
    }
