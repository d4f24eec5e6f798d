"""Fuzz test of the event push endpoint, through Django's test client against the real view and database.

Thousands of generated pushes: JSON trees of random depth and shape, event-shaped JSON with fields of every
type, XML fragments (DTDs, entities, CDATA, deep nesting), random bytes, deep nesting, huge strings, lying
Content-Length headers, signed with the shop's push token or unsigned and forged. For every one:

- the answer is 2xx or 4xx, never 5xx (an exception in the view fails the test: the client re-raises it);
- a refused push leaves no PushEvent and no SyncJob;
- an accepted push leaves exactly one PushEvent, and the jobs the dispatch rules call for, no more;
- a push that is valid by the API reference is accepted.

Each example runs in a transaction rolled back afterwards, so examples never see each other's rows. About
3,000 examples run in 20-30 s. Under CI=true Hypothesis loads its built-in "ci" profile: derandomized (the
same examples on every run, so a failure reproduces) and without an example database; elsewhere each run draws
new examples and keeps failing ones in .hypothesis/ (ignored by git).
"""

import io
import json
import logging
import time
from contextlib import contextmanager
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels_sync.engine import outbox
from channels_sync.models import PushEvent, RemoteBinding, Shop, SyncJob
from channels_sync.pushes import (
    MAX_BODY_BYTES,
    MAX_CONTENT_LENGTH_CHARS,
    MAX_NESTING_DEPTH,
    PRODUCT_EVENTS,
    push_signature,
)
from products.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = "fuzz-push-token"
BOUND_PRODUCT_ID = "10000123"
KNOWN_EVENTS = ["merchant_order", *PRODUCT_EVENTS, "other_event", ""]


def fuzz(examples: int) -> settings:
    """Hypothesis settings of one fuzz test (the rest comes from the active profile, "ci" under CI=true).

    No deadline: a request's time varies with the shared machine. Function-scoped fixtures are used on
    purpose: each example rolls its own rows back.
    """
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "_queue_run", lambda job_id, countdown=0: None)


@pytest.fixture(autouse=True)
def quiet_refusals():
    """Thousands of refusals would log two warnings each; errors still show."""
    loggers = [logging.getLogger(name) for name in ("channels_sync.push", "django.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def shop(db):
    return Shop.objects.create(
        name="模糊测试店", platform="channels", app_id="wx_fuzz", base_url="http://127.0.0.1:8765", push_token=TOKEN
    )


@pytest.fixture
def bound_product(shop):
    product = factories.product()
    RemoteBinding.objects.create(
        shop=shop,
        content_type=ContentType.objects.get_for_model(Product),
        object_id=product.pk,
        remote_id=BOUND_PRODUCT_ID,
    )
    return product


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def signed_query(token: str = TOKEN, *, timestamp: str | None = None, nonce: str = "fuzz1") -> dict[str, str]:
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    return {"signature": push_signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def send(client, shop, body: bytes, query: dict[str, str], content_type: str = "application/json", **extra):
    url = reverse("channels_sync:push", args=[shop.pk]) + "?" + urlencode(query)
    if "wsgi.input" not in extra:
        # Django's test client leaves CONTENT_LENGTH out of an empty body; a real client sends "0".
        extra.setdefault("CONTENT_LENGTH", str(len(body)))
        extra["wsgi.input"] = io.BytesIO(body)
    return client.generic("POST", url, body, content_type=content_type, **extra)


def assert_no_effect(response) -> None:
    assert 400 <= response.status_code < 500, response.status_code
    assert PushEvent.objects.count() == 0
    assert SyncJob.objects.count() == 0


def expected_jobs(fields: dict, bound_product) -> list[tuple]:
    """The dispatch rules (API reference §2.6 and §3.1): an order event pulls its order; a product event for a
    product bound in the shop refreshes it; anything else queues nothing."""
    event = fields.get("Event", "")
    if event == "merchant_order" and fields.get("OrderId") not in (None, ""):
        return [(SyncJob.Kind.ORDER_PULL_ONE, None, {"remote_order_id": str(fields["OrderId"])})]
    if event in PRODUCT_EVENTS:
        details = fields.get(PRODUCT_EVENTS[event], fields)
        if str(details.get("product_id")) == BOUND_PRODUCT_ID:
            return [(SyncJob.Kind.PRODUCT_REFRESH, bound_product.pk, {})]
    return []


def assert_outcome(response, fields: dict | None, bound_product, *, must_accept: bool = False) -> None:
    """Refused: no effect. Accepted: one PushEvent and exactly the jobs of the rules (when ``fields`` is known)."""
    if must_accept:
        assert (response.status_code, response.content) == (200, b"success"), response.content
    if response.status_code != 200:
        assert_no_effect(response)
        return
    assert response.content == b"success"
    event = PushEvent.objects.get()
    jobs = [(job.kind, job.target_id, job.params) for job in SyncJob.objects.order_by("pk")]
    if fields is None:
        assert len(jobs) <= 1
        return
    assert event.event == fields.get("Event", "")
    assert jobs == expected_jobs(fields, bound_product)


# --- Strategies ---------------------------------------------------------------------------------------------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(KNOWN_EVENTS + [BOUND_PRODUCT_ID, "7197417460812584720", "\x00", " 1", "é" * 70])
)
json_trees = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)
valid_order_ids = st.from_regex(r"[0-9]{1,20}", fullmatch=True) | st.integers(min_value=1, max_value=2**64 - 1)
valid_product_ids = st.sampled_from([BOUND_PRODUCT_ID, int(BOUND_PRODUCT_ID)]) | st.from_regex(
    r"[0-9A-Za-z_-]{1,128}", fullmatch=True
)
EXTRA_KEYS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "OrderStatus", "SkuInfo", "x"]
# Fields nobody reads: anything JSON can carry (valid pushes never hold NaN or Infinity).
extra_fields = st.dictionaries(st.sampled_from(EXTRA_KEYS), json_trees, max_size=4)
compliant_extra_fields = st.dictionaries(
    st.sampled_from(EXTRA_KEYS),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=15,
    ),
    max_size=4,
)


@st.composite
def valid_events(draw) -> dict:
    """Pushes the API reference describes: an order-paid push, a product event with or without its details key."""
    fields = draw(compliant_extra_fields)
    kind = draw(st.sampled_from(["order", "product", "product_flat", "other"]))
    if kind == "order":
        fields.update(Event="merchant_order", OrderId=draw(valid_order_ids))
    elif kind == "product":
        event = draw(st.sampled_from(sorted(PRODUCT_EVENTS)))
        details = {"product_id": draw(valid_product_ids), "status": draw(st.integers(0, 20))}
        fields.update({"Event": event, PRODUCT_EVENTS[event]: details})
    elif kind == "product_flat":
        fields.update(Event=draw(st.sampled_from(sorted(PRODUCT_EVENTS))), product_id=draw(valid_product_ids))
    else:
        fields["Event"] = draw(st.from_regex(r"[a-z_]{1,64}", fullmatch=True))
    return fields


@st.composite
def event_shaped(draw) -> dict:
    """Objects shaped like pushes, each field drawn from every JSON type."""
    fields = draw(extra_fields)
    fields["Event"] = draw(st.sampled_from(KNOWN_EVENTS) | json_trees)
    for key in ["OrderId", "product_id", *PRODUCT_EVENTS.values()]:
        if draw(st.booleans()):
            fields[key] = draw(
                json_trees
                | valid_order_ids
                | st.fixed_dictionaries({"product_id": json_trees | valid_product_ids}, optional={"x": json_trees})
            )
    return fields


def json_bytes(value, draw) -> bytes:
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


# XML: a tree of (tag, text or children), rendered with escaping; the fields it stands for are derived from it.
xml_tags = st.sampled_from(["Event", "OrderId", "ProductSpuAudit", "ProductSpuListing", "product_id", "MsgType", "a"])
xml_text = st.sampled_from(KNOWN_EVENTS + [BOUND_PRODUCT_ID, "7197417460812584720"]) | st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("\t\n\r"), max_size=30
)
xml_trees = st.recursive(
    st.tuples(xml_tags, xml_text),
    lambda children: st.tuples(xml_tags, st.lists(children, min_size=1, max_size=4)),
    max_leaves=12,
)


def render_xml(tag: str, value) -> str:
    if isinstance(value, str):
        inner = escape(value) if "]]>" in value or not value else f"<![CDATA[{value}]]>"
    else:
        inner = "".join(render_xml(child_tag, child) for child_tag, child in value)
    return f"<{tag}>{inner}</{tag}>"


def xml_value(value):
    if isinstance(value, str):
        return value.strip()
    return {tag: xml_value(child) for tag, child in value}


@st.composite
def xml_documents(draw) -> tuple[bytes, dict | None]:
    """A document and, when it is well formed without a DTD, the fields it stands for."""
    children = draw(st.lists(xml_trees, max_size=6))
    body = render_xml("xml", children)
    fields = xml_value(children) if children else None
    prefix = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="UTF-8"?>',
                "<!-- a comment -->",
                '<!DOCTYPE xml [<!ENTITY e "merchant_order">]>',
                '<!DOCTYPE xml SYSTEM "http://127.0.0.1:1/evil.dtd">',
                '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
                '<?xml version="1.0" encoding="gbk"?>',
            ]
        )
    )
    if "DOCTYPE" in prefix or "gbk" in prefix:
        fields = None  # refused, or read in another encoding: only the absence of effects is checked
    if draw(st.booleans()):
        # Damage it: cut it short, or splice in an entity or random text.
        position = draw(st.integers(0, len(body)))
        body = (
            body[:position]
            + draw(st.sampled_from(["", "&e;", "&#0;", "<", "]]>", "&amp;", "\ufffe"]))
            + body[position + draw(st.integers(0, 5)) :]
        )
        fields = None
    return (prefix + body).encode("utf-8", "surrogatepass"), fields


# --- The fuzz tests -----------------------------------------------------------------------------------------


@fuzz(500)
@given(data=st.data())
def test_signed_json_trees_never_fail_and_refusals_leave_nothing(client, shop, bound_product, data):
    value = data.draw(json_trees | event_shaped())
    body = json_bytes(value, data.draw)
    with rolled_back():
        response = send(client, shop, body, signed_query())
        if isinstance(value, dict) and response.status_code == 200:
            assert_outcome(response, value, bound_product)
        else:
            assert_outcome(response, None, bound_product)


@fuzz(300)
@given(fields=valid_events(), ensure_ascii=st.booleans())
def test_valid_json_pushes_are_accepted_and_dispatched(client, shop, bound_product, fields, ensure_ascii):
    body = json.dumps(fields, ensure_ascii=ensure_ascii, allow_nan=False).encode()
    with rolled_back():
        response = send(client, shop, body, signed_query())
        assert_outcome(response, fields, bound_product, must_accept=len(body) <= MAX_BODY_BYTES)


@fuzz(400)
@given(document=xml_documents())
def test_signed_xml_fragments_never_fail_and_refusals_leave_nothing(client, shop, bound_product, document):
    body, fields = document
    with rolled_back():
        response = send(client, shop, body, signed_query(), content_type="text/xml")
        if fields is not None and response.status_code == 200:
            assert_outcome(response, fields, bound_product)
        else:
            assert_outcome(response, None, bound_product)


@fuzz(150)
@given(
    order_id=valid_order_ids,
    event=st.sampled_from(["merchant_order", "other_event"]),
    padding=st.sampled_from(["", "\n  ", "\t"]),
)
def test_valid_xml_order_pushes_are_accepted(client, shop, bound_product, order_id, event, padding):
    body = (
        f"<xml>{padding}<ToUserName><![CDATA[gh_1]]></ToUserName>{padding}<MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{padding}<OrderId>{order_id}</OrderId>{padding}</xml>"
    ).encode()
    with rolled_back():
        response = send(client, shop, body, signed_query(), content_type="text/xml")
        assert_outcome(response, {"Event": event, "OrderId": str(order_id)}, bound_product, must_accept=True)


@fuzz(400)
@given(body=st.binary(max_size=3000) | st.binary(max_size=200).map(lambda b: b"{" + b), as_xml=st.booleans())
def test_random_bytes_never_fail_and_refusals_leave_nothing(client, shop, bound_product, body, as_xml):
    with rolled_back():
        response = send(client, shop, body, signed_query(), content_type="text/xml" if as_xml else "application/json")
        assert_outcome(response, None, bound_product)


@fuzz(150)
@given(
    depth=st.integers(min_value=MAX_NESTING_DEPTH + 1, max_value=40_000),
    shape=st.sampled_from(["array", "object", "xml", "mixed"]),
    closed=st.booleans(),
)
def test_deep_nesting_is_refused_without_effect(client, shop, bound_product, depth, shape, closed):
    if shape == "array":
        opening, closing = "[" * depth, "]" * depth
    elif shape == "object":
        opening, closing = '{"a":' * depth + "1", "}" * depth
    elif shape == "mixed":
        opening, closing = '[{"a":' * (depth // 2 + 1) + "1", "}]" * (depth // 2 + 1)
    else:
        opening, closing = "<a>" * depth, "</a>" * depth
    if shape == "xml":
        body = f"<xml><Event>other_event</Event>{opening}{closing if closed else ''}</xml>"
    else:
        body = f'{{"Event": "merchant_order", "OrderId": "1", "Details": {opening}{closing if closed else ""}}}'
    with rolled_back():
        response = send(client, shop, body.encode(), signed_query())
        assert_no_effect(response)
        expected = 413 if len(body) > MAX_BODY_BYTES else 400
        assert response.status_code == expected


@fuzz(200)
@given(
    length=st.integers(min_value=60, max_value=MAX_BODY_BYTES + 4096),
    char=st.sampled_from(["9", "a", "界", "\\u0000", "\u202e", " "]),
    where=st.sampled_from(["Event", "OrderId", "product_id", "Note", "key"]),
    event=st.sampled_from(["merchant_order", "product_spu_audit"]),
)
def test_huge_strings_never_fail_and_refusals_leave_nothing(client, shop, bound_product, length, char, where, event):
    huge = char * (length // len(char.encode()))
    fields = {"Event": event, "OrderId": "1"}
    if where == "key":
        fields[huge] = 1
    else:
        fields[where] = huge
    body = json.dumps(fields, ensure_ascii=False).replace("\\\\u0000", "\\u0000").encode()
    with rolled_back():
        response = send(client, shop, body, signed_query())
        if len(body) > MAX_BODY_BYTES:
            assert response.status_code == 413
        assert_outcome(response, json.loads(body) if response.status_code == 200 else None, bound_product)


@fuzz(200)
@given(
    fields=valid_events(),
    declared=st.sampled_from(["", "0", "-1", "abc", "1e3", "9" * 30, "+10", " 5", "0" * 5000 + "5"])
    | st.integers(0, 2 * MAX_BODY_BYTES),
    zero_padding=st.none() | st.integers(1, 25) | st.integers(4290, 6000),
)
def test_lying_content_length_never_fails_and_refusals_leave_nothing(
    client, shop, bound_product, fields, declared, zero_padding
):
    body = json.dumps(fields, allow_nan=False).encode()
    # Either an arbitrary value, or the body's true length written with leading zeros.
    declared = str(declared) if zero_padding is None else "0" * zero_padding + str(len(body))
    with rolled_back():
        response = send(client, shop, body, signed_query(), CONTENT_LENGTH=declared, **{"wsgi.input": io.BytesIO(body)})
        if (
            declared.isascii()
            and declared.isdigit()
            and len(declared) <= MAX_CONTENT_LENGTH_CHARS
            and int(declared) == len(body)
        ):
            assert_outcome(response, fields, bound_product, must_accept=True)
        else:
            # Shorter than the body: read up to the declared length, which cuts it into malformed JSON
            # (never a valid prefix, since the object closes last). Longer, or unreadable: nothing to accept.
            assert_no_effect(response)


forged_queries = st.fixed_dictionaries(
    {},
    optional={
        "signature": st.text(max_size=45) | st.from_regex(r"[0-9a-f]{40}", fullmatch=True),
        "timestamp": st.text(max_size=15) | st.integers().map(str) | st.just("1" * 400),
        "nonce": st.text(max_size=70),
        "echostr": st.text(max_size=10),
    },
)


@fuzz(400)
@given(
    query=forged_queries | st.builds(signed_query, token=st.text(min_size=1, max_size=20).filter(lambda t: t != TOKEN)),
    body=st.sampled_from(
        [
            b'{"Event": "merchant_order", "OrderId": "7197417460812584720"}',
            b"<xml><Event>merchant_order</Event><OrderId>7197417460812584720</OrderId></xml>",
            b"[" * 30000,
        ]
    )
    | st.binary(max_size=500),
)
def test_unsigned_and_forged_pushes_are_refused_without_effect(client, shop, bound_product, query, body):
    with rolled_back():
        response = send(client, shop, body, query)
        assert response.status_code == 403
        assert response.content == b"invalid signature"
        assert_no_effect(response)


@fuzz(150)
@given(
    timestamp=st.sampled_from(["²³", "١٧٠٠٠٠٠٠٠٠", "1" * 400, "-5", "0x10", "", " 1"]) | st.text(max_size=12),
    nonce=st.text(max_size=70),
)
def test_signed_pushes_with_odd_parameters_never_fail(client, shop, bound_product, timestamp, nonce):
    body = b'{"Event": "merchant_order", "OrderId": "7197417460812584720"}'
    query = {"signature": push_signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    with rolled_back():
        response = send(client, shop, body, query)
        fresh = timestamp.isascii() and timestamp.isdigit() and abs(time.time() - int(timestamp[:12])) <= 300
        if not fresh:
            assert response.status_code == 403
        assert_outcome(response, {"Event": "merchant_order", "OrderId": "7197417460812584720"}, bound_product)
