"""The input of the event push endpoint: signature parameters, body limits, parsing and field validation.

Everything a push carries comes from the internet, signed or not, so each step refuses what it cannot handle
with a :class:`PushRefused` (a 4xx status and a short plain reason) before anything is written:

- the query: ``timestamp`` (ASCII digits), ``nonce`` and ``signature`` (40 hex digits) in the shapes WeChat
  sends; anything else is treated as unsigned;
- the body: ``Content-Length`` is required and checked against :data:`MAX_BODY_BYTES` before a byte is read,
  and the body read must be as long as declared;
- the text: UTF-8 without NUL characters (what the platforms send, and what the database can store);
- JSON: nesting deeper than :data:`MAX_NESTING_DEPTH` is refused by a scan before ``json.loads`` (which
  recurses), and so are the non-standard constants (NaN, Infinity) and integers beyond Python's digit limit;
- XML: parsed with defusedxml with DTDs forbidden (so no entity expansion and no external references), into
  nested dicts, the nesting bounded the same way;
- the fields the dispatch uses (``Event``, ``OrderId``, the Channels order and after-sale events' ``order_id``,
  the product events' details and ``product_id``) must
  have the documented types and fit the columns they end up in. Fields nobody reads are not checked.

Nothing here touches the database: the view writes the :class:`~channels_sync.models.PushEvent` and the jobs
only once a :class:`PushMessage` came out.
"""

import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.http import HttpRequest, QueryDict, UnreadablePostError

# WeChat's pushes are a few hundred bytes; the Channels store's product events a few kilobytes.
MAX_BODY_BYTES = 64 * 1024
# The deepest documented push is three levels (<xml><ProductSpuAudit><product_id>); the margin is generous.
MAX_NESTING_DEPTH = 16
# Column lengths the fields end up in: PushEvent.event, Order.remote_order_id, RemoteBinding.remote_id.
MAX_EVENT_CHARS = 64
MAX_ORDER_ID_CHARS = 64
MAX_PRODUCT_ID_CHARS = 128
MAX_NONCE_CHARS = 64
# Room for any real length, even zero-padded; far below the 4300 digits Python's int() accepts.
MAX_CONTENT_LENGTH_CHARS = 20
# Platform ids that arrive as JSON numbers are unsigned 64-bit integers.
MAX_NUMERIC_ID = 2**64 - 1

TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
# WeChat's nonces are digits or letters; printable ASCII leaves room for other senders, never NUL or spaces.
NONCE = re.compile(rf"[!-~]{{1,{MAX_NONCE_CHARS}}}", re.ASCII)
SIGNATURE = re.compile(r"[0-9a-fA-F]{40}", re.ASCII)
EVENT = re.compile(rf"[A-Za-z0-9_]{{1,{MAX_EVENT_CHARS}}}", re.ASCII)
CONTENT_LENGTH = re.compile(r"[0-9]+", re.ASCII)
# One JSON string (escapes included) or one bracket: strings are skipped, so brackets inside them never count.
JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)

# Channels store product events (API reference §3.1): the key holding their details.
PRODUCT_EVENTS = {
    "product_spu_audit": "ProductSpuAudit",
    "product_spu_listing": "ProductSpuListing",
    "product_spu_update": "ProductSpuUpdate",
}
ORDER_EVENT = "merchant_order"
# Channels store order events (sandbox README, "Orders, delivery and after-sales"): the order id sits under
# ``order_info``; an after-sale's change names its order under ``finder_shop_aftersale_status_update``.
CHANNELS_ORDER_EVENTS = frozenset(
    {
        "channels_ec_order_new",
        "channels_ec_order_pay",
        "channels_ec_order_cancel",
        "channels_ec_order_wait_shipping",
        "channels_ec_order_deliver",
        "channels_ec_order_confirm",
        "channels_ec_order_settle",
        "channels_ec_order_ext_info",
    }
)
CHANNELS_ORDER_DETAILS = "order_info"
CHANNELS_AFTERSALE_EVENT = "channels_ec_aftersale_update"
CHANNELS_AFTERSALE_DETAILS = "finder_shop_aftersale_status_update"


class PushRefused(Exception):
    """A push that is not processed: the HTTP status to answer and a short plain reason (no input echoed)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class SignedQuery:
    timestamp: int
    nonce: str


@dataclass(frozen=True)
class PushMessage:
    """What a push asks for, validated: the dispatch reads nothing else."""

    event: str
    order_id: str = ""
    product_id: str = ""


def push_signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324  (WeChat's scheme)


def signed_query(query: QueryDict, token: str) -> SignedQuery:
    """The signature parameters, checked against the shop's push token; 403 when missing, malformed or forged."""
    timestamp = query.get("timestamp", "")
    nonce = query.get("nonce", "")
    signature = query.get("signature", "")
    if not (token and TIMESTAMP.fullmatch(timestamp) and NONCE.fullmatch(nonce) and SIGNATURE.fullmatch(signature)):
        raise PushRefused(403, "invalid signature")
    # Both sides are ASCII hex here: compare_digest raises on non-ASCII text.
    if not hmac.compare_digest(push_signature(token, timestamp, nonce), signature.lower()):
        raise PushRefused(403, "invalid signature")
    return SignedQuery(timestamp=int(timestamp), nonce=nonce)


def read_body(request: HttpRequest) -> bytes:
    """The request body, refused from its declared length before it is read, and refused if it came short.

    A body longer than declared cannot be seen here: the WSGI layer reads exactly ``Content-Length`` bytes.
    """
    declared = request.META.get("CONTENT_LENGTH") or ""
    if not declared:
        raise PushRefused(411, "Content-Length required")
    if not CONTENT_LENGTH.fullmatch(declared):
        raise PushRefused(400, "invalid Content-Length")
    # Measured as text first: int() refuses thousands of digits, leading zeros included.
    digits = declared.lstrip("0") or "0"
    if len(digits) > len(str(MAX_BODY_BYTES)) or int(digits) > MAX_BODY_BYTES:
        raise PushRefused(413, "body too large")
    if len(declared) > MAX_CONTENT_LENGTH_CHARS:
        # A small value padded with zeros: Django's own reading of the header (request.body) would fail on it.
        raise PushRefused(400, "invalid Content-Length")
    try:
        body = request.body
    except UnreadablePostError as error:
        raise PushRefused(400, "body unreadable") from error
    if len(body) != int(digits):
        raise PushRefused(400, "body shorter than declared")
    return body


def body_text(body: bytes) -> str:
    """The body as text: UTF-8 (a BOM is dropped), no NUL characters."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PushRefused(400, "body is not UTF-8") from error
    if "\x00" in text:
        raise PushRefused(400, "body contains NUL")
    return text.removeprefix("\ufeff")


def push_fields(text: str) -> dict:
    """The event's fields: WeChat pushes XML (V1.17) or JSON (the Channels store, when so configured)."""
    stripped = text.strip()
    fields = _json_fields(stripped) if stripped.startswith(("{", "[")) else _xml_fields(stripped)
    if not isinstance(fields, dict):
        raise PushRefused(400, "malformed body")
    return fields


def _json_fields(text: str) -> object:
    depth = 0
    for token in JSON_STRING_OR_BRACKET.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                raise PushRefused(400, "body nested too deeply")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        # JSONDecodeError, and Python's own refusal of integers beyond its digit limit.
        raise PushRefused(400, "malformed body") from error


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _xml_fields(text: str) -> object:
    builder = _XmlFields()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(text)
        return parser.close()
    except (ParseError, DefusedXmlException) as error:
        raise PushRefused(400, "malformed body") from error


class _XmlFields:
    """A parser target building the document as nested dicts (an element with children) and strings (a leaf,
    its text stripped); it refuses nesting deeper than :data:`MAX_NESTING_DEPTH` as the elements start."""

    def __init__(self) -> None:
        self._open: list[tuple[str, dict, list[str]]] = []
        self._root: object = None

    def start(self, tag: str, attrib: dict) -> None:
        if len(self._open) >= MAX_NESTING_DEPTH:
            raise PushRefused(400, "body nested too deeply")
        self._open.append((tag, {}, []))

    def data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)

    def end(self, tag: str) -> None:
        tag, children, texts = self._open.pop()
        value = children if children else "".join(texts).strip()
        if self._open:
            self._open[-1][1][tag] = value
        else:
            self._root = value

    def close(self) -> object:
        return self._root


def push_message(fields: dict) -> PushMessage:
    """The fields the dispatch uses, with their types checked; 400 naming the first wrong field."""
    event = fields.get("Event", "")
    if event == "":
        return PushMessage(event="")
    if not isinstance(event, str) or not EVENT.fullmatch(event):
        raise PushRefused(400, "invalid Event")
    if event == ORDER_EVENT:
        return PushMessage(event=event, order_id=_platform_id(fields.get("OrderId"), "OrderId", MAX_ORDER_ID_CHARS))
    if event in CHANNELS_ORDER_EVENTS or event == CHANNELS_AFTERSALE_EVENT:
        # Either way the order is read again: it holds the lines, the parcels and the refunded pieces.
        details_key = CHANNELS_ORDER_DETAILS if event in CHANNELS_ORDER_EVENTS else CHANNELS_AFTERSALE_DETAILS
        details = fields.get(details_key)
        if not isinstance(details, dict):
            raise PushRefused(400, f"invalid {details_key}")
        return PushMessage(event=event, order_id=_platform_id(details.get("order_id"), "order_id", MAX_ORDER_ID_CHARS))
    if event in PRODUCT_EVENTS:
        details_key = PRODUCT_EVENTS[event]
        # The details sit under their key; some senders put product_id at the top level.
        details = fields.get(details_key, fields)
        if not isinstance(details, dict):
            raise PushRefused(400, f"invalid {details_key}")
        product_id = _platform_id(details.get("product_id"), "product_id", MAX_PRODUCT_ID_CHARS)
        return PushMessage(event=event, product_id=product_id)
    return PushMessage(event=event)


def _platform_id(value: object, name: str, max_chars: int) -> str:
    """An id as text: a string of printable characters that fits its column, or a positive 64-bit integer
    (ids are uint64 and some senders write them as JSON numbers). Absent or empty is ``""``."""
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_NUMERIC_ID:
            raise PushRefused(400, f"invalid {name}")
        return str(value)
    if (
        not isinstance(value, str)
        or len(value) > max_chars
        or value != value.strip()
        or any(unicodedata.category(char).startswith("C") for char in value)
    ):
        raise PushRefused(400, f"invalid {name}")
    return value
