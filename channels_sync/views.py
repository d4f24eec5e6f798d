"""Event pushes from the platforms (webhooks).

WeChat signs each push with the shop's push token: ``signature = sha1(sorted([token, timestamp, nonce]))`` in
the query string. A push is accepted once: a forged signature, a timestamp outside the window or a repeated
(nonce, timestamp) is refused. An accepted event only queues work; the order itself is read from the API.
"""

import hashlib
import hmac
import json
import logging
import time
import xml.etree.ElementTree as ElementTree

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from products.models import Product

from .models import PushEvent, RemoteBinding, Shop, SyncJob
from .services import sync_job_enqueue

logger = logging.getLogger("channels_sync.push")

MAX_CLOCK_SKEW_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024


def push_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324  (WeChat's scheme)


def _signature_valid(shop: Shop, request: HttpRequest) -> bool:
    timestamp = request.GET.get("timestamp", "")
    nonce = request.GET.get("nonce", "")
    signature = request.GET.get("signature", "")
    if not (shop.push_token and timestamp.isdigit() and nonce and signature):
        return False
    return hmac.compare_digest(push_signature(shop.push_token, timestamp, nonce), signature)


def _push_fields(body: bytes) -> dict:
    """The event's fields: WeChat pushes XML (V1.17) or JSON (the Channels store, when so configured)."""
    text = body.strip()
    if text.startswith(b"{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError("malformed JSON") from error
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    try:
        return {child.tag: (child.text or "") for child in ElementTree.fromstring(body)}
    except ElementTree.ParseError as error:
        raise ValueError("malformed XML") from error


# Channels store product events (API reference §3.1): the key holding their details.
PRODUCT_EVENTS = {
    "product_spu_audit": "ProductSpuAudit",
    "product_spu_listing": "ProductSpuListing",
    "product_spu_update": "ProductSpuUpdate",
}


def _dispatch(shop: Shop, event: str, fields: dict) -> None:
    """Queue what the event asks for; the details are read from the API, never trusted from the push."""
    if event == "merchant_order" and fields.get("OrderId"):
        order_id = str(fields["OrderId"])
        sync_job_enqueue(
            shop=shop,
            kind=SyncJob.Kind.ORDER_PULL_ONE,
            params={"remote_order_id": order_id},
            lock_key=f"order:{order_id}",
        )
    elif event in PRODUCT_EVENTS:
        details = fields.get(PRODUCT_EVENTS[event]) or fields
        remote_id = str(details.get("product_id") or "") if isinstance(details, dict) else ""
        product_binding = _product_binding(shop, remote_id)
        if product_binding is not None:
            sync_job_enqueue(
                shop=shop,
                kind=SyncJob.Kind.PRODUCT_REFRESH,
                target=product_binding.target,
                lock_key=f"products.product:{product_binding.object_id}:refresh",
            )


def _product_binding(shop: Shop, remote_id: str) -> RemoteBinding | None:
    if not remote_id:
        return None
    return (
        RemoteBinding.objects.filter(
            shop=shop, content_type=ContentType.objects.get_for_model(Product), remote_id=remote_id
        )
        .select_related("content_type")
        .first()
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def platform_push(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = get_object_or_404(Shop, pk=shop_id, is_enabled=True)
    if not _signature_valid(shop, request):
        logger.warning("push.refused.signature", extra={"shop_id": shop.pk})
        return HttpResponseForbidden("invalid signature")
    timestamp = int(request.GET["timestamp"])
    if abs(time.time() - timestamp) > MAX_CLOCK_SKEW_SECONDS:
        logger.warning("push.refused.stale", extra={"shop_id": shop.pk, "timestamp": timestamp})
        return HttpResponseForbidden("stale timestamp")
    if request.method == "GET":
        # The platform's URL check: echo back echostr.
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
    if len(request.body) > MAX_BODY_BYTES:
        return HttpResponseBadRequest("body too large")
    try:
        fields = _push_fields(request.body)
    except ValueError:
        return HttpResponseBadRequest("malformed body")
    event = str(fields.get("Event", ""))
    try:
        with transaction.atomic():
            PushEvent.objects.create(
                shop=shop,
                nonce=request.GET["nonce"][:64],
                timestamp=timestamp,
                event=event[:64],
                body=request.body.decode("utf-8", "replace")[:MAX_BODY_BYTES],
            )
            _dispatch(shop, event, fields)
    except IntegrityError:
        logger.warning("push.refused.replay", extra={"shop_id": shop.pk})
        return HttpResponseForbidden("replayed push")
    logger.info("push.accepted", extra={"shop_id": shop.pk, "push_event": event})
    return HttpResponse("success", content_type="text/plain")
