"""Event pushes from the platforms (webhooks).

WeChat signs each push with the shop's push token: ``signature = sha1(sorted([token, timestamp, nonce]))`` in
the query string. A push is accepted once: a forged signature, a timestamp outside the window or a repeated
(nonce, timestamp) is refused. Its body is checked in full (``channels_sync.pushes``) before anything is
written, so a refused push leaves no row behind. An accepted event only queues work; the order itself is read
from the API.
"""

import logging
import time

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from products.models import Product

from .engine.outbox import sync_job_enqueue
from .engine.params import OrderPullOneParams
from .models import PushEvent, RemoteBinding, Shop, SyncJob
from .push_crypto import decrypted_push, is_encrypted
from .pushes import (
    PushMessage,
    PushRefused,
    body_text,
    push_fields,
    push_message,
    push_signature,
    read_body,
    signed_query,
)

__all__ = ["platform_push", "push_signature"]

logger = logging.getLogger("channels_sync.push")

MAX_CLOCK_SKEW_SECONDS = 300


def _dispatch(shop: Shop, message: PushMessage) -> None:
    """Queue what the event asks for; the details are read from the API, never trusted from the push."""
    if message.order_id:
        sync_job_enqueue(
            shop=shop,
            kind=SyncJob.Kind.ORDER_PULL_ONE,
            params=OrderPullOneParams(remote_order_id=message.order_id),
            lock_key=f"order:{message.order_id}",
        )
    elif message.product_id:
        product_binding = _product_binding(shop, message.product_id)
        if product_binding is not None:
            sync_job_enqueue(
                shop=shop,
                kind=SyncJob.Kind.PRODUCT_REFRESH,
                target=product_binding.target,
                lock_key=f"products.product:{product_binding.object_id}:refresh",
            )


def _product_binding(shop: Shop, remote_id: str) -> RemoteBinding | None:
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
    try:
        signed = signed_query(request.GET, shop.push_token)
    except PushRefused as refused:
        logger.warning("push.refused.signature", extra={"shop_id": shop.pk})
        return _refusal(refused)
    if abs(time.time() - signed.timestamp) > MAX_CLOCK_SKEW_SECONDS:
        logger.warning("push.refused.stale", extra={"shop_id": shop.pk, "timestamp": signed.timestamp})
        return HttpResponse("stale timestamp", status=403, content_type="text/plain")
    if request.method == "GET":
        # The platform's URL check: echo back echostr.
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
    try:
        text = _plain_text(shop, request, body_text(read_body(request)))
        message = push_message(push_fields(text))
    except PushRefused as refused:
        logger.warning("push.refused.body", extra={"shop_id": shop.pk, "refusal": refused.reason})
        return _refusal(refused)
    try:
        with transaction.atomic():
            PushEvent.objects.create(
                shop=shop, nonce=signed.nonce, timestamp=signed.timestamp, event=message.event, body=text
            )
            _dispatch(shop, message)
    except IntegrityError:
        logger.warning("push.refused.replay", extra={"shop_id": shop.pk})
        return HttpResponse("replayed push", status=403, content_type="text/plain")
    logger.info("push.accepted", extra={"shop_id": shop.pk, "push_event": message.event})
    return HttpResponse("success", content_type="text/plain")


def _plain_text(shop: Shop, request: HttpRequest, text: str) -> str:
    """The push as plain text. A shop with an EncodingAESKey is in the secure mode (安全模式): only encrypted pushes
    come, so a plain one is refused; a shop without one takes plain pushes only (it cannot read the others)."""
    key = shop.get_push_aes_key()
    if not key:
        if is_encrypted(request.GET):
            raise PushRefused(403, "encrypted push, no EncodingAESKey configured")
        return text
    if not is_encrypted(request.GET):
        raise PushRefused(403, "plain push in secure mode")
    fields = push_fields(text)
    return decrypted_push(fields, request.GET, token=shop.push_token, encoding_aes_key=key, appid=shop.app_id)


def _refusal(refused: PushRefused) -> HttpResponse:
    return HttpResponse(refused.reason, status=refused.status, content_type="text/plain")
