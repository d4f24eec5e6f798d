"""Bad input to the event push endpoint: every refusal is a 4xx with a short plain reason, and leaves no
PushEvent and no SyncJob behind."""

import io
import json
import time
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from channels_sync.engine import outbox
from channels_sync.models import PushEvent, RemoteBinding, Shop, SyncJob
from channels_sync.pushes import MAX_BODY_BYTES, push_signature
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

ORDER_XML = (
    b"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oBuyer]]></FromUserName>"
    b"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
    b"<Event><![CDATA[merchant_order]]></Event><OrderId><![CDATA[7197417460812584720]]></OrderId>"
    b"<OrderStatus>2</OrderStatus></xml>"
)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture
def shop(db):
    return Shop.objects.create(
        name="演示店", platform="wechat_store", app_id="wx_demo", base_url="http://127.0.0.1:8765", push_token="tok"
    )


@pytest.fixture
def bound_product(shop):
    product = factories.product()
    RemoteBinding.objects.create(
        shop=shop, content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, remote_id="10000123"
    )
    return product


def push_url(shop, *, token="tok", timestamp=None, nonce="n1", signature=None) -> str:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = push_signature(token, timestamp, nonce) if signature is None else signature
    query = urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce})
    return reverse("channels_sync:push", args=[shop.pk]) + "?" + query


def post(client, url, body: bytes, content_type="application/json", **extra):
    return client.post(url, body, content_type=content_type, **extra)


def json_body(fields) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def assert_refused(response, status: int, reason: str) -> None:
    assert (response.status_code, response.content.decode()) == (status, reason)
    assert response["Content-Type"] == "text/plain"
    assert not PushEvent.objects.exists()
    assert not SyncJob.objects.exists()


class ExplodingStream(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readinto = readline = read


# --- Body size: refused from Content-Length, before reading --------------------------------------------------


def test_a_push_nesting_json_20000_levels_deep_is_refused_before_parsing(client, shop):
    body = ('{"Event": "merchant_order", "Details": ' + "[" * 20000 + "]" * 20000 + "}").encode()

    response = post(client, push_url(shop), body)

    assert_refused(response, 400, "body nested too deeply")


def test_json_nested_to_the_limit_is_accepted(client, shop):
    body = ('{"Event": "other", "Details": ' + "[" * 15 + "]" * 15 + "}").encode()

    response = post(client, push_url(shop), body)

    assert response.status_code == 200
    assert PushEvent.objects.get().event == "other"


def test_brackets_inside_json_strings_do_not_count_as_nesting(client, shop):
    body = json_body({"Event": "merchant_order", "OrderId": "42", "Note": "[{" * 5000 + '\\"' + "]}" * 10})

    response = post(client, push_url(shop), body)

    assert response.status_code == 200
    assert SyncJob.objects.get().params == {"remote_order_id": "42"}


def test_a_body_over_the_limit_is_refused_from_content_length_without_reading_it(client, shop):
    response = post(
        client, push_url(shop), b"", CONTENT_LENGTH=str(MAX_BODY_BYTES + 1), **{"wsgi.input": ExplodingStream()}
    )

    assert_refused(response, 413, "body too large")


def test_a_content_length_of_thousands_of_digits_is_refused_as_too_large(client, shop):
    response = post(client, push_url(shop), b"", CONTENT_LENGTH="9" * 5000, **{"wsgi.input": ExplodingStream()})

    assert_refused(response, 413, "body too large")


def test_a_content_length_padded_with_thousands_of_zeros_is_refused_before_reading(client, shop):
    # Django's own int() of the header (in request.body) stops at 4300 digits.
    declared = "0" * 5000 + str(len(ORDER_XML))

    response = post(client, push_url(shop), b"", CONTENT_LENGTH=declared, **{"wsgi.input": ExplodingStream()})

    assert_refused(response, 400, "invalid Content-Length")


def test_a_content_length_with_a_few_leading_zeros_is_read_as_its_value(client, shop):
    response = post(client, push_url(shop), ORDER_XML, content_type="text/xml", CONTENT_LENGTH=f"00{len(ORDER_XML)}")

    assert (response.status_code, response.content) == (200, b"success")
    assert SyncJob.objects.get().params == {"remote_order_id": "7197417460812584720"}


def test_a_push_without_content_length_is_refused(client, shop):
    response = post(client, push_url(shop), b"", CONTENT_LENGTH="", **{"wsgi.input": io.BytesIO(ORDER_XML)})

    assert_refused(response, 411, "Content-Length required")


@pytest.mark.parametrize("declared", ["-5", "12abc", " 12", "1e3", "０"])
def test_an_invalid_content_length_is_refused(client, shop, declared):
    response = post(client, push_url(shop), ORDER_XML, CONTENT_LENGTH=declared)

    assert_refused(response, 400, "invalid Content-Length")


def test_a_body_shorter_than_declared_is_refused(client, shop):
    # The whole push arrived, but less than Content-Length said: the connection was cut or the header lies.
    response = post(
        client, push_url(shop), b"", CONTENT_LENGTH=str(len(ORDER_XML) + 10), **{"wsgi.input": io.BytesIO(ORDER_XML)}
    )

    assert_refused(response, 400, "body shorter than declared")


def test_a_body_longer_than_declared_is_read_only_up_to_the_declared_length(client, shop):
    response = post(client, push_url(shop), ORDER_XML, content_type="text/xml", CONTENT_LENGTH=str(len(ORDER_XML) - 6))

    assert_refused(response, 400, "malformed body")


def test_an_unreadable_body_is_refused(client, shop):
    class BrokenStream(io.RawIOBase):
        def read(self, size=-1):
            raise OSError("connection reset")

    response = post(client, push_url(shop), b"", CONTENT_LENGTH="100", **{"wsgi.input": BrokenStream()})

    assert_refused(response, 400, "body unreadable")


# --- Text and syntax --------------------------------------------------------------------------------------


def test_a_json_body_that_is_not_utf8_is_refused(client, shop):
    response = post(client, push_url(shop), b'{"Event": "merchant_order", "OrderId": "\xff\xfe"}')

    assert_refused(response, 400, "body is not UTF-8")


def test_a_utf16_xml_body_is_refused(client, shop):
    response = post(client, push_url(shop), ORDER_XML.decode().encode("utf-16"), content_type="text/xml")

    assert_refused(response, 400, "body is not UTF-8")


def test_a_body_with_a_nul_character_is_refused(client, shop):
    response = post(client, push_url(shop), b'{"Event": "merchant_order", "OrderId": "1"}\x00')

    assert_refused(response, 400, "body contains NUL")


def test_an_integer_beyond_pythons_digit_limit_is_refused(client, shop):
    body = b'{"Event": "merchant_order", "OrderId": ' + b"1" * 5000 + b"}"

    response = post(client, push_url(shop), body)

    assert_refused(response, 400, "malformed body")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_json_are_refused(client, shop, constant):
    body = f'{{"Event": "merchant_order", "OrderId": {constant}}}'.encode()

    response = post(client, push_url(shop), body)

    assert_refused(response, 400, "malformed body")


@pytest.mark.parametrize(
    "body", [b"[1, 2]", b'"merchant_order"', b"<xml/>", b"<xml>text</xml>", b"   ", b"\xef\xbb\xbf"]
)
def test_a_body_that_is_not_an_object_is_refused(client, shop, body):
    response = post(client, push_url(shop), body)

    assert_refused(response, 400, "malformed body")


def test_an_empty_body_is_refused(client, shop):
    response = post(client, push_url(shop), b"", CONTENT_LENGTH="0")

    assert_refused(response, 400, "malformed body")


# --- XML: no DTD, no entities, bounded nesting -------------------------------------------------------------


def test_an_xml_entity_declared_in_a_dtd_is_refused(client, shop):
    body = (
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e "merchant_order">]>'
        b"<xml><Event>&e;</Event><OrderId>7197417460812584720</OrderId></xml>"
    )

    response = post(client, push_url(shop), body, content_type="text/xml")

    assert_refused(response, 400, "malformed body")


def test_a_billion_laughs_body_is_refused(client, shop):
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY l0 "lol">{entities}]><xml><Event>&l9;</Event></xml>'

    response = post(client, push_url(shop), body.encode(), content_type="text/xml")

    assert_refused(response, 400, "malformed body")


def test_an_external_entity_is_refused(client, shop):
    body = b'<?xml version="1.0"?><!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><Event>x</Event></xml>'

    response = post(client, push_url(shop), body, content_type="text/xml")

    assert_refused(response, 400, "malformed body")


def test_deeply_nested_xml_is_refused(client, shop):
    body = ("<xml><Event>other</Event>" + "<a>" * 7000 + "</a>" * 7000 + "</xml>").encode()

    response = post(client, push_url(shop), body, content_type="text/xml")

    assert_refused(response, 400, "body nested too deeply")


def test_an_xml_product_event_is_read_like_the_json_one(client, shop, bound_product):
    body = (
        b"<xml><Event>product_spu_audit</Event>"
        b"<ProductSpuAudit><product_id>10000123</product_id><status>3</status></ProductSpuAudit></xml>"
    )

    response = post(client, push_url(shop), body, content_type="text/xml")

    assert (response.status_code, response.content) == (200, b"success")
    job = SyncJob.objects.get()
    assert (job.kind, job.target_id) == (SyncJob.Kind.PRODUCT_REFRESH, bound_product.pk)


# --- Fields of the wrong type or size ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"Event": "merchant_order", "OrderId": ["7197417460812584720"]}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": {"id": "7197417460812584720"}}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": 1.5}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": True}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": -1}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": 10**400}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": "9" * 65}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": "72\u0000"}, "invalid OrderId"),
        ({"Event": "merchant_order", "OrderId": " 72"}, "invalid OrderId"),
        ({"Event": "product_spu_audit", "ProductSpuAudit": "10000123"}, "invalid ProductSpuAudit"),
        ({"Event": "product_spu_listing", "ProductSpuListing": [{"product_id": "1"}]}, "invalid ProductSpuListing"),
        ({"Event": "product_spu_update", "ProductSpuUpdate": None}, "invalid ProductSpuUpdate"),
        ({"Event": "product_spu_audit", "ProductSpuAudit": {"product_id": ["1"]}}, "invalid product_id"),
        ({"Event": "product_spu_audit", "ProductSpuAudit": {"product_id": "p" * 129}}, "invalid product_id"),
        ({"Event": "product_spu_audit", "product_id": {"x": 1}}, "invalid product_id"),
        ({"Event": ["merchant_order"], "OrderId": "1"}, "invalid Event"),
        ({"Event": 7}, "invalid Event"),
        ({"Event": "merchant_order\u0000"}, "invalid Event"),
        ({"Event": "e" * 65}, "invalid Event"),
    ],
)
def test_a_field_of_the_wrong_type_or_size_is_refused(client, shop, bound_product, fields, reason):
    response = post(client, push_url(shop), json_body(fields))

    assert_refused(response, 400, reason)


def test_a_numeric_order_id_is_pulled_as_text(client, shop):
    response = post(client, push_url(shop), json_body({"Event": "merchant_order", "OrderId": 7197417460812584720}))

    assert response.status_code == 200
    assert SyncJob.objects.get().params == {"remote_order_id": "7197417460812584720"}


def test_a_numeric_product_id_finds_its_binding(client, shop, bound_product):
    body = json_body({"Event": "product_spu_update", "ProductSpuUpdate": {"product_id": 10000123, "status": 0}})

    response = post(client, push_url(shop), body)

    assert response.status_code == 200
    assert SyncJob.objects.get().target_id == bound_product.pk


def test_an_order_event_without_an_order_id_is_recorded_and_queues_nothing(client, shop):
    response = post(client, push_url(shop), json_body({"Event": "merchant_order"}))

    assert (response.status_code, response.content) == (200, b"success")
    assert PushEvent.objects.get().event == "merchant_order"
    assert not SyncJob.objects.exists()


# --- Signature parameters -----------------------------------------------------------------------------------


def test_a_timestamp_of_400_digits_is_refused_as_unsigned(client, shop):
    response = post(client, push_url(shop, timestamp="1" * 400), ORDER_XML, content_type="text/xml")

    assert_refused(response, 403, "invalid signature")


@pytest.mark.parametrize("timestamp", ["²³", "١٧٠٠٠٠٠٠٠٠", "-1700000000", "17e8"])
def test_a_timestamp_that_is_not_ascii_digits_is_refused_as_unsigned(client, shop, timestamp):
    response = post(client, push_url(shop, timestamp=timestamp), ORDER_XML, content_type="text/xml")

    assert_refused(response, 403, "invalid signature")


@pytest.mark.parametrize("nonce", ["a\u0000b", "n" * 65, "with space", "随机"])
def test_a_nonce_that_does_not_fit_is_refused_as_unsigned(client, shop, nonce):
    response = post(client, push_url(shop, nonce=nonce), ORDER_XML, content_type="text/xml")

    assert_refused(response, 403, "invalid signature")


@pytest.mark.parametrize("signature", ["é" * 40, "0" * 39, "g" * 40, ""])
def test_a_malformed_signature_is_refused(client, shop, signature):
    response = post(client, push_url(shop, signature=signature), ORDER_XML, content_type="text/xml")

    assert_refused(response, 403, "invalid signature")


def test_an_upper_case_signature_is_accepted(client, shop):
    timestamp = str(int(time.time()))
    signature = push_signature("tok", timestamp, "n1").upper()

    response = post(client, push_url(shop, timestamp=timestamp, signature=signature), ORDER_XML, "text/xml")

    assert response.status_code == 200
    assert SyncJob.objects.filter(kind=SyncJob.Kind.ORDER_PULL_ONE).count() == 1


def test_a_shop_without_a_push_token_refuses_every_push(client, shop):
    Shop.objects.filter(pk=shop.pk).update(push_token="")

    response = post(client, push_url(shop, token=""), ORDER_XML, content_type="text/xml")

    assert_refused(response, 403, "invalid signature")


def test_a_shop_id_beyond_the_database_range_is_not_found(client, shop):
    url = reverse("channels_sync:push", args=[10**30]) + "?" + push_url(shop).split("?", 1)[1]

    response = post(client, url, ORDER_XML, content_type="text/xml")

    assert response.status_code == 404
    assert not PushEvent.objects.exists()


def test_a_push_with_another_method_is_refused(client, shop):
    response = client.put(push_url(shop), ORDER_XML, content_type="text/xml")

    assert response.status_code == 405
    assert not PushEvent.objects.exists()
