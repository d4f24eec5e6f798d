"""Encrypted pushes (安全模式, sandbox README "Encrypted pushes"): a shop with an EncodingAESKey takes only
encrypted pushes, decrypts them (``push_crypto``, with ``cryptography``) and checks ``msg_signature`` and the appid
at the end of the plaintext; a forged, foreign or plain push is refused with no row written. The pushes are made
by the emulator's own stdlib AES (``sandbox.core.secure_push``), so each side checks the other. The key is typed
in the shop form, stored encrypted and never shown back."""

import json
import time

import pytest
from django.urls import reverse

from channels_sync.engine import outbox
from channels_sync.models import PushEvent, Shop, SyncJob
from channels_sync.pushes import push_signature
from sandbox.core.secure_push import encrypt_message, msg_signature
from tests import factories

pytestmark = pytest.mark.django_db

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OTHER_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg"
TOKEN = "tok"
EVENT = {
    "ToUserName": "gh_1",
    "FromUserName": "oWxTeam",
    "CreateTime": 1700000000,
    "MsgType": "event",
    "Event": "channels_ec_order_pay",
    "order_info": {"order_id": "3705115058471208928", "pay_time": 1700000000},
}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def shop():
    shop = factories.shop(name="视频号小店", platform="channels", app_id="wx_c", push_token=TOKEN)
    shop.set_push_aes_key(AES_KEY)
    shop.save()
    return shop


def push(client, shop, *, key=AES_KEY, appid="wx_c", signature_token=TOKEN, encrypt_type="aes", body=None):
    timestamp, nonce = str(int(time.time())), "1234567890"
    encrypt = encrypt_message(key, appid, json.dumps(EVENT).encode(), b"0123456789abcdef")
    query = {
        "signature": push_signature(TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "encrypt_type": encrypt_type,
        "msg_signature": msg_signature(signature_token, timestamp, nonce, encrypt),
    }
    url = reverse("channels_sync:push", args=[shop.pk]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    payload = body if body is not None else json.dumps({"ToUserName": "gh_1", "Encrypt": encrypt})
    return client.post(url, payload, content_type="application/json")


def test_an_encrypted_event_is_decrypted_and_queues_the_pull_of_its_order(client, shop):
    response = push(client, shop)

    assert (response.status_code, response.content) == (200, b"success")
    assert [job.params for job in SyncJob.objects.filter(kind=SyncJob.Kind.ORDER_PULL_ONE)] == [
        {"remote_order_id": "3705115058471208928"}
    ]
    stored = PushEvent.objects.get()
    assert (stored.event, json.loads(stored.body)) == ("channels_ec_order_pay", EVENT)


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"signature_token": "forged"}, 403, b"invalid msg_signature"),
        ({"appid": "wx_other"}, 403, b"wrong appid"),
        ({"key": OTHER_KEY}, 403, b"cannot decrypt"),
        ({"encrypt_type": "raw", "body": json.dumps(EVENT)}, 403, b"plain push in secure mode"),
        ({"body": json.dumps({"ToUserName": "gh_1"})}, 400, b"invalid Encrypt"),
    ],
)
def test_a_forged_foreign_or_plain_push_is_refused_with_no_effect(client, shop, fields, status, reason):
    response = push(client, shop, **fields)

    assert (response.status_code, response.content) == (status, reason)
    assert PushEvent.objects.count() == 0
    assert SyncJob.objects.count() == 0


def test_an_encrypted_push_to_a_shop_without_a_key_is_refused(client, shop):
    shop.set_push_aes_key("")
    shop.save()

    response = push(client, shop)

    assert (response.status_code, response.content) == (403, b"encrypted push, no EncodingAESKey configured")
    assert PushEvent.objects.count() == 0


def shop_data(**fields):
    data = {
        "name": "视频号小店",
        "platform": "channels",
        "app_id": "wx_c",
        "app_secret": "",
        "base_url": "http://127.0.0.1:1",
        "push_token": TOKEN,
        "is_enabled": "on",
    }
    return {**data, **fields}


def test_the_key_is_stored_encrypted_and_never_shown_back(admin_client, shop):
    url = reverse("admin:channels_sync_shop_change", args=[shop.pk])

    saved = admin_client.post(url, shop_data(push_aes_key=OTHER_KEY))
    page = admin_client.get(url).content.decode()

    assert saved.status_code == 302
    stored = Shop.objects.get(pk=shop.pk)
    assert stored.get_push_aes_key() == OTHER_KEY
    assert OTHER_KEY not in stored.push_aes_key_encrypted
    assert OTHER_KEY not in page
    assert stored.push_aes_key_encrypted not in page


def test_left_empty_the_key_stays_and_plain_pushes_forget_it(admin_client, shop):
    url = reverse("admin:channels_sync_shop_change", args=[shop.pk])

    admin_client.post(url, shop_data())
    kept = Shop.objects.get(pk=shop.pk).get_push_aes_key()
    admin_client.post(url, shop_data(plain_pushes="on"))

    assert kept == AES_KEY
    assert Shop.objects.get(pk=shop.pk).get_push_aes_key() == ""


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "An EncodingAESKey is 43 letters and digits."), ("zh-hans", "消息加解密密钥应为 43 位字母和数字。")],
)
def test_a_malformed_key_is_a_field_error(admin_client, shop, language, message):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url = reverse("admin:channels_sync_shop_change", args=[shop.pk])

    response = admin_client.post(url, shop_data(push_aes_key="too-short"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"push_aes_key": [message]}
    assert Shop.objects.get(pk=shop.pk).get_push_aes_key() == AES_KEY
